import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { KerongSimulator } from '../../hardware/sim/serial/kerong/kerongSimulator.ts';
import { ModbusBusSim, setTempHumidity } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';
import { HardwareStatus } from './hardwareStatus.ts';

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

async function setup(opts: { modbusPlugged?: boolean; failRecord?: (type: string) => boolean; door?: { state(): { faulted: boolean } } } = {}) {
  const clock = new ManualClock();
  const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
  const links = profile.boards!.devices.map((d) => d.link).filter((l, i, a) => a.indexOf(l) === i);
  const pairs = new Map<string, MemoryLinkPair>(links.map((l) => [l, createMemoryLinkPair({ name: l, clock })]));
  const [kerongLink, modbusLink] = links as [string, string];
  const kerong = new KerongSimulator({ clock, boards: [0] });
  kerong.attach(pairs.get(kerongLink)!.device);
  await pairs.get(kerongLink)!.device.start();
  const modbus = new ModbusBusSim(pairs.get(modbusLink)!.device, clock);
  modbus.addSlave({ address: 1, coils: 4 });
  setTempHumidity(modbus.addSlave({ address: 2, input: 3 }), 5, 50);
  await modbus.start();
  if (opts.modbusPlugged === false) pairs.get(modbusLink)!.unplug('no cable at boot');
  const recorded: Array<{ type: string; data: Record<string, unknown>; unlocksSent?: number }> = [];
  const hw = new HardwareStatus({
    profile,
    gpioKind: 'fake',
    clock,
    logger: createSilentLogger(),
    record: (type, data) => {
      if (opts.failRecord?.(type)) throw new Error('SQLITE_FULL: database or disk is full');
      recorded.push({ type, data, unlocksSent: kerong.requests('unlock').length });
    },
    boards: { createLink: (url) => pairs.get(url)!.host },
    ...(opts.door ? { door: opts.door } : {}),
  });
  await hw.start();
  await settle();
  return { clock, hw, pairs, kerong, kerongLink, modbusLink, recorded, stop: async () => (await hw.stop(), await modbus.stop()) };
}

describe('HardwareStatus', () => {
  it('keeps the GPIO entry first and records nothing while everything comes up ok', async () => {
    const t = await setup();
    expect(t.hw.entries()[0]).toEqual({ name: 'GPIO (fake)', status: 'ok' });
    expect(t.hw.entries().every((e) => e.status === 'ok')).toBe(true);
    expect(t.hw.ok()).toBe(true);
    expect(t.recorded).toEqual([]);
    await t.stop();
  });

  it('records a status change once, not every "reconnecting in N s" update, and the recovery', async () => {
    const t = await setup();
    t.pairs.get(t.kerongLink)!.unplug('cable pulled');
    await settle();
    for (let i = 0; i < 200; i++) {
      t.clock.advance(100); // many retries, each with a new detail; steps short enough for Modbus replies (after 2 ms of silence) to come in before their timeout
      await settle();
    }
    expect(t.hw.ok()).toBe(false);
    const lost = t.recorded.map((r) => [r.type, r.data['kind'], r.data['status'], r.data['previous']]);
    expect(lost).toEqual([
      ['hardware.status', 'link', 'lost', 'ok'],
      ['hardware.status', 'board', 'lost', 'ok'],
    ]);
    t.pairs.get(t.kerongLink)!.plug();
    for (let i = 0; i < 50 && !t.hw.ok(); i++) {
      t.clock.advance(100);
      await settle();
    }
    expect(t.hw.ok()).toBe(true);
    expect(t.recorded.slice(2).map((r) => [r.data['kind'], r.data['status']])).toEqual([
      ['link', 'ok'],
      ['board', 'ok'],
    ]);
    await t.stop();
  });

  it('records links and boards that are already lost at start', async () => {
    const t = await setup({ modbusPlugged: false });
    expect(t.hw.ok()).toBe(false);
    expect(t.recorded.map((r) => [r.data['id'], r.data['status'], r.data['previous']])).toEqual([
      [t.modbusLink, 'lost', null],
      ['kuehl-relais', 'lost', null],
      ['kuehl-fuehler', 'lost', null],
    ]);
    expect(String(t.recorded[0]!.data['detail'])).toMatch(/^reconnecting in \d s .*cable unplugged/);
    await t.stop();
  });

  it('lists a faulted door controller as lost, so the point is not ok', async () => {
    let faulted = false;
    const t = await setup({ door: { state: () => ({ faulted }) } });
    expect(t.hw.ok()).toBe(true);
    faulted = true;
    expect(t.hw.ok()).toBe(false);
    expect(t.hw.entries()[1]).toMatchObject({ name: 'door controller', status: 'lost' });
    await t.stop();
  });

  it('stop releases every timer', async () => {
    const t = await setup();
    await t.stop();
    await settle();
    expect(t.clock.pendingTimers()).toBe(0);
  });
});

describe('HardwareStatus locker opens in the ledger', () => {
  const lockerEvents = (t: Awaited<ReturnType<typeof setup>>) =>
    t.recorded.filter((r) => r.type.startsWith('locker.')).map((r) => ({ type: r.type, ...r.data, unlocksSent: r.unlocksSent }));

  it('records the request before the unlock is sent, then the opened result with board and lock', async () => {
    const t = await setup();
    const c = t.hw.compartments().find((x) => x.id === 'A3')!;
    expect(await t.hw.openCompartment('A3')).toMatchObject({ result: 'opened', compartment: 'A3' });
    expect(lockerEvents(t)).toEqual([
      { type: 'locker.open-requested', compartment: 'A3', board: c.board, lock: c.lock, unlocksSent: 0 },
      { type: 'locker.opened', compartment: 'A3', board: c.board, lock: c.lock, confirmedBy: 'reply', detail: 'confirmed by reply', unlocksSent: 1 },
    ]);
    await t.stop();
  });

  it('records an unknown compartment as requested and not opened, with the refusal detail', async () => {
    const t = await setup();
    await t.hw.openCompartment('Z9');
    expect(lockerEvents(t)).toEqual([
      { type: 'locker.open-requested', compartment: 'Z9', board: null, lock: null, unlocksSent: 0 },
      expect.objectContaining({ type: 'locker.not-opened', compartment: 'Z9', reason: 'refused', detail: expect.stringMatching(/unknown compartment "Z9"/) }),
    ]);
    await t.stop();
  });

  it('records an open whose outcome the board never told as open-unknown', async () => {
    const t = await setup();
    t.kerong.faults.set({ kind: 'no-reply' }, { times: Infinity }); // neither the unlock nor the read-back is answered
    const pending = t.hw.openCompartment('A2');
    for (let i = 0; i < 100 && lockerEvents(t).length < 2; i++) {
      await settle(3);
      t.clock.advance(100);
    }
    const r = await pending;
    expect(r.result).toBe('unknown');
    const last = lockerEvents(t).at(-1)!;
    expect(last).toMatchObject({ type: 'locker.open-unknown', compartment: 'A2', board: expect.any(String), lock: 2 });
    expect(String((last as Record<string, unknown>)['detail'])).not.toBe('');
    await t.stop();
  });

  it('sends nothing when the open request cannot be recorded', async () => {
    const t = await setup({ failRecord: (type) => type === 'locker.open-requested' });
    const r = await t.hw.openCompartment('A1');
    expect(r).toMatchObject({ result: 'refused', compartment: 'A1', detail: expect.stringMatching(/ledger unavailable/) });
    await settle();
    expect(t.kerong.requests('unlock')).toHaveLength(0);
    await t.stop();
  });
});
