/**
 * Ledger events of the kiosk checkout (controller/machines/checkout), the catalog
 * (controller/catalog) and the member account payment provider (controller/payments/memberAccount.ts).
 * Every step of a sale is written before it is acted on; money is integer cents. Refused input
 * (unknown barcode, malformed GS1, tampered total, replayed approval) writes nothing. Age-check
 * evidence is method, result, time and member only — never document data.
 */
import { Type } from 'typebox';
import { CatalogProductSchema } from '../changes/catalog.ts';
import { Cents, defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const Reason = Type.String({ minLength: 1, maxLength: 60 });
const Detail = Type.String({ maxLength: 500 });
const Rate = Type.Union([Type.Literal(7), Type.Literal(19)]);
const Age = Type.Union([Type.Literal(16), Type.Literal(18)]);
const MemberId = Type.Union([Id, Type.Null()]);
const Ref = Type.String({ minLength: 1, maxLength: 200 });
const Provider = Type.String({ minLength: 1, maxLength: 40 });
const Card = Type.Union([obj({ brand: Type.String({ maxLength: 20 }), last4: Type.String({ pattern: '^[0-9]{4}$' }) }), Type.Null()]);
const AgeMethod = Type.Union([Type.Literal('member-pin'), Type.Literal('remote'), Type.Literal('terminal')]);

export const SaleLineSchema = obj({
  /** GTIN or `plu:<code>` of the product. */
  productId: Id,
  name: Type.String({ minLength: 1, maxLength: 60 }),
  quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  unitCents: Type.Integer({ minimum: 1, maximum: 100_000 }),
  vatRate: Rate,
  depositCents: Type.Integer({ minimum: 0, maximum: 1_000 }),
  ageClass: Type.Union([Type.Literal(0), Age]),
  batch: Type.Optional(Type.String({ maxLength: 20 })),
});

const VatLine = obj({ rate: Rate, netCents: Cents, vatCents: Cents, grossCents: Cents });

export const salesEvents = defineEvents({
  'catalog.set': {
    summary: "A catalog from the downlink replaced the point's products (whole, by catalogId).",
    versions: [obj({ catalogId: Id, products: Type.Array(CatalogProductSchema, { maxItems: 5000 }) })],
  },
  'sale.cart-fixed': {
    summary: 'A sale began: the cart was priced by the point (never the kiosk) and fixed for payment.',
    versions: [
      obj({
        saleId: Id,
        lines: Type.Array(SaleLineSchema, { minItems: 1, maxItems: 200 }),
        totalCents: Cents,
        vat: Type.Array(VatLine, { maxItems: 2 }),
        requiredAge: Type.Union([Type.Literal(0), Age]),
      }),
    ],
  },
  'sale.committed': {
    summary: 'The sale is complete: paid and booked (written with its stock movements in one transaction).',
    versions: [obj({ saleId: Id, paymentId: Id, totalCents: Cents, reconciled: Type.Boolean() })],
  },
  'sale.fiscal-signed': {
    summary: 'The committed sale was signed by the fiscal module (placeholder until the TSE issue).',
    versions: [obj({ saleId: Id, signer: Type.String({ maxLength: 40 }), signature: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]) })],
  },
  'sale.receipt-issued': {
    summary: 'The receipt of a committed sale was handed to the kiosk/printer.',
    versions: [
      obj({
        saleId: Id,
        totalCents: Cents,
        /** Random (128 bits, base64url): the receipt link `/r/<siteId>/<saleId>?t=<token>` the backoffice serves works only with it. */
        receiptToken: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' })),
        /** How the sale was paid, as printed on the receipt. */
        payment: Type.Optional(Type.Union([Type.Literal('card'), Type.Literal('phone'), Type.Literal('account')])),
        /** The shop's name and address as printed on the receipt. */
        shop: Type.Optional(
          obj({
            name: Type.String({ minLength: 1, maxLength: 60 }),
            address: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 3 }),
          }),
        ),
        /** The ledger sequence printed on the receipt (the sale's `sale.committed`). */
        ledgerSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
      }),
    ],
  },
  'sale.aborted': {
    summary: 'A sale ended without a sale: customer cancel, timeout, failed age check or payment; any payment was voided or refunded.',
    versions: [obj({ saleId: Id, reason: Reason })],
  },
  'age-check.requested': {
    summary: 'An age check for one sale was started (bound to that sale only); a remote one carries its deadline.',
    versions: [
      obj({
        saleId: Id,
        checkId: Id,
        method: AgeMethod,
        requiredAge: Age,
        /** Remote checks: the point refuses an operator's answer after this time (point clock, epoch ms). Optional: version 1 still. */
        deadlineAt: Type.Optional(EpochMs),
      }),
    ],
  },
  'age-check.decided': {
    summary: 'Evidence of an age check: method, result, time, member (never document data).',
    versions: [
      obj({
        saleId: Id,
        checkId: Id,
        method: AgeMethod,
        passed: Type.Boolean(),
        reason: Reason,
        memberId: MemberId,
        operator: Type.Union([Id, Type.Null()]),
        decidedAt: EpochMs,
      }),
    ],
  },
  'payment.started': {
    summary: "A payment is about to be asked of a provider; its idempotency key is this event's paymentId (written before the call).",
    versions: [obj({ saleId: Id, paymentId: Id, provider: Provider, memberId: MemberId, amountCents: Cents })],
  },
  'payment.pending': {
    summary: 'The provider took the payment; its handle is known.',
    versions: [obj({ saleId: Id, paymentId: Id, ref: Ref })],
  },
  'payment.authorised': {
    summary: "The customer's payment was authorised (not yet captured).",
    versions: [obj({ saleId: Id, paymentId: Id, ref: Ref, amountCents: Cents, card: Card })],
  },
  'payment.failed': {
    summary: 'A payment attempt failed (declined, timeout, provider refused); nothing was charged.',
    versions: [obj({ saleId: Id, paymentId: Id, reason: Reason, detail: Detail })],
  },
  'payment.captured': {
    summary: 'The authorised amount was taken.',
    versions: [obj({ saleId: Id, paymentId: Id, ref: Ref, amountCents: Cents })],
  },
  'payment.canceled': {
    summary: 'The payment was voided (authorisation released); nothing charged.',
    versions: [obj({ saleId: Id, paymentId: Id, ref: Type.Union([Ref, Type.Null()]) })],
  },
  'payment.refunded': {
    summary: 'A captured payment was refunded because its sale could not be completed.',
    versions: [obj({ saleId: Id, paymentId: Id, ref: Ref, refundId: Id, amountCents: Cents })],
  },
  'stock.moved': {
    summary: 'Units left the shop with a committed sale (negative = out).',
    versions: [
      obj({ saleId: Id, productId: Id, quantity: Type.Integer({ minimum: -999, maximum: 999 }), batch: Type.Optional(Type.String({ maxLength: 20 })) }),
    ],
  },
  'account.authorised': {
    summary: "Member account: an amount was held against the member's balance or credit limit.",
    versions: [obj({ ref: Ref, memberId: Id, saleId: Id, amountCents: Cents, key: Id })],
  },
  'account.captured': {
    summary: 'Member account: a held amount was booked (prepaid: debited; invoice: billed monthly).',
    versions: [obj({ ref: Ref, amountCents: Cents })],
  },
  'account.voided': {
    summary: 'Member account: a hold was released.',
    versions: [obj({ ref: Ref })],
  },
  'account.refunded': {
    summary: 'Member account: a booked amount was credited back.',
    versions: [obj({ ref: Ref, refundId: Id, amountCents: Cents })],
  },
});

export type SalesPayloads = PayloadsOf<typeof salesEvents>;
