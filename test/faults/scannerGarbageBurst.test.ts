import { describe, expect, it } from 'vitest';
import { BarcodeScanner, type ScanEvent } from '../../firmware-bridge/scanner/barcodeScanner.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { ScannerSim } from '../../hardware/sim/serial/scanner/scannerSim.ts';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function rig() {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ name: 'scanner', clock });
  const sim = new ScannerSim({ link: pair.device });
  await sim.start();
  await pair.host.start();
  const scanner = new BarcodeScanner({ link: pair.host, logger: createSilentLogger() });
  const events: ScanEvent[] = [];
  scanner.onScan((e) => events.push(e));
  scanner.start();
  return { clock, pair, sim, scanner, events };
}

describe('scanner garbage burst and split lines', () => {
  it('a glitch costs at most the line it hits; the next scan is parsed exactly', async () => {
    const r = await rig();
    await r.sim.garbage(Uint8Array.from([0x00, 0xff, 0x13, 0x37, 0x0d]));
    await r.sim.scan('0109501101530003' + '17261121' + '10LOT1', ']C1', 3);
    await flush();
    const ok = r.events.filter((e) => e.ok);
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ ok: true, barcode: { kind: 'gs1', gtin: '09501101530003' } });
    r.scanner.stop();
  });

  it('a scan with a wrong check digit is rejected with a clear error, not thrown', async () => {
    const r = await rig();
    await r.sim.scan('4006381333932');
    await flush();
    expect(r.events).toEqual([expect.objectContaining({ ok: false, error: 'EAN13 4006381333932: wrong check digit' })]);
    r.scanner.stop();
  });

  it('half a line before a pulled cable is forgotten, the first scan after replug is clean', async () => {
    const r = await rig();
    await r.pair.device.write(Buffer.from('40063813'));
    await flush();
    r.pair.unplug();
    await flush();
    r.pair.plug();
    for (let i = 0; i < 20 && r.pair.host.status.state !== 'connected'; i++) {
      r.clock.advance(500);
      await flush();
    }
    expect(r.pair.host.status.state).toBe('connected');
    await r.sim.scan('96385074', ']E4');
    await flush();
    expect(r.events.map((e) => (e.ok ? e.barcode : e.error))).toEqual([{ kind: 'ean8', digits: '96385074', gtin: '00000096385074' }]);
    r.scanner.stop();
  });
});
