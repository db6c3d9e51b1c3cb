import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock, ManualClock } from '../../../../firmware-bridge/platform/clock.ts';
import { createMemoryLinkPair } from '../../../../firmware-bridge/transport/memoryLink.ts';
import type { TcpExposure } from '../common/tcpServe.ts';
import { KerongSimulator } from './kerongSimulator.ts';

const flush = async (n = 6) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Kerong simulator', () => {
  let exposure: TcpExposure | undefined;
  afterEach(async () => exposure?.close());

  it('answers a technician terminal over TCP with the real bytes, even when typed byte by byte', async () => {
    const sim = new KerongSimulator({ clock: createSystemClock(), boards: [0] });
    exposure = await sim.serveOnTcp(0);
    const sock = new Socket();
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    await new Promise<void>((r) => sock.connect(exposure!.port, '127.0.0.1', () => r()));
    for (const b of hex('02 00 30 03 35')) sock.write(Buffer.from([b]));
    // all latched, nothing occupied: 02+00+30+FF+FF+00+00+03 = 0x233 -> 0x33
    const want = hex('02 00 30 FF FF 00 00 03 33');
    const t0 = Date.now();
    while (Buffer.concat(got).length < want.length && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(got)).toEqual(want);
    sock.destroy();
  });

  it('stays silent for other board addresses and for noise, like a bus member', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock });
    const sim = new KerongSimulator({ clock, boards: [3] });
    sim.attach(pair.device, pair);
    await pair.device.start();
    await pair.host.start();
    const got: Buffer[] = [];
    pair.host.onData((c) => got.push(c));
    await pair.host.write(hex('ff ff 02 00 30 03 35 00 02 14 31 03 4a')); // boards 0 and 1
    await flush();
    expect(got).toEqual([]);
    expect(sim.received).toEqual([]);
    // board 3, unlock lock 2: ADDR 0x31; 02+31+31+03 = 0x67
    await pair.host.write(hex('02 31 31 03 67'));
    await flush();
    expect(sim.unlockCount(2, 3)).toBe(1);
    // reply: hooks 0xFFFD -> FD FF; 02+31 = 0x33; +31 = 0x64; +FD = 0x161; +FF = 0x260; +03 = 0x263 -> 0x63
    expect(Buffer.concat(got)).toEqual(hex('02 31 31 FD FF 00 00 03 63'));
  });

  it('faults are per request, count down, and are logged', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock });
    const sim = new KerongSimulator({ clock });
    sim.attach(pair.device, pair);
    await pair.device.start();
    await pair.host.start();
    const got: Buffer[] = [];
    pair.host.onData((c) => got.push(c));
    sim.faults.set({ kind: 'no-reply' }, { times: 2, when: (r) => r.command === 'readAll' });
    expect(() => sim.faults.set({ kind: 'no-reply' }, { times: 0 })).toThrow(/times must be > 0/);
    for (let i = 0; i < 3; i++) await pair.host.write(hex('02 00 32 03 37'));
    await flush();
    expect(got.length).toBe(1);
    expect(sim.faults.applied.map((a) => a.fault)).toEqual(['no-reply', 'no-reply']);
    expect(sim.faults.armed).toBe(0);
  });
});
