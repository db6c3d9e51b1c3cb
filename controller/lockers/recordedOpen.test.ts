import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { BoardSet } from '../../hardware/boards/boardSet.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { KerongSimulator } from '../../hardware/sim/serial/kerong/kerongSimulator.ts';
import { recordedOpen } from './recordedOpen.ts';

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

async function setup(opts: { failRecord?: (type: string) => boolean } = {}) {
  const clock = new ManualClock();
  const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
  const boards = {
    devices: profile.boards!.devices.filter((d) => d.protocol === 'kerong'),
    compartments: profile.boards!.compartments,
    relays: [],
    inputs: [],
    probes: [],
  };
  const pair = createMemoryLinkPair({ name: 'kerong', clock });
  const kerong = new KerongSimulator({ clock, boards: [0] });
  kerong.attach(pair.device);
  await pair.device.start();
  const set = new BoardSet(boards, { clock, logger: createSilentLogger(), createLink: () => pair.host });
  await set.start();
  await settle();
  const recorded: Array<{ type: string; data: Record<string, unknown>; unlocksSent: number }> = [];
  const deps = {
    hardware: set,
    logger: createSilentLogger(),
    record: (type: string, data: Record<string, unknown>) => {
      if (opts.failRecord?.(type)) throw new Error('SQLITE_FULL: database or disk is full');
      return recorded.push({ type, data, unlocksSent: kerong.requests('unlock').length });
    },
  };
  const events = () => recorded.map((r) => ({ type: r.type, ...r.data, unlocksSent: r.unlocksSent }));
  return { clock, set, kerong, deps, events, stop: () => set.stop() };
}

describe('a locker open in the ledger (recordedOpen)', () => {
  it('records the request before the unlock is sent, then the opened result with board and lock', async () => {
    const t = await setup();
    const c = t.set.compartments().find((x) => x.id === 'A3')!;
    expect(await recordedOpen(t.deps, 'A3')).toMatchObject({ result: 'opened', compartment: 'A3' });
    expect(t.events()).toEqual([
      { type: 'locker.open-requested', compartment: 'A3', board: c.board, lock: c.lock, unlocksSent: 0 },
      { type: 'locker.opened', compartment: 'A3', board: c.board, lock: c.lock, confirmedBy: 'reply', detail: 'confirmed by reply', unlocksSent: 1 },
    ]);
    await t.stop();
  });

  it('records an unknown compartment as requested and not opened, with the refusal detail', async () => {
    const t = await setup();
    await recordedOpen(t.deps, 'Z9');
    expect(t.events()).toEqual([
      { type: 'locker.open-requested', compartment: 'Z9', board: null, lock: null, unlocksSent: 0 },
      expect.objectContaining({ type: 'locker.not-opened', compartment: 'Z9', reason: 'refused', detail: expect.stringMatching(/unknown compartment "Z9"/) }),
    ]);
    await t.stop();
  });

  it('records an open whose outcome the board never told as open-unknown, with one unlock frame only', async () => {
    const t = await setup();
    t.kerong.faults.set({ kind: 'no-reply' }, { times: Infinity });
    const pending = recordedOpen(t.deps, 'A2');
    for (let i = 0; i < 100 && t.events().length < 2; i++) {
      await settle(3);
      t.clock.advance(100);
    }
    const r = await pending;
    expect(r.result).toBe('unknown');
    expect(t.events().at(-1)).toMatchObject({
      type: 'locker.open-unknown',
      compartment: 'A2',
      board: expect.any(String),
      lock: 2,
      detail: expect.stringMatching(/\S/),
    });
    expect(t.kerong.requests('unlock')).toHaveLength(1);
    await t.stop();
  });

  it('sends nothing when the open request cannot be recorded', async () => {
    const t = await setup({ failRecord: (type) => type === 'locker.open-requested' });
    const r = await recordedOpen(t.deps, 'A1');
    expect(r).toMatchObject({ result: 'refused', compartment: 'A1', detail: expect.stringMatching(/ledger unavailable/) });
    await settle();
    expect(t.kerong.requests('unlock')).toHaveLength(0);
    await t.stop();
  });
});
