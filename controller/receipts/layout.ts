/**
 * Lays out a receipt once, as lines with print attributes (`ReceiptDoc`), and renders that
 * one layout two ways: plain text for the screen (`receiptText`) and ESC/POS bytes for the
 * printer (`receiptEscPos`). 42 columns (80 mm paper, font A); a double-width line has 21.
 *
 *                 Dorfladen Hemeringen            ← bold, double width and height
 *               Hauptstraße 1, 31840 …
 *   06.12.2026 21:40
 *   ------------------------------------------
 *   Vollmilch 3,8 % 1 l                1,29 € B
 *   Apfelschorle 0,5 l
 *     2 x 0,89 €                        1,78 € A
 *   Pfand  2 x 0,25 €                   0,50 € A
 *   ------------------------------------------
 *   Summe                                3,57 €   ← bold, double height
 *   Zahlart: Karte
 *   ...VAT table (A 19 %, B 7 %: net, VAT, gross), Beleg-Nr., Journal-Nr., QR, thanks
 */
import { EscPosEncoder, type EscPosJob } from '../../firmware-bridge/escpos/encoder.ts';
import { ZonedTime } from '../access/berlinTime.ts';
import { t, type Lang, type MessageKey } from '../i18n/i18n.ts';
import { formatEuro } from './money.ts';
import { lineCents, ReceiptError, receiptProblems, VAT_LETTER, VAT_RATES, type PaymentMethod, type Receipt } from './receipt.ts';

export const RECEIPT_COLUMNS = 42;

export type Align = 'left' | 'center' | 'right';

export type ReceiptDocLine = { kind: 'text'; text: string; align: Align; bold: boolean; width: 1 | 2; height: 1 | 2 } | { kind: 'qr'; data: string };

export interface ReceiptDoc {
  columns: number;
  lines: ReceiptDocLine[];
}

const PAYMENT_KEY: Record<PaymentMethod, MessageKey> = {
  card: 'receipt.payment.card',
  phone: 'receipt.payment.phone',
  account: 'receipt.payment.account',
};

const len = (s: string): number => [...s].length;

/** Words onto lines of at most `width` characters; a word longer than a line is cut. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (len(w) > width) {
      if (cur) {
        out.push(cur);
        cur = '';
      }
      out.push([...w].slice(0, width).join(''));
      w = [...w].slice(width).join('');
    }
    if (!w) continue;
    if (!cur) cur = w;
    else if (len(cur) + 1 + len(w) <= width) cur += ' ' + w;
    else {
      out.push(cur);
      cur = w;
    }
  }
  if (cur || out.length === 0) out.push(cur);
  return out;
}

/**
 * `left` and `right` on one line of `width`, right flush. A long `left` wraps at the full
 * width; the amount goes next to its last part, or alone on the next line when that part is
 * too long. Leading spaces of `left` (an indent) are kept.
 */
function row(left: string, right: string, width: number): string[] {
  const indent = /^ */.exec(left)![0];
  const parts = wrapText(left.slice(indent.length), width - indent.length).map((p) => indent + p);
  const last = parts.pop() ?? '';
  if (len(last) + 1 + len(right) <= width) return [...parts, last + ' '.repeat(width - len(last) - len(right)) + right];
  return [...parts, last, ' '.repeat(width - len(right)) + right];
}

/** `06.12.2026 21:40` in Europe/Berlin. */
export function formatBerlin(atMs: number, zoned: ZonedTime = new ZonedTime()): string {
  const l = zoned.local(atMs);
  const [y, m, d] = l.date.split('-');
  const hh = String(Math.floor(l.minuteOfDay / 60)).padStart(2, '0');
  const mm = String(l.minuteOfDay % 60).padStart(2, '0');
  return `${d}.${m}.${y} ${hh}:${mm}`;
}

export interface LayoutOptions {
  lang?: Lang;
  zoned?: ZonedTime;
}

/** The receipt as lines. Throws `ReceiptError` (listing every problem) for a receipt that does not add up. */
export function layoutReceipt(input: Receipt, opts: LayoutOptions = {}): ReceiptDoc {
  const problems = receiptProblems(input);
  if (problems.length > 0) throw new ReceiptError(problems);
  const lang = opts.lang ?? 'de';
  const W = RECEIPT_COLUMNS;
  const nfc = (s: string) => s.normalize('NFC');
  const lines: ReceiptDocLine[] = [];
  const text = (s: string, a: Partial<Omit<Extract<ReceiptDocLine, { kind: 'text' }>, 'kind' | 'text'>> = {}) =>
    lines.push({ kind: 'text', text: s, align: a.align ?? 'left', bold: a.bold ?? false, width: a.width ?? 1, height: a.height ?? 1 });
  const rule = () => text('-'.repeat(W));

  for (const l of wrapText(nfc(input.shop.name), W / 2)) text(l, { align: 'center', bold: true, width: 2, height: 2 });
  for (const a of input.shop.address) for (const l of wrapText(nfc(a), W)) text(l, { align: 'center' });
  text('');
  text(formatBerlin(input.at, opts.zoned));
  rule();

  const goods = [
    ...input.items.map((i) => ({ name: nfc(i.name), quantity: i.quantity, unitCents: i.unitCents, vatRate: i.vatRate })),
    ...input.deposits.map((d) => ({ name: nfc(d.label ?? t(lang, 'receipt.deposit')), quantity: d.quantity, unitCents: d.unitCents, vatRate: d.vatRate })),
  ];
  for (const g of goods) {
    const amount = `${formatEuro(lineCents(g))} ${VAT_LETTER[g.vatRate]}`;
    if (g.quantity === 1) for (const l of row(g.name, amount, W)) text(l);
    else {
      for (const l of wrapText(g.name, W)) text(l);
      for (const l of row(`  ${g.quantity} x ${formatEuro(g.unitCents)}`, amount, W)) text(l);
    }
  }
  rule();
  for (const l of row(t(lang, 'receipt.total'), formatEuro(input.totalCents), W)) text(l, { bold: true, height: 2 });
  for (const l of wrapText(`${t(lang, 'receipt.payment')}: ${t(lang, PAYMENT_KEY[input.payment])}`, W)) text(l);
  rule();

  const col = (s: string) => s.padStart(12);
  text(' '.repeat(6) + col(t(lang, 'receipt.vat.net')) + col(t(lang, 'receipt.vat.tax')) + col(t(lang, 'receipt.vat.gross')));
  for (const rate of VAT_RATES) {
    const v = input.vat.find((x) => x.rate === rate);
    if (!v) continue;
    text(`${VAT_LETTER[rate]} ${String(rate).padStart(2)} %` + col(formatEuro(v.netCents)) + col(formatEuro(v.vatCents)) + col(formatEuro(v.grossCents)));
  }
  rule();
  for (const l of wrapText(`${t(lang, 'receipt.transaction')}: ${input.transactionId}`, W)) text(l);
  for (const l of wrapText(`${t(lang, 'receipt.ledgerSeq')}: ${input.ledgerSeq}`, W)) text(l);
  if (input.qr !== undefined) lines.push({ kind: 'qr', data: input.qr });
  text('');
  for (const l of wrapText(t(lang, 'receipt.thanks'), W)) text(l, { align: 'center' });
  return { columns: W, lines };
}

/** The receipt for the screen: each line placed in the columns as the printer places it; a QR code as `[QR] <data>`. */
export function receiptText(doc: ReceiptDoc): string[] {
  return doc.lines.map((l) => {
    if (l.kind === 'qr') return `[QR] ${l.data}`;
    const free = Math.max(0, doc.columns - len(l.text) * l.width);
    const left = l.align === 'center' ? Math.floor(free / 2) : l.align === 'right' ? free : 0;
    return (' '.repeat(left) + l.text).replace(/\s+$/, '');
  });
}

/** The receipt as one ESC/POS job: PC858 text with attributes, the QR code, a feed and a partial cut. */
export function receiptEscPos(doc: ReceiptDoc): EscPosJob {
  const enc = new EscPosEncoder().initialize();
  let align: Align = 'left';
  let bold = false;
  let size = '1x1';
  for (const l of doc.lines) {
    const want: Align = l.kind === 'qr' ? 'center' : l.align;
    if (want !== align) enc.align((align = want));
    if (l.kind === 'qr') {
      enc.qr(l.data, { moduleSize: new TextEncoder().encode(l.data).length > 300 ? 3 : 4, errorCorrection: 'M' });
      continue;
    }
    if (l.bold !== bold) enc.bold((bold = l.bold));
    const s = `${l.width}x${l.height}`;
    if (s !== size) {
      size = s;
      enc.size(l.width, l.height);
    }
    enc.line(l.text);
  }
  return enc.feed(2).cut(0).build();
}
