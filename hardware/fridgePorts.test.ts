import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../firmware-bridge/transport/memoryLink.ts';
import { ModbusBusSim, setTempHumidity, type SimSlave } from './sim/serial/modbus/modbusBusSim.ts';
import { BoardSet } from './boards/boardSet.ts';
import { FakeGpio } from './gpio/fakeGpio.ts';
import type { BoardsConfig } from './profile/boardsSchema.ts';
import type { FridgesProfile } from './profile/fridgesSchema.ts';
import { createFridgePorts, fridgeRelaysSettled } from './fridgePorts.ts';

const MODBUS = 'tcp://modbus.sim:2';
const ONEWIRE_ROOT = fileURLToPath(new URL('./onewire/fixtures/sys', import.meta.url));

const boardsConfig: BoardsConfig = {
  devices: [
    { id: 'kuehl-relais', protocol: 'modbus', kind: 'relay', link: MODBUS, address: 1, channels: 4 },
    { id: 'kuehl-fuehler', protocol: 'modbus', kind: 'temperature', link: MODBUS, address: 2 },
    { id: 'kuehl-eingaenge', protocol: 'modbus', kind: 'input', link: MODBUS, address: 3, channels: 4 },
  ],
  compartments: [],
  relays: [{ name: 'Kühlschrank Kompressor', board: 'kuehl-relais', channel: 2 }],
  inputs: [{ name: 'Truhe Deckel', board: 'kuehl-eingaenge', channel: 3 }],
  probes: [{ name: 'Truhe', board: 'kuehl-fuehler' }],
};

const unitDefaults = { defrost: [] };
const section: FridgesProfile = {
  samplingMs: 300_000,
  readingsPerRecord: 6,
  alarmAfterMs: 1_800_000,
  blockAfterMs: 7_200_000,
  hysteresisC: 0.5,
  maxGapMs: 7_200_000,
  lostAfterReadings: 3,
  doorOpenAlarmMs: 180_000,
  units: [
    {
      id: 'molkerei',
      name: 'Kühlschrank Molkerei',
      productGroup: 'dairy',
      probes: [{ onewire: '28-0316a2790aff' }],
      door: { gpio: { bcm: 17, activeLow: true, pull: 'up' } },
      compressorRelay: { gpio: { bcm: 22, activeLow: true } },
      ...unitDefaults,
    },
    {
      id: 'truhe',
      name: 'Tiefkühltruhe',
      productGroup: 'frozen',
      probes: [{ board: 'kuehl-fuehler' }],
      door: { input: 'Truhe Deckel' },
      compressorRelay: { relay: 'Kühlschrank Kompressor' },
      ...unitDefaults,
    },
  ],
};

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

describe('createFridgePorts on fake GPIO, 1-wire fixtures and a simulated Modbus bus', () => {
  let clock: ManualClock;
  let pair: MemoryLinkPair;
  let modbus: ModbusBusSim;
  let set: BoardSet;
  let relays: SimSlave;
  let inputs: SimSlave;
  let sensor: SimSlave;

  /** Let the bus answer (3.5 character times of silence) and the drivers' promise chains run. */
  async function run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 5) {
      await settle();
      clock.advance(5);
    }
    await settle();
  }

  async function startBoards(): Promise<void> {
    clock = new ManualClock();
    pair = createMemoryLinkPair({ name: MODBUS, clock });
    modbus = new ModbusBusSim(pair.device, clock, pair);
    relays = modbus.addSlave({ address: 1, coils: 4 });
    sensor = modbus.addSlave({ address: 2, input: 3 });
    setTempHumidity(sensor, -19.5, 40);
    inputs = modbus.addSlave({ address: 3, discreteInputs: 4 });
    await modbus.start();
    set = new BoardSet(boardsConfig, { clock, logger: createSilentLogger(), createLink: () => pair.host });
  }

  afterEach(async () => {
    await set?.stop();
    await modbus?.stop();
  });

  function build(gpio = new FakeGpio()) {
    const units = createFridgePorts(section, { gpio, boards: set, boardsConfig, clock, logger: createSilentLogger(), oneWireRoot: ONEWIRE_ROOT });
    const byId = new Map(units.map((u) => [u.id, u.ports]));
    return { gpio, molkerei: byId.get('molkerei')!, truhe: byId.get('truhe')! };
  }

  it('reads the 1-wire probe from sysfs and the Modbus sensor from its polled value', async () => {
    await startBoards();
    const { molkerei, truhe } = build();
    expect(await molkerei.probes[0]!.read()).toEqual({ ok: true, probeId: '28-0316a2790aff', celsius: 23.125 });
    // not polled yet: a fault, never a number
    expect(await truhe.probes[0]!.read()).toMatchObject({ ok: false, probeId: 'kuehl-fuehler#1', fault: 'missing' });
    await set.start();
    await run(30);
    expect(await truhe.probes[0]!.read()).toEqual({ ok: true, probeId: 'kuehl-fuehler#1', celsius: -19.5 });
  });

  it('the GPIO door follows the pin with its polarity (active-low: pin low = door open)', async () => {
    await startBoards();
    const { gpio, molkerei } = build();
    const door = molkerei.door!;
    expect(door.read()).toBe(false); // pulled up, active-low: closed
    const seen: boolean[] = [];
    door.watch((open) => seen.push(open));
    gpio.setElectrical(17, 0);
    expect(door.read()).toBe(true);
    gpio.setElectrical(17, 1);
    expect(seen).toEqual([true, false]);
  });

  it('the GPIO compressor relay is claimed NOT cut and cuts on write(true)', async () => {
    await startBoards();
    const { gpio, molkerei } = build();
    expect(gpio.electrical(22)).toBe(1); // active-low, not cut = high
    expect(molkerei.compressorCut!.read()).toBe(false);
    molkerei.compressorCut!.write(true);
    expect(gpio.electrical(22)).toBe(0);
  });

  it('the board relay switches its mapped channel on the Modbus relay board, starts not cut, and settles once answered', async () => {
    await startBoards();
    const { truhe } = build();
    await set.start();
    await run(30);
    expect(truhe.compressorCut!.read()).toBe(false);
    expect(relays.coils).toEqual([false, false, false, false]);
    truhe.compressorCut!.write(true);
    let settled = false;
    void fridgeRelaysSettled([{ ports: truhe }]).then(() => (settled = true));
    await settle();
    expect(settled).toBe(false); // the command is still on the bus
    await run(30);
    expect(settled).toBe(true);
    expect(relays.coils).toEqual([false, true, false, false]);
    expect(truhe.compressorCut!.read()).toBe(true);
  });

  it('the board door follows the mapped input of the Modbus input board after its next poll', async () => {
    await startBoards();
    const { truhe } = build();
    await set.start();
    await run(30);
    const door = truhe.door!;
    expect(door.read()).toBe(false);
    const seen: boolean[] = [];
    door.watch((open) => seen.push(open));
    inputs.discreteInputs[2] = true;
    await run(2100); // one poll period (2000 ms) plus the bus
    await run(1000);
    expect(door.read()).toBe(true);
    expect(seen).toEqual([true]);
  });

  it('fails loudly, naming the fridge, on a reference the profile checks would have refused', async () => {
    await startBoards();
    const bad: FridgesProfile = { ...section, units: [{ ...section.units[1]!, probes: [{ board: 'nirgends' }] }] };
    expect(() => createFridgePorts(bad, { gpio: new FakeGpio(), boards: set, boardsConfig, clock, logger: createSilentLogger() })).toThrow(
      'fridge truhe: unknown board "nirgends" (the profile checks should have refused this)',
    );
    const wrongKind: FridgesProfile = { ...section, units: [{ ...section.units[1]!, probes: [{ board: 'kuehl-relais' }] }] };
    expect(() => createFridgePorts(wrongKind, { gpio: new FakeGpio(), boards: set, boardsConfig, clock, logger: createSilentLogger() })).toThrow(
      'fridge truhe: board "kuehl-relais" is not a temperature sensor or an I/O board',
    );
  });
});
