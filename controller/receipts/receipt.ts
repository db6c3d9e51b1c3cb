/**
 * The receipt of one sale, as the checkout hands it over for printing or showing (§6
 * KassenSichV: name and address, date and time, goods with quantity, amounts and VAT per
 * rate, transaction number; later the TSE QR code). Money in integer cents. Values are the
 * ones the sale recorded (the VAT lines are printed, never re-derived), so `receiptProblems`
 * only checks that they add up and refuses a receipt that does not.
 */
import { Type, type Static } from 'typebox';
import { Cents, EpochMs } from '../contract/events/define.ts';
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import { ESCPOS_LIMITS } from '../../firmware-bridge/escpos/commands.ts';
import { vatFromGross } from './money.ts';

export const VAT_RATES = [19, 7] as const;
export type VatRate = (typeof VAT_RATES)[number];
/** The letter printed after each amount and in the VAT table (A = 19 %, B = 7 %). */
export const VAT_LETTER: Record<VatRate, string> = { 19: 'A', 7: 'B' };

/** Largest receipt total we print (99.999,99 €): keeps every amount inside its column. */
export const MAX_RECEIPT_CENTS = 9_999_999;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Rate = Type.Union([Type.Literal(19), Type.Literal(7)]);

export const ReceiptItemSchema = Type.Object(
  {
    name: Text(60),
    quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
    unitCents: Type.Integer({ minimum: 0, maximum: MAX_RECEIPT_CENTS }),
    vatRate: Rate,
  },
  { additionalProperties: false },
);

export const DepositLineSchema = Type.Object(
  {
    /** e.g. "Pfand Mehrweg"; default: the message `receipt.deposit` */
    label: Type.Optional(Text(40)),
    /** negative = containers taken back */
    quantity: Type.Integer({ minimum: -999, maximum: 999 }),
    unitCents: Type.Integer({ minimum: 1, maximum: 10_000 }),
    vatRate: Rate,
  },
  { additionalProperties: false },
);

export const VatLineSchema = Type.Object({ rate: Rate, netCents: Cents, vatCents: Cents, grossCents: Cents }, { additionalProperties: false });

export const ReceiptSchema = Type.Object(
  {
    shop: Type.Object({ name: Text(60), address: Type.Array(Text(60), { minItems: 1, maxItems: 3 }) }, { additionalProperties: false }),
    /** when the sale ended, epoch ms; printed in Europe/Berlin time */
    at: EpochMs,
    items: Type.Array(ReceiptItemSchema, { minItems: 1, maxItems: 200 }),
    deposits: Type.Array(DepositLineSchema, { maxItems: 50 }),
    vat: Type.Array(VatLineSchema, { minItems: 1, maxItems: 2 }),
    totalCents: Cents,
    payment: Type.Union([Type.Literal('card'), Type.Literal('phone'), Type.Literal('account')]),
    transactionId: Text(40),
    ledgerSeq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** e.g. the DSFinV-K "V0;…" TSE code */
    qr: Type.Optional(Type.String({ minLength: 1, maxLength: ESCPOS_LIMITS.maxQrBytesAtM })),
  },
  { additionalProperties: false },
);

export type Receipt = Static<typeof ReceiptSchema>;
/** card on the reader, pay-by-phone link, member account */
export type PaymentMethod = Receipt['payment'];
export type ReceiptItem = Static<typeof ReceiptItemSchema>;
export type DepositLine = Static<typeof DepositLineSchema>;
export type VatLine = Static<typeof VatLineSchema>;

export const lineCents = (l: { quantity: number; unitCents: number }): number => l.quantity * l.unitCents;

/** VAT lines for these items and deposits: per rate, VAT from the gross sum (for the checkout and tests). */
export function vatLines(lines: ReadonlyArray<{ quantity: number; unitCents: number; vatRate: VatRate }>): VatLine[] {
  const out: VatLine[] = [];
  for (const rate of VAT_RATES) {
    const at = lines.filter((l) => l.vatRate === rate);
    if (at.length === 0) continue;
    const grossCents = at.reduce((s, l) => s + lineCents(l), 0);
    const vatCents = vatFromGross(grossCents, rate);
    out.push({ rate, netCents: grossCents - vatCents, vatCents, grossCents });
  }
  return out;
}

/** Every reason this receipt must not be printed (empty = fine). Never throws. */
export function receiptProblems(value: unknown): string[] {
  const shape = schemaProblems(ReceiptSchema, value);
  if (shape.length > 0) return shape;
  const r = value as Receipt;
  const out: string[] = [];
  const lines = [...r.items, ...r.deposits];
  const sum = lines.reduce((s, l) => s + lineCents(l), 0);
  if (sum !== r.totalCents) out.push(`totalCents: ${r.totalCents} is not the sum of the items and deposits (${sum})`);
  if (r.totalCents < 0 || r.totalCents > MAX_RECEIPT_CENTS) out.push(`totalCents: must be 0..${MAX_RECEIPT_CENTS}, got ${r.totalCents}`);
  r.deposits.forEach((d, i) => {
    if (d.quantity === 0) out.push(`deposits[${i}].quantity: must not be 0`);
  });
  for (const l of lines) {
    if (Math.abs(lineCents(l)) > MAX_RECEIPT_CENTS) out.push(`a line of ${l.quantity} × ${l.unitCents} cents exceeds ${MAX_RECEIPT_CENTS} cents`);
  }
  const seen = new Set<number>();
  r.vat.forEach((v, i) => {
    if (seen.has(v.rate)) out.push(`vat[${i}].rate: ${v.rate} % listed twice`);
    seen.add(v.rate);
    if (v.netCents + v.vatCents !== v.grossCents) out.push(`vat[${i}]: net ${v.netCents} + VAT ${v.vatCents} is not gross ${v.grossCents}`);
    const gross = lines.filter((l) => l.vatRate === v.rate).reduce((s, l) => s + lineCents(l), 0);
    if (gross !== v.grossCents) out.push(`vat[${i}].grossCents: ${v.grossCents} is not the sum of the ${v.rate} % lines (${gross})`);
  });
  if (r.qr !== undefined && new TextEncoder().encode(r.qr).length > ESCPOS_LIMITS.maxQrBytesAtM) {
    out.push(`qr: more than ${ESCPOS_LIMITS.maxQrBytesAtM} bytes (UTF-8) do not fit a QR code at error correction M`);
  }
  for (const rate of VAT_RATES) {
    if (!seen.has(rate) && lines.some((l) => l.vatRate === rate)) out.push(`vat: the ${rate} % lines have no VAT line`);
  }
  return out;
}

export class ReceiptError extends Error {
  override readonly name = 'ReceiptError';
  constructor(readonly problems: string[]) {
    super(`receipt is invalid:\n  - ${problems.join('\n  - ')}`);
  }
}
