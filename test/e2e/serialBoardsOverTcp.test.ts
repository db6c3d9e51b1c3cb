import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * The simulated point as `npm start` runs it: the profile's Kerong and Modbus boards served by
 * simulators on TCP ports, the real controller connected through real TCP links (system clock:
 * the backoff and polling are real here; the manual-clock versions are in hardware/boards).
 */
describe('serial boards of a simulated point over TCP', () => {
  let f: PointFixture;
  const get = async (path: string) => (await fetch(`${f.point.url}${path}`)).json();
  const post = async (path: string, body: unknown) =>
    fetch(`${f.point.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const hardware = () => f.point.api.snapshot().hardware;
  async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<{ value: T; ms: number }> {
    const t0 = Date.now();
    for (;;) {
      const v = probe();
      if (v) return { value: v, ms: Date.now() - t0 };
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(hardware())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    f = await startSimulatedPoint({ clock: createSystemClock(), http: { host: '127.0.0.1', port: 0 } });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('shows every link and board ok in /health, the live snapshot and /api/hardware, with the lock states read', async () => {
    const health = await get('/health');
    expect(health.ok).toBe(true);
    expect(health.hardware.map((h: { name: string }) => h.name)).toEqual([
      'GPIO (fake)',
      expect.stringMatching(/^link tcp:\/\/127\.0\.0\.1:\d+$/),
      'board schliessfach-1 (kerong @0)',
      expect.stringMatching(/^link tcp:\/\/127\.0\.0\.1:\d+$/),
      'board kuehl-relais (modbus relay @1)',
      'board kuehl-fuehler (modbus temperature @2)',
      expect.stringMatching(/^link tcp:\/\/127\.0\.0\.1:\d+$/),
      'board kasse-drucker (escpos)',
      expect.stringMatching(/^link tcp:\/\/127\.0\.0\.1:\d+$/),
      'board kasse-scanner (scanner)',
    ]);
    await until('lock states read', () => f.point.hardware.compartments().every((c) => c.latched !== null));
    const api = await get('/api/hardware');
    expect(api.ok).toBe(true);
    expect(api.compartments).toHaveLength(12);
    expect(api.compartments[0]).toEqual({ id: 'A1', board: 'schliessfach-1', lock: 1, size: 'S', latched: true, occupied: false });
  });

  it('opens a compartment end-to-end against the Kerong simulator, exactly once', async () => {
    const kerong = f.boards.kerong('schliessfach-1')!;
    const r = await f.point.hardware.boards.openCompartment('A5');
    expect(r).toMatchObject({ result: 'opened', compartment: 'A5', lock: 5, confirmedBy: 'reply' });
    expect(kerong.unlockCount(5)).toBe(1);
    expect(kerong.isLatched(5)).toBe(false);
    expect(f.point.hardware.compartments().find((c) => c.id === 'A5')?.latched).toBe(false);
    kerong.closeDoor(5);
  });

  it('refuses a compartment the profile does not have (lock 13 on a 12-lock board) without sending anything', async () => {
    const kerong = f.boards.kerong('schliessfach-1')!;
    const unlocksBefore = kerong.requests('unlock').length;
    const r = await f.point.hardware.boards.openCompartment('A13');
    expect(r).toMatchObject({ result: 'refused', compartment: 'A13' });
    expect(r.result === 'refused' && r.detail).toMatch(/unknown compartment "A13"/);
    expect(kerong.requests('unlock').length).toBe(unlocksBefore);
    expect(kerong.unlockCount(13)).toBe(0);
  });

  it('goes lost with "reconnecting" when the lock board cable is pulled and back to ok within 5 s of replugging; both changes in the ledger', async () => {
    const seqBefore = f.point.ledger.lastSeq();
    expect((await post('/api/sim/cable', { board: 'schliessfach-1', plugged: false })).status).toBe(200);
    const lost = await until('link lost', () => hardware().find((h) => h.name.startsWith('link') && h.status === 'lost'), 2000);
    expect(lost.value.detail).toMatch(/reconnecting|connecting/);
    await until('board lost', () => hardware().find((h) => h.name.startsWith('board schliessfach-1') && h.status === 'lost'), 2000);
    expect((await get('/health')).ok).toBe(false);
    expect(hardware().find((h) => h.name.startsWith('board kuehl-fuehler'))?.status).toBe('ok');
    const snap = await get('/api/state');
    expect(snap.sim.cables.find((c: { boards: string[] }) => c.boards.includes('schliessfach-1')).plugged).toBe(false);

    await new Promise((r) => setTimeout(r, 1500)); // stay unplugged while the link backs off
    expect((await post('/api/sim/cable', { board: 'schliessfach-1', plugged: true })).status).toBe(200);
    const back = await until('all ok again', () => hardware().every((h) => h.status === 'ok'), 5000);
    expect(back.ms).toBeLessThanOrEqual(5000);
    expect((await get('/health')).ok).toBe(true);

    const events = f.point.ledger.events(seqBefore + 1, 1000).filter((e) => e.type === 'hardware.status');
    const lockBoard = events.map((e) => e.data as { id: string; status: string }).filter((d) => d.id === 'schliessfach-1');
    expect(lockBoard.map((d) => d.status)).toEqual(['lost', 'ok']);
    expect(events.every((e) => (e.data as { kind: string }).kind === 'link' || (e.data as { id: string }).id === 'schliessfach-1')).toBe(true);
    // and the board works again
    expect(await f.point.hardware.boards.openCompartment('A6')).toMatchObject({ result: 'opened' });
  });

  it('answers 404 for a cable of a board the simulated point does not have', async () => {
    const res = await post('/api/sim/cable', { board: 'gibt-es-nicht', plugged: false });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('Diese Platine gibt es im simulierten Punkt nicht.');
  });
});
