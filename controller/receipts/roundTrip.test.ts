/**
 * Layout → ESC/POS bytes → simulated printer (which parses the real bytes) → the same lines,
 * attributes and QR payload the layout meant; and the whole print-on-request path through
 * the driver with the printer out of paper or silent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EscPosPrinter } from '../../firmware-bridge/escpos/printer.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger, createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { EscPosPrinterSim, type PrintedReceipt } from '../../hardware/sim/serial/escpos/escposPrinterSim.ts';
import { EscPosInterpreter } from '../../hardware/sim/serial/escpos/escposInterpreter.ts';
import { t } from '../i18n/i18n.ts';
import { demoReceipt } from './demoReceipt.ts';
import { layoutReceipt, receiptEscPos, receiptText } from './layout.ts';
import { ReceiptPrinter } from './receiptPrinter.ts';

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/** The receipt a simulated printer makes of these bytes, sent over a memory link like a real job. */
async function printDirect(bytes: Buffer): Promise<PrintedReceipt> {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ clock });
  const sim = new EscPosPrinterSim({ clock });
  sim.attach(pair.device, pair);
  await pair.device.start();
  await pair.host.start();
  await pair.host.write(bytes);
  await settle();
  await pair.host.stop();
  const r = sim.receipts();
  expect(r).toHaveLength(1);
  return r[0]!;
}

describe('receipt round trip through the simulated printer', () => {
  it('prints exactly the lines, attributes and QR payload the layout meant', async () => {
    const doc = layoutReceipt(demoReceipt());
    const printed = await printDirect(receiptEscPos(doc).bytes);
    const want = doc.lines.map((l) => (l.kind === 'qr' ? { qr: l.data } : { text: l.text, align: l.align, bold: l.bold, width: l.width, height: l.height }));
    const got = printed.items.map((i) =>
      i.kind === 'qr' ? { qr: i.data } : { text: i.line.text, align: i.line.align, bold: i.line.bold, width: i.line.width, height: i.line.height },
    );
    expect(got).toEqual(want);
    expect(printed.qrCodes).toEqual([demoReceipt().qr]);
    // the screen text and the paper agree character for character
    expect(printed.text).toEqual(receiptText(doc));
  });

  it('keeps umlauts, ß and € intact on paper', async () => {
    const printed = await printDirect(receiptEscPos(layoutReceipt(demoReceipt())).bytes);
    const all = printed.text.join('\n');
    expect(all).toContain('Hauptstraße 1');
    expect(all).toContain('Bio-Äpfel 1 kg                    2,49 € B');
    expect(all).toContain('Vielen Dank für Ihren Einkauf!');
    expect(all).not.toMatch(/[?\ufffd]/);
  });

  it('prints an emoji in a product name as ? and reports it, without crashing or shifting the columns', async () => {
    const r = demoReceipt();
    r.items[0] = { ...r.items[0]!, name: 'Eis 🍦 Vanille' };
    const job = receiptEscPos(layoutReceipt(r));
    expect(job.replaced).toMatchObject([{ char: '🍦', codePoint: 0x1f366, reason: 'unmappable' }]);
    const printed = await printDirect(job.bytes);
    expect(printed.text).toContain('Eis ? Vanille                     1,29 € B');
  });

  it('a control character in a shop name cannot cut the paper early (no command injection)', () => {
    const job = receiptEscPos(layoutReceipt(demoReceipt({ shop: { name: 'Laden\u001dV\u0000', address: ['Weg 1'] } })));
    const events = new EscPosInterpreter().push(job.bytes);
    expect(events.filter((e) => e.type === 'cut')).toHaveLength(1);
    expect(job.replaced.map((x) => x.reason)).toEqual(['control-character', 'control-character']);
  });
});

describe('printing a receipt on request (ReceiptPrinter → driver → simulated printer)', () => {
  let clock: ManualClock;
  let pair: MemoryLinkPair;
  let sim: EscPosPrinterSim;
  let driver: EscPosPrinter;

  async function start(): Promise<void> {
    clock = new ManualClock();
    pair = createMemoryLinkPair({ name: 'bon', clock });
    sim = new EscPosPrinterSim({ clock });
    sim.attach(pair.device, pair);
    await pair.device.start();
    await pair.host.start();
    driver = new EscPosPrinter({ link: pair.host, clock, logger: createSilentLogger() });
    driver.start();
  }

  afterEach(async () => {
    driver?.stop();
    await pair?.host.stop();
  });

  async function run<T>(p: Promise<T>): Promise<T> {
    let done = false;
    let value: T | undefined;
    void p.then((v) => {
      done = true;
      value = v;
    });
    for (let i = 0; i < 200 && !done; i++) {
      await settle();
      if (!done) clock.advance(100);
    }
    expect(done).toBe(true);
    return value as T;
  }

  it('prints the receipt and tells the villager so', async () => {
    await start();
    const printed: PrintedReceipt[] = [];
    sim.onPrinted((r) => printed.push(r));
    const res = await run(new ReceiptPrinter({ printer: driver, logger: createSilentLogger() }).print(demoReceipt()));
    expect(res).toMatchObject({ ok: true, outcome: { outcome: 'printed' }, message: 'receipt.outcome.printed' });
    expect(printed).toHaveLength(1);
    expect(printed[0]!.text).toEqual(res.ok ? res.text : []);
  });

  it('says "out of paper, see the screen" and prints nothing when the roll is empty', async () => {
    await start();
    sim.setPaper('out');
    const logs = createRecordingLogger();
    const res = await run(new ReceiptPrinter({ printer: driver, logger: logs }).print(demoReceipt()));
    expect(res).toMatchObject({ ok: true, outcome: { outcome: 'paper-out', sent: false }, message: 'receipt.outcome.paperOut' });
    expect(t('de', 'receipt.outcome.paperOut')).toMatch(/kein Papier/);
    expect(sim.heldEvents).toBe(0);
    expect(logs.records.some((r) => r.level === 'warn' && /out of paper/.test(String(r.msg)))).toBe(true);
  });

  it('reports a silent printer as not ready, without sending the receipt', async () => {
    await start();
    sim.setAnswering(false);
    const res = await run(new ReceiptPrinter({ printer: driver, logger: createSilentLogger() }).print(demoReceipt()));
    expect(res).toMatchObject({ ok: true, outcome: { outcome: 'no-answer', sent: false }, message: 'receipt.outcome.notReady' });
    expect(sim.received.bytes).toBe(6); // only the two DLE EOT 1 attempts
  });

  it('refuses a receipt that does not add up before anything reaches the printer', async () => {
    await start();
    const res = await run(new ReceiptPrinter({ printer: driver, logger: createSilentLogger() }).print(demoReceipt({ totalCents: 1 })));
    expect(res).toMatchObject({ ok: false, outcome: 'invalid' });
    expect(sim.received.bytes).toBe(0);
  });
});
