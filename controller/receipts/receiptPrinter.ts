/**
 * Prints a receipt on request: validate, lay out, encode, hand to the printer driver, and say
 * what happened in words a villager understands (an i18n key). A receipt that does not add up
 * is refused before anything reaches the printer; characters the printer cannot print are
 * logged (they print as `?`). The screen shows `text` whatever the printer did.
 */
import type { EscPosPrinter, PrintOutcome } from '../../firmware-bridge/escpos/printer.ts';
import type { Replacement } from '../../firmware-bridge/escpos/cp858.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Lang, MessageKey } from '../i18n/i18n.ts';
import type { ZonedTime } from '../access/berlinTime.ts';
import { layoutReceipt, receiptEscPos, receiptText } from './layout.ts';
import { receiptProblems, type Receipt } from './receipt.ts';

export type ReceiptPrintResult =
  | { ok: true; outcome: PrintOutcome; message: MessageKey; text: string[]; replaced: Array<Replacement & { line: number }> }
  | { ok: false; outcome: 'invalid'; problems: string[] };

export interface ReceiptPrinterDeps {
  printer: Pick<EscPosPrinter, 'print'>;
  logger: Logger;
  zoned?: ZonedTime;
}

/** The message for the person at the kiosk. */
export function outcomeMessage(o: PrintOutcome): MessageKey {
  if (o.outcome === 'printed') return 'receipt.outcome.printed';
  if (o.sent) return 'receipt.outcome.incomplete';
  if (o.outcome === 'paper-out') return 'receipt.outcome.paperOut';
  if (o.outcome === 'cover-open') return 'receipt.outcome.coverOpen';
  return 'receipt.outcome.notReady';
}

export class ReceiptPrinter {
  constructor(private readonly deps: ReceiptPrinterDeps) {}

  async print(receipt: Receipt, lang: Lang = 'de'): Promise<ReceiptPrintResult> {
    const problems = receiptProblems(receipt);
    if (problems.length > 0) {
      this.deps.logger.error({ problems }, 'receipt refused: it does not add up');
      return { ok: false, outcome: 'invalid', problems };
    }
    const doc = layoutReceipt(receipt, { lang, ...(this.deps.zoned ? { zoned: this.deps.zoned } : {}) });
    const job = receiptEscPos(doc);
    if (job.replaced.length > 0) {
      this.deps.logger.warn(
        { transactionId: receipt.transactionId, replaced: job.replaced.map((r) => ({ char: r.char, codePoint: r.codePoint, line: r.line })) },
        'receipt printed with characters the printer cannot print (as ?)',
      );
    }
    const outcome = await this.deps.printer.print(job);
    if (outcome.outcome !== 'printed')
      this.deps.logger.warn({ transactionId: receipt.transactionId, outcome: outcome.outcome, sent: outcome.sent }, `receipt not printed: ${outcome.detail}`);
    return { ok: true, outcome, message: outcomeMessage(outcome), text: receiptText(doc), replaced: job.replaced };
  }
}
