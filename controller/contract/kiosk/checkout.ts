/**
 * The kiosk checkout's requests and answers: a sale begun, scans and loose goods added, the
 * kiosk's total confirmed, paid by card or member account, polled, aborted. Money is integer
 * cents. A refusal answers 200 with `ok: false`, its reason code (`checkout.refused.*`) and the
 * translated message; nothing changed. Response schemas are open (see snapshot.ts); request
 * bodies are closed.
 */
import { Type, type Static } from 'typebox';
import { CARD_UID_MAX_LENGTH, CARD_UID_PATTERN_SOURCE, PIN_MAX_LENGTH, PIN_MIN_LENGTH, PIN_PATTERN_SOURCE } from '../credentialFormats.ts';
import { Code, NonNegInt } from './common.ts';

const Cents = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const Rate = Type.Union([Type.Literal(19), Type.Literal(7)]);
const Age = Type.Union([Type.Literal(0), Type.Literal(16), Type.Literal(18)]);

// ---- requests ----------------------------------------------------------------------------

/** `POST /api/checkout/:id/…`: the sale id from `POST /api/checkout`. */
export const SaleParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** `POST /api/checkout/:id/scan`: the scanner's text, a GTIN or a GS1 element string. */
export const ScanBodySchema = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type ScanBody = Static<typeof ScanBodySchema>;

/** `POST /api/checkout/:id/loose`: a product of the picture grid and how many. */
export const LooseBodySchema = Type.Object(
  { plu: Type.String({ minLength: 1, maxLength: 20 }), qty: Type.Integer({ minimum: 1, maximum: 999 }) },
  { additionalProperties: false },
);
export type LooseBody = Static<typeof LooseBodySchema>;

/** `POST /api/checkout/:id/confirm`: the total the kiosk shows; the point prices, this is only compared. */
export const ConfirmBodySchema = Type.Object({ totalCents: Cents }, { additionalProperties: false });
export type ConfirmBody = Static<typeof ConfirmBodySchema>;

/** A member's card UID and PIN (credentialFormats). */
export const MemberCredentialSchema = Type.Object(
  {
    cardUid: Type.String({ minLength: 1, maxLength: CARD_UID_MAX_LENGTH, pattern: CARD_UID_PATTERN_SOURCE }),
    pin: Type.String({ minLength: PIN_MIN_LENGTH, maxLength: PIN_MAX_LENGTH, pattern: PIN_PATTERN_SOURCE }),
  },
  { additionalProperties: false },
);

/** `POST /api/checkout/:id/pay`: by card at the reader, by phone (a QR code to a payment page), or from the member account (card UID + PIN). */
export const PayBodySchema = Type.Object(
  {
    method: Type.Union([Type.Literal('card'), Type.Literal('phone'), Type.Literal('account')]),
    memberCredential: Type.Optional(MemberCredentialSchema),
  },
  { additionalProperties: false },
);
export type PayBody = Static<typeof PayBodySchema>;

/**
 * `POST /api/checkout/:id/age`: the age check of a sale with age-restricted goods — an
 * age-verified member's card + PIN, a remote check by an operator, or an age terminal.
 */
export const AgeBodySchema = Type.Object(
  { method: Type.Union([Type.Literal('member'), Type.Literal('remote'), Type.Literal('terminal')]), memberCredential: Type.Optional(MemberCredentialSchema) },
  { additionalProperties: false },
);
export type AgeBody = Static<typeof AgeBodySchema>;

// ---- answers -----------------------------------------------------------------------------

export const SaleLineViewSchema = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  quantity: NonNegInt,
  unitCents: Cents,
  depositCents: Cents,
  vatRate: Rate,
  ageClass: Age,
  /** quantity × (unit + deposit). */
  lineCents: Cents,
  batch: Type.Optional(Type.String()),
});

export const VatViewSchema = Type.Object({ rate: Rate, netCents: Cents, vatCents: Cents, grossCents: Cents });

export const RefusalViewSchema = Type.Object({ reason: Code, message: Type.String() });

/** `GET /api/checkout/:id` and every successful action: where the sale stands. */
export const SaleViewSchema = Type.Object({
  saleId: Type.String(),
  /** cart, ageCheck, payment, paymentFailed, voiding, committing, signing, receipt, done, aborted. */
  state: Code,
  lines: Type.Array(SaleLineViewSchema),
  totalCents: Cents,
  vat: Type.Array(VatViewSchema),
  requiredAge: Age,
  agePassed: Type.Boolean(),
  payment: Type.Union([Type.Object({ paymentId: Type.String(), status: Code, provider: Type.String() }), Type.Null()]),
  endReason: Type.Union([Code, Type.Null()]),
  /** The last refusal of an action on this sale (null after an accepted one). */
  refusal: Type.Union([RefusalViewSchema, Type.Null()]),
  /**
   * Pay by phone: the short link to the payment page once the backoffice sent it (the QR code, an
   * SVG drawn by the point, holds `shortUrl`); null while it is on its way or for other methods.
   */
  phoneLink: Type.Optional(Type.Union([Type.Object({ shortUrl: Type.String(), qrSvg: Type.String(), expiresAt: Type.Integer() }), Type.Null()])),
  /** The receipt once the sale is done (controller/receipts/receipt.ts `Receipt`), else null. */
  receipt: Type.Unknown(),
  /**
   * The sale's latest remote age check (an operator in the backoffice answers): `waiting` until
   * `deadlineAt` (the point's clock, epoch ms), then `approved`, `declined` or `expired`.
   */
  remoteAge: Type.Optional(
    Type.Union([
      Type.Object({
        checkId: Type.String(),
        status: Type.Union([Type.Literal('waiting'), Type.Literal('approved'), Type.Literal('declined'), Type.Literal('expired')]),
        deadlineAt: NonNegInt,
      }),
      Type.Null(),
    ]),
  ),
  /** The receipt link's token once the receipt is issued (the link: `GET /api/checkout/:id/receipt`). */
  receiptToken: Type.Optional(Type.String()),
});
export type SaleViewData = Static<typeof SaleViewSchema>;

/** Every checkout action: `ok: true` with the sale, or `ok: false` with reason and message. */
export const CheckoutAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Code),
  message: Type.Optional(Type.String()),
  sale: Type.Optional(SaleViewSchema),
});
export type CheckoutAnswer = Static<typeof CheckoutAnswerSchema>;

/** `GET /api/catalog/loose`: the picture grid, by group then name. */
export const LooseProductSchema = Type.Object({
  plu: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  priceCents: Cents,
  vatRate: Rate,
  group: Type.String(),
  picture: Type.Union([Type.String(), Type.Null()]),
});
export const LooseCatalogSchema = Type.Object({ products: Type.Array(LooseProductSchema) });
export type LooseCatalogData = Static<typeof LooseCatalogSchema>;
