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
  const loaded = await loadHardwareProfile(bundledProfilePath('simulated'));
  // the lock board and the Modbus bus only (the profile's receipt printer and scanner are not simulated here)
  const profile = {
    ...loaded,
    boards: { ...loaded.boards!, devices: loaded.boards!.devices.filter((d) => d.protocol === 'kerong' || d.protocol === 'modbus') },
  };
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
      if (opts.failRecord?.(type)) return undefined; // the recorder logs and goes on (tryRecord)
      return recorded.push({ type, data, unlocksSent: kerong.requests('unlock').length });
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
