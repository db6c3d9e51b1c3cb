import { afterEach, describe, expect, it } from 'vitest';
import { EscPosEncoder } from '../../../../firmware-bridge/escpos/encoder.ts';
import { EscPosPrinter } from '../../../../firmware-bridge/escpos/printer.ts';
import { ManualClock } from '../../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../../../firmware-bridge/transport/memoryLink.ts';
import { EscPosPrinterSim } from './escposPrinterSim.ts';

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

describe('ESC/POS printer driver against the simulated printer (memory link, manual clock)', () => {
  let clock: ManualClock;
  let pair: MemoryLinkPair;
  let sim: EscPosPrinterSim;
  let printer: EscPosPrinter;

  async function start(): Promise<void> {
    clock = new ManualClock();
    pair = createMemoryLinkPair({ name: 'printer', clock });
    sim = new EscPosPrinterSim({ clock, keep: 3 });
    sim.attach(pair.device, pair);
    await pair.device.start();
    await pair.host.start();
    printer = new EscPosPrinter({ link: pair.host, clock, logger: createSilentLogger(), statusTimeoutMs: 500, statusAttempts: 2, printSettleMs: 2000 });
    printer.start();
  }

  afterEach(async () => {
    printer?.stop();
    await pair?.host.stop();
  });

  /** Run a driver call to its end, moving the manual clock in 100 ms steps (bounded). */
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
    expect(done, 'driver call did not finish within 20 s of simulated time').toBe(true);
    return value as T;
  }

  const receipt = (title = 'Dorfladen') =>
    new EscPosEncoder()
      .initialize()
      .align('center')
      .bold(true)
      .size(2, 2)
      .line(title)
      .size(1, 1)
      .bold(false)
      .align('left')
      .line('Milch 1,29 €')
      .qr('V0;kasse-1;42')
      .feed(3)
      .cut()
      .build();

  it('prints a job when the printer is ready and reports printed', async () => {
    await start();
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'printed', sent: true, status: { online: true, paperOut: false, coverOpen: false } });
    expect(sim.receipts()).toHaveLength(1);
    expect(sim.receipts()[0]!.lines.map((l) => [l.text, l.align, l.bold, l.width, l.height])).toEqual([
      ['Dorfladen', 'center', true, 2, 2],
      ['Milch 1,29 €', 'left', false, 1, 1],
    ]);
    expect(sim.receipts()[0]!.qrCodes).toEqual(['V0;kasse-1;42']);
    expect(sim.statusQueries).toEqual([1, 2, 4, 1, 2, 4]); // before and after
  });

  it('reports paper-out and prints nothing when the printer is out of paper', async () => {
    await start();
    sim.setPaper('out');
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'paper-out', sent: false, status: { paperOut: true, online: false } });
    expect(sim.received.bytes).toBe(9); // three status queries of 3 bytes, no job
    sim.setPaper('ok');
    expect(sim.receipts()).toEqual([]); // nothing was waiting to come out when paper was loaded
  });

  it('reports cover-open without printing, and prints once the cover is closed', async () => {
    await start();
    sim.setCoverOpen(true);
    expect(await run(printer.print(receipt()))).toMatchObject({ outcome: 'cover-open', sent: false, status: { coverOpen: true } });
    sim.setCoverOpen(false);
    expect(await run(printer.print(receipt()))).toMatchObject({ outcome: 'printed' });
    expect(sim.receipts()).toHaveLength(1);
  });

  it('reports an autocutter error with its cause (DLE EOT 3 asked only then)', async () => {
    await start();
    sim.setError('autocutter');
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'error', sent: false, detail: 'printer reports an error (autocutter)' });
    expect(sim.statusQueries).toEqual([1, 2, 4, 3]);
  });

  it('reports no-answer without sending the job when the printer stays silent', async () => {
    await start();
    sim.setAnswering(false);
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'no-answer', sent: false });
    expect((r as { detail: string }).detail).toMatch(/^before printing: printer status \(DLE EOT 1\): timeout/);
    expect(sim.statusQueries).toEqual([1, 1]); // two attempts, then gave up
    expect(sim.received.bytes).toBe(6);
    expect(sim.receipts()).toEqual([]);
  });

  it('retries a status query whose reply was lost once, then prints', async () => {
    await start();
    sim.faults.set({ kind: 'no-reply' }, { when: (q) => q.kind === 1 });
    expect(await run(printer.print(receipt()))).toMatchObject({ outcome: 'printed' });
    expect(sim.statusQueries.slice(0, 2)).toEqual([1, 1]);
  });

  it('treats line noise instead of a status byte as unknown, retries, and never throws', async () => {
    await start();
    sim.faults.set({ kind: 'garbage-burst', bytes: Uint8Array.of(0xff) }, { when: (q) => q.kind === 2 });
    expect(await run(printer.print(receipt()))).toMatchObject({ outcome: 'printed' });
    // a printer at the wrong baud rate: every answer is noise
    sim.faults.set({ kind: 'bad-checksum' }, { times: Infinity });
    const r = await run(printer.status());
    expect(r).toMatchObject({ ok: false, outcome: 'status-unknown' });
  });

  it('reports paper-out with sent: true when the roll runs out during the job, and the rest prints after reloading', async () => {
    await start();
    sim.paperRunsOutAfter(1);
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'paper-out', sent: true });
    expect((r as { detail: string }).detail).toMatch(/receipt may be incomplete/);
    expect(sim.uncut().map((i) => (i.kind === 'line' ? i.line.text : i.data))).toEqual(['Dorfladen']);
    expect(sim.heldEvents).toBeGreaterThan(0);
    sim.setPaper('ok');
    // 'Dorfladen' double width takes 18 of 42 columns: centred after 12
    expect(sim.receipts()[0]!.text).toEqual([' '.repeat(12) + 'Dorfladen', 'Milch 1,29 €', '[QR] V0;kasse-1;42']);
  });

  it('reports a paper roll near its end but still prints', async () => {
    await start();
    sim.setPaper('near-end');
    expect(await run(printer.print(receipt()))).toMatchObject({ outcome: 'printed', status: { paperNearEnd: true, paperOut: false } });
  });

  it('reports no-answer (not sent) when the cable is out', async () => {
    await start();
    pair.unplug('cable pulled');
    await settle();
    const r = await run(printer.print(receipt()));
    expect(r).toMatchObject({ outcome: 'no-answer', sent: false });
    expect((r as { detail: string }).detail).toMatch(/link-down/);
  });

  it('keeps the last N receipts and tells listeners about each cut', async () => {
    await start();
    const seen: string[] = [];
    sim.onPrinted((p) => seen.push(p.lines[0]!.text));
    for (const t of ['A', 'B', 'C', 'D']) expect(await run(printer.print(receipt(t)))).toMatchObject({ outcome: 'printed' });
    expect(seen).toEqual(['A', 'B', 'C', 'D']);
    expect(sim.receipts().map((p) => p.lines[0]!.text)).toEqual(['B', 'C', 'D']);
  });

  it('answers DLE EOT even when it arrives in the middle of print data, as Epson documents', async () => {
    await start();
    const got: number[] = [];
    pair.host.onData((c) => got.push(...c));
    await pair.host.write(Buffer.from([0x1b, 0x40, 0x41, 0x10]));
    await pair.host.write(Buffer.from([0x04, 0x04, 0x42, 0x0a]));
    await settle();
    expect(got).toEqual([0x12]);
  });

  it('stop() during the wait after a job leaves no timer behind and ends the job with a typed outcome', async () => {
    await start();
    const pending = printer.print(receipt());
    await settle();
    expect(sim.receipts()).toHaveLength(1); // the job went out; now waiting before the status check
    expect(clock.pendingTimers()).toBe(1);
    printer.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(await pending).toMatchObject({ outcome: 'no-answer', sent: true });
  });
});
