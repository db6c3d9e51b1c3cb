/**
 * The receipt page behind the kiosk's QR code (`GET /r/:siteId/:saleId?t=<token>`, issue 10): the
 * receipt of a synced sale as HTML (shop name and address, date and time in Europe/Berlin, items,
 * deposit, VAT per rate, total, payment method, transaction number, ledger sequence), German unless
 * the phone asks for English. Values are the ones the point recorded (`p_sales`), never re-derived,
 * except that VAT per rate is shown as the point fixed it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export type PageLang = 'de' | 'en';

const TEXT = {
  de: {
    title: 'Kassenbeleg',
    notYet: 'Beleg noch nicht übertragen, bitte später erneut.',
    notYetLead: 'Der Punkt hat diesen Einkauf noch nicht an das Büro übertragen (zum Beispiel ohne Netz). Der Beleg erscheint hier, sobald er übertragen ist.',
    item: 'Artikel',
    qty: 'Menge',
    amount: 'Betrag',
    deposit: 'Pfand',
    total: 'Summe',
    vat: 'MwSt.',
    net: 'Netto',
    gross: 'Brutto',
    payment: 'Zahlart',
    card: 'Karte',
    phone: 'Bezahllink (Handy)',
    account: 'Mitgliedskonto',
    transaction: 'Beleg-Nr.',
    ledgerSeq: 'Journal-Nr.',
    date: 'Datum',
  },
  en: {
    title: 'Receipt',
    notYet: 'Receipt not transmitted yet, please try again later.',
    notYetLead: 'The point has not sent this purchase to the office yet (for example without a network). The receipt appears here once it has been sent.',
    item: 'Item',
    qty: 'Qty',
    amount: 'Amount',
    deposit: 'Deposit',
    total: 'Total',
    vat: 'VAT',
    net: 'Net',
    gross: 'Gross',
    payment: 'Payment',
    card: 'Card',
    phone: 'Payment link (phone)',
    account: 'Member account',
    transaction: 'Receipt no.',
    ledgerSeq: 'Journal no.',
    date: 'Date',
  },
} as const;

interface Line {
  name: string;
  quantity: number;
  unitCents: number;
  depositCents: number;
  vatRate: number;
}
interface Vat {
  rate: number;
  netCents: number;
  vatCents: number;
  grossCents: number;
}

export interface ReceiptView {
  shop: { name: string; address: string[] } | null;
  saleId: string;
  siteId: string;
  at: number;
  lines: Line[];
  vat: Vat[];
  totalCents: number;
  payment: 'card' | 'phone' | 'account';
  ledgerSeq: number;
}

export function pickPageLang(acceptLanguage: string | undefined): PageLang {
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'de';
}

/** The synced, committed sale whose receipt token is `token`; null for anything else (unknown, not synced yet, wrong token). */
export async function findReceipt(db: Kysely<DB>, siteId: string, saleId: string, token: string): Promise<ReceiptView | null> {
  const row = await db.selectFrom('p_sales').selectAll().where('site_id', '=', siteId).where('sale_id', '=', saleId).executeTakeFirst();
  if (!row || row.status !== 'committed' || row.receipt_token === null || row.committed_seq === null) return null;
  const a = Buffer.from(row.receipt_token);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const payment = row.payment === 'phone' || row.payment === 'account' ? row.payment : 'card';
  return {
    shop: row.shop ? (JSON.parse(row.shop) as ReceiptView['shop']) : null,
    saleId,
    siteId,
    at: Number(row.receipt_at ?? row.committed_at ?? row.fixed_at),
    lines: JSON.parse(row.lines) as Line[],
    vat: JSON.parse(row.vat) as Vat[],
    totalCents: Number(row.total_cents),
    payment,
    ledgerSeq: Number(row.committed_seq),
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function euro(cents: number, lang: PageLang): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB');
  const frac = String(abs % 100).padStart(2, '0');
  return lang === 'de' ? `${sign}${whole},${frac} €` : `${sign}€${whole}.${frac}`;
}

function page(lang: PageLang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><style>body{font:1.125rem/1.5 system-ui,sans-serif;margin:1.5rem auto;padding:0 1rem;max-width:34rem;color:#111;background:#fff}table{width:100%;border-collapse:collapse}th,td{padding:.25rem .35rem;border-bottom:1px solid #ccc;text-align:left}td.n,th.n{text-align:right;white-space:nowrap}tfoot td{font-weight:700;border-bottom:none}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}</style></head><body>${body}</body></html>`;
}

export function notYetPage(lang: PageLang): string {
  const t = TEXT[lang];
  return page(lang, t.notYet, `<h1>${esc(t.notYet)}</h1><p>${esc(t.notYetLead)}</p>`);
}

export function receiptPage(r: ReceiptView, lang: PageLang): string {
  const t = TEXT[lang];
  const when = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' }).format(r.at);
  const rows = r.lines
    .map((l) => {
      const item = `<tr><td>${esc(l.name)}</td><td class="n">${l.quantity} × ${euro(l.unitCents, lang)}</td><td class="n">${euro(l.quantity * l.unitCents, lang)}</td><td>${l.vatRate} %</td></tr>`;
      const dep =
        l.depositCents > 0
          ? `<tr><td>${esc(t.deposit)}</td><td class="n">${l.quantity} × ${euro(l.depositCents, lang)}</td><td class="n">${euro(l.quantity * l.depositCents, lang)}</td><td>${l.vatRate} %</td></tr>`
          : '';
      return item + dep;
    })
    .join('');
  const vat = r.vat
    .map(
      (v) =>
        `<tr><td>${v.rate} %</td><td class="n">${euro(v.netCents, lang)}</td><td class="n">${euro(v.vatCents, lang)}</td><td class="n">${euro(v.grossCents, lang)}</td></tr>`,
    )
    .join('');
  const shop = r.shop ? `<h1>${esc(r.shop.name)}</h1>${r.shop.address.map((a) => `<div>${esc(a)}</div>`).join('')}` : `<h1>${esc(t.title)}</h1>`;
  return page(
    lang,
    `${t.title} ${r.shop?.name ?? ''}`.trim(),
    `${shop}<h2>${esc(t.title)}</h2><table><thead><tr><th>${t.item}</th><th class="n">${t.qty}</th><th class="n">${t.amount}</th><th>${t.vat}</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><td colspan="2">${t.total}</td><td class="n" data-total>${euro(r.totalCents, lang)}</td><td></td></tr></tfoot></table>` +
      `<h2>${t.vat}</h2><table><thead><tr><th>${t.vat}</th><th class="n">${t.net}</th><th class="n">${t.vat}</th><th class="n">${t.gross}</th></tr></thead><tbody>${vat}</tbody></table>` +
      `<dl><dt>${t.date}</dt><dd>${esc(when)}</dd><dt>${t.payment}</dt><dd>${t[r.payment]}</dd><dt>${t.transaction}</dt><dd>${esc(r.saleId)}</dd><dt>${t.ledgerSeq}</dt><dd>${esc(r.siteId)} / ${r.ledgerSeq}</dd></dl>`,
  );
}
