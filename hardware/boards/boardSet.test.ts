import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { KerongRangeError } from '../../firmware-bridge/kerong/board.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { KerongSimulator } from '../sim/serial/kerong/kerongSimulator.ts';
import { ModbusBusSim, setTempHumidity } from '../sim/serial/modbus/modbusBusSim.ts';
import type { BoardsConfig } from '../profile/boardsSchema.ts';
import { BoardSet } from './boardSet.ts';
import { Lockers } from './lockers.ts';

const KERONG = 'tcp://kerong.sim:1';
const MODBUS = 'tcp://modbus.sim:2';

const config: BoardsConfig = {
  devices: [
    { id: 'lockers', protocol: 'kerong', link: KERONG, address: 0, channels: 8 },
    { id: 'relais', protocol: 'modbus', kind: 'relay', link: MODBUS, address: 1, channels: 4 },
    { id: 'fuehler', protocol: 'modbus', kind: 'temperature', link: MODBUS, address: 2 },
  ],
  compartments: Array.from({ length: 8 }, (_, i) => ({ id: `A${i + 1}`, board: 'lockers', lock: i + 1, size: 'S' as const })),
  relays: [],
  inputs: [],
  probes: [{ name: 'Kühlschrank', board: 'fuehler' }],
};

/** Let memory-link deliveries and driver promise chains run (no time passes on the clock). */
const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

describe('BoardSet on simulated boards (memory links, manual clock)', () => {
  let clock: ManualClock;
  let pairs: Map<string, MemoryLinkPair>;
  let kerong: KerongSimulator;
  let modbus: ModbusBusSim;
  let set: BoardSet;

  async function start(): Promise<void> {
    clock = new ManualClock();
    pairs = new Map([KERONG, MODBUS].map((u) => [u, createMemoryLinkPair({ name: u, clock })]));
    kerong = new KerongSimulator({ clock, boards: [0] });
    kerong.attach(pairs.get(KERONG)!.device, pairs.get(KERONG)!);
    await pairs.get(KERONG)!.device.start();
    modbus = new ModbusBusSim(pairs.get(MODBUS)!.device, clock, pairs.get(MODBUS)!);
    modbus.addSlave({ address: 1, coils: 4 });
    setTempHumidity(modbus.addSlave({ address: 2, input: 3 }), 4.5, 60);
    await modbus.start();
    set = new BoardSet(config, { clock, logger: createSilentLogger(), createLink: (url) => pairs.get(url)!.host });
    await set.start();
    // the Modbus slaves answer after 3.5 character times of silence (2 ms at 19200 Bd): let time pass
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.advance(5);
    }
    await settle();
  }

  afterEach(async () => {
    await set?.stop();
    await modbus?.stop();
  });

  it('reports every link and board ok after start and has read the lock states', async () => {
    await start();
    expect(set.statuses().map((s) => [s.kind, s.id, s.status])).toEqual([
      ['link', KERONG, 'ok'],
      ['board', 'lockers', 'ok'],
      ['link', MODBUS, 'ok'],
      ['board', 'relais', 'ok'],
      ['board', 'fuehler', 'ok'],
    ]);
    expect(set.compartments()[0]).toEqual({ id: 'A1', board: 'lockers', lock: 1, size: 'S', latched: true, occupied: false });
    expect(set.board('fuehler')).toMatchObject({ last: { temperatureC: 4.5, humidityPct: 60 } });
  });

  it('goes lost with "reconnecting in N s" when the lock board cable is pulled and back to ok within 5 s of replugging', async () => {
    await start();
    let changes = 0;
    set.onChange(() => changes++);
    pairs.get(KERONG)!.unplug('cable pulled');
    await settle();
    const [link, board] = set.statuses();
    expect(link).toMatchObject({ status: 'lost' });
    expect(link!.detail).toMatch(/^reconnecting in \d s \(attempt 1\): cable pulled/);
    expect(board).toMatchObject({ status: 'lost' });
    expect(board!.detail).toMatch(/^link reconnecting/);
    expect(changes).toBeGreaterThan(0);
    // the Modbus bus is not affected
    expect(set.statuses().find((s) => s.id === 'fuehler')?.status).toBe('ok');

    // down for a while: retries back off
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(set.statuses()[0]!.status).toBe('lost');
    pairs.get(KERONG)!.plug();
    let recoveredAfter = -1;
    for (let ms = 0; ms <= 5000; ms += 100) {
      await settle();
      if (
        set
          .statuses()
          .slice(0, 2)
          .every((s) => s.status === 'ok')
      ) {
        recoveredAfter = ms;
        break;
      }
      clock.advance(100);
    }
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
    expect(recoveredAfter).toBeLessThanOrEqual(5000);
  });

  it('opens a compartment exactly once and reports the driver result', async () => {
    await start();
    const r = await set.openCompartment('A3');
    expect(r).toMatchObject({ result: 'opened', compartment: 'A3', lock: 3, confirmedBy: 'reply' });
    expect(kerong.unlockCount(3)).toBe(1);
    expect(set.compartments().find((c) => c.id === 'A3')?.latched).toBe(false);
  });

  it('reports an unanswered open as the read-back found it, without sending the open again', async () => {
    await start();
    kerong.faults.set({ kind: 'no-reply' }, { when: (ctx) => ctx.command === 'unlock' });
    const pending = set.openCompartment('A2');
    for (let i = 0; i < 20; i++) {
      await settle(3);
      clock.advance(100);
    }
    expect(await pending).toMatchObject({ result: 'opened', confirmedBy: 'read-back', compartment: 'A2' });
    expect(kerong.requests('unlock')).toHaveLength(1);
  });

  it('refuses an unknown compartment without sending a byte', async () => {
    await start();
    const before = kerong.received.length;
    expect(await set.openCompartment('Z9')).toEqual({
      result: 'refused',
      compartment: 'Z9',
      detail: 'unknown compartment "Z9" (this point has A1, A2, A3, A4, A5, A6, A7, A8)',
    });
    await settle();
    expect(kerong.received.length).toBe(before);
  });

  it("refuses a compartment mapped beyond the board's locks even when the profile checks were bypassed", async () => {
    await start();
    const handle = set.board('lockers');
    expect(() => new Lockers([{ id: 'B9', board: 'lockers', lock: 9, size: 'M' }], new Map([['lockers', handle as never]]))).toThrow(KerongRangeError);
    expect(() => new Lockers([{ id: 'B9', board: 'lockers', lock: 9, size: 'M' }], new Map([['lockers', handle as never]]))).toThrow(
      'compartment B9: lock 9 out of range: board "lockers" has locks 1..8',
    );
  });

  it('marks a Modbus sensor degraded, then lost, when it stops answering, and ok again when it answers', async () => {
    await start();
    modbus.faults.set({ kind: 'no-reply' }, { times: Infinity, when: (ctx) => ctx.address === 2 });
    const fuehler = () => set.statuses().find((s) => s.id === 'fuehler')!;
    const seen = new Set<string>();
    for (let i = 0; i < 120 && fuehler().status !== 'lost'; i++) {
      clock.advance(100);
      await settle(3);
      seen.add(fuehler().status);
    }
    expect(seen).toContain('degraded');
    expect(fuehler()).toMatchObject({ status: 'lost' });
    expect(fuehler().detail).toMatch(/3 failed requests in a row: timeout/);
    expect(set.statuses().find((s) => s.id === 'relais')?.status).toBe('ok');
    modbus.faults.clear();
    for (let i = 0; i < 30 && fuehler().status !== 'ok'; i++) {
      clock.advance(100);
      await settle(3);
    }
    expect(fuehler().status).toBe('ok');
  });

  it('stop releases every timer', async () => {
    await start();
    await set.stop();
    await modbus.stop();
    await settle();
    expect(clock.pendingTimers()).toBe(0);
  });
});
