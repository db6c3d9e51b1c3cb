/**
 * Every sale and payment as the ledger tells it, folded from the sales events (for
 * reconciliation at start and the crash tests). Pure: events in, records out.
 */
import type { LedgerEvent } from '../../ledger/types.ts';
import type { SalesPayloads } from '../../contract/events/sales.ts';
import type { SaleLine } from './pricing.ts';

export const SALE_EVENT_TYPES = [
  'sale.cart-fixed',
  'sale.committed',
  'sale.fiscal-signed',
  'sale.receipt-issued',
  'sale.aborted',
  'payment.started',
  'payment.pending',
  'payment.authorised',
  'payment.failed',
  'payment.captured',
  'payment.canceled',
  'payment.refunded',
] as const;

export type PaymentStatus = 'started' | 'pending' | 'authorised' | 'failed' | 'captured' | 'canceled' | 'refunded';

export interface PaymentRecord {
  paymentId: string;
  saleId: string;
  provider: string;
  memberId: string | null;
  amountCents: number;
  ref: string | null;
  status: PaymentStatus;
  /** payment.failed events so far (each retry's key is derived from this count). */
  failures: number;
}

export interface SaleRecord {
  saleId: string;
  lines: SaleLine[];
  totalCents: number;
  payments: PaymentRecord[];
  committed: { paymentId: string; seq: number } | null;
  aborted: string | null;
  signed: boolean;
  receipt: boolean;
}

type P = SalesPayloads;

export class SaleBook {
  readonly sales = new Map<string, SaleRecord>();
  readonly payments = new Map<string, PaymentRecord>();

  static fromLedger(ledger: { eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): LedgerEvent[] }): SaleBook {
    const book = new SaleBook();
    let from = 1;
    for (;;) {
      const page = ledger.eventsOfTypes(SALE_EVENT_TYPES, from, 1000);
      for (const e of page) book.apply(e);
      if (page.length < 1000) return book;
      from = page[page.length - 1]!.seq + 1;
    }
  }

  apply(e: LedgerEvent): void {
    const d = e.data as Record<string, unknown>;
    const sale = this.sales.get(d['saleId'] as string);
    const pay = typeof d['paymentId'] === 'string' ? this.payments.get(d['paymentId']) : undefined;
    switch (e.type) {
      case 'sale.cart-fixed': {
        const c = d as P['sale.cart-fixed'];
        this.sales.set(c.saleId, {
          saleId: c.saleId,
          lines: c.lines,
          totalCents: c.totalCents,
          payments: [],
          committed: null,
          aborted: null,
          signed: false,
          receipt: false,
        });
        return;
      }
      case 'sale.committed':
        if (sale) sale.committed = { paymentId: (d as P['sale.committed']).paymentId, seq: e.seq };
        return;
      case 'sale.fiscal-signed':
        if (sale) sale.signed = true;
        return;
      case 'sale.receipt-issued':
        if (sale) sale.receipt = true;
        return;
      case 'sale.aborted':
        if (sale) sale.aborted = (d as P['sale.aborted']).reason;
        return;
      case 'payment.started': {
        const s = d as P['payment.started'];
        const rec: PaymentRecord = {
          paymentId: s.paymentId,
          saleId: s.saleId,
          provider: s.provider,
          memberId: s.memberId,
          amountCents: s.amountCents,
          ref: null,
          status: 'started',
          failures: 0,
        };
        this.payments.set(s.paymentId, rec);
        sale?.payments.push(rec);
        return;
      }
      case 'payment.pending':
        if (pay) {
          pay.ref = (d as P['payment.pending']).ref;
          pay.status = 'pending';
        }
        return;
      case 'payment.authorised':
        if (pay) {
          pay.ref = (d as P['payment.authorised']).ref;
          pay.status = 'authorised';
        }
        return;
      case 'payment.failed':
        if (pay) {
          pay.failures += 1;
          if (pay.status !== 'canceled') pay.status = 'failed';
        }
        return;
      case 'payment.captured':
        if (pay) pay.status = 'captured';
        return;
      case 'payment.canceled':
        if (pay) pay.status = 'canceled';
        return;
      case 'payment.refunded':
        if (pay) pay.status = 'refunded';
        return;
    }
  }
}

/** A payment that may still hold or have taken money and is not settled by its sale. */
export function isOpen(p: PaymentRecord, sale: SaleRecord | undefined): boolean {
  if (p.status === 'canceled' || p.status === 'refunded') return false;
  if (p.status === 'captured' && sale?.committed?.paymentId === p.paymentId) return false;
  return true;
}
