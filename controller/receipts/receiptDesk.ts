/**
 * The receipts of the kiosk's finished sales (issue 10): kept when the checkout hands one out,
 * shown on the Done screen as text with the link to the backoffice's receipt page (and its QR
 * code), printed on request. Every print request is recorded as `sale.receipt-printed` with the
 * printer's outcome; the sale is committed before any of this, so a printer without paper, with
 * its cover open or gone never costs the sale — the customer is told, the screen keeps the receipt.
 */
import QRCode from 'qrcode';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { EscPosPrinter } from '../../firmware-bridge/escpos/printer.ts';
import { receiptUrl } from '../contract/receiptLink.ts';
import type { KioskServicePayloads } from '../contract/events/kioskService.ts';
import type { ZonedTime } from '../access/berlinTime.ts';
import { t, type Lang, type MessageKey } from '../i18n/i18n.ts';
import { layoutReceipt, receiptText } from './layout.ts';
import type { Receipt } from './receipt.ts';
import { ReceiptPrinter } from './receiptPrinter.ts';

/** Receipts kept for reprinting and showing (the newest; older sales fall out). */
export const KEPT_RECEIPTS = 50;

export type ReceiptAnswer = { ok: true; text: string[]; url: string | null; qrSvg: string | null } | { ok: false; reason: 'no-receipt'; message: string };

export interface PrintAnswer {
  ok: boolean;
  outcome: KioskServicePayloads['sale.receipt-printed']['outcome'] | 'no-receipt';
  message: string;
}

export interface ReceiptDeskDeps {
  siteId: string;
  /** The backoffice's public address (the receipt link); without it no link and no QR code. */
  publicUrl?: string | undefined;
  /** The receipt printer (an `escpos` board of the profile), or none. */
  printer: () => Pick<EscPosPrinter, 'print'> | undefined;
  record: (data: KioskServicePayloads['sale.receipt-printed']) => void;
  logger: Logger;
  zoned?: ZonedTime;
}

export class ReceiptDesk {
  private readonly kept = new Map<string, { receipt: Receipt; token: string | null }>();
  /** one print at a time per sale (a double tap prints once) */
  private readonly printing = new Map<string, Promise<PrintAnswer>>();

  constructor(private readonly deps: ReceiptDeskDeps) {}

  /** The checkout issued this receipt (called with every view that carries one). */
  keep(saleId: string, receipt: Receipt, token: string | null): void {
    if (this.kept.has(saleId)) return;
    this.kept.set(saleId, { receipt: this.withLink(saleId, receipt, token), token });
    while (this.kept.size > KEPT_RECEIPTS) this.kept.delete(this.kept.keys().next().value!);
  }

  url(saleId: string): string | null {
    const k = this.kept.get(saleId);
    return k ? this.link(saleId, k.token) : null;
  }

  async receipt(saleId: string, lang: Lang): Promise<ReceiptAnswer> {
    const k = this.kept.get(saleId);
    if (!k) return { ok: false, reason: 'no-receipt', message: t(lang, 'receipt.none') };
    const url = this.link(saleId, k.token);
    const doc = layoutReceipt(k.receipt, { lang, ...(this.deps.zoned ? { zoned: this.deps.zoned } : {}) });
    const qrSvg = url ? await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : null;
    return { ok: true, text: receiptText(doc), url, qrSvg };
  }

  print(saleId: string, lang: Lang): Promise<PrintAnswer> {
    const running = this.printing.get(saleId);
    if (running) return running;
    const p = this.runPrint(saleId, lang).finally(() => this.printing.delete(saleId));
    this.printing.set(saleId, p);
    return p;
  }

  private async runPrint(saleId: string, lang: Lang): Promise<PrintAnswer> {
    const k = this.kept.get(saleId);
    if (!k) return { ok: false, outcome: 'no-receipt', message: t(lang, 'receipt.none') };
    const printer = this.deps.printer();
    const ledgerSeq = k.receipt.ledgerSeq;
    if (!printer) {
      this.deps.record({ saleId, outcome: 'no-printer', sent: false, ledgerSeq });
      return { ok: false, outcome: 'no-printer', message: t(lang, 'receipt.outcome.noPrinter') };
    }
    const r = await new ReceiptPrinter({ printer, logger: this.deps.logger, ...(this.deps.zoned ? { zoned: this.deps.zoned } : {}) }).print(k.receipt, lang);
    if (!r.ok) {
      // the receipt does not add up: a bug, never the customer's problem; nothing was printed
      this.deps.logger.error({ saleId, problems: r.problems }, 'receipt refused by the printer desk');
      this.deps.record({ saleId, outcome: 'error', sent: false, ledgerSeq });
      return { ok: false, outcome: 'error', message: t(lang, 'receipt.outcome.notReady') };
    }
    this.deps.record({ saleId, outcome: r.outcome.outcome, sent: r.outcome.sent, ledgerSeq });
    return { ok: r.outcome.outcome === 'printed', outcome: r.outcome.outcome, message: t(lang, r.message as MessageKey) };
  }

  private link(saleId: string, token: string | null): string | null {
    return this.deps.publicUrl && token ? receiptUrl(this.deps.publicUrl, this.deps.siteId, saleId, token) : null;
  }

  /** The printed receipt carries the link as its QR code (unless it has a TSE code already). */
  private withLink(saleId: string, receipt: Receipt, token: string | null): Receipt {
    const url = this.link(saleId, token);
    return url && receipt.qr === undefined ? { ...receipt, qr: url } : receipt;
  }
}
