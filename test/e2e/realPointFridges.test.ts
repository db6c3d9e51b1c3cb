import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { startPoint, type RunningPoint } from '../../controller/app.ts';
import { startSimBoards, type SimBoardsSetup } from '../../controller/sim/simBoards.ts';
import { ensureDemoKeys } from '../../controller/sim/demoData.ts';

/**
 * A point started as `main.ts --config` starts it: no `fridges` option, so the fridges come from
 * the profile's `fridges` section on their real ports — here the 1-wire fixtures (sysfs), the
 * simulated door GPIO and the simulated Modbus temperature sensor and relay board over TCP.
 */
const ONEWIRE_ROOT = fileURLToPath(new URL('../../hardware/onewire/fixtures/sys', import.meta.url));

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

describe('a real point builds its fridges from the profile', () => {
  let dataDir: string | undefined;
  let point: RunningPoint | undefined;
  let sim: SimulatedPoint | undefined;
  let boards: SimBoardsSetup | undefined;

  afterEach(async () => {
    try {
      await point?.stop();
    } finally {
      sim?.stop();
      await boards?.boards.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('samples the profile’s fridges on their probes and records the readings in the ledger', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
    dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-fridgeports-'));
    boards = await startSimBoards(await loadHardwareProfile(bundledProfilePath('simulated')), clock);
    // one record per reading, every 10 s: the Modbus sensor answers over real TCP, so the clock
    // moves in small steps (a 5-minute jump would time out every request on the bus)
    const profile = { ...boards.profile, fridges: { ...boards.profile.fridges!, samplingMs: 10_000, readingsPerRecord: 1 } };
    sim = new SimulatedPoint({ profile, clock });
    const keys = await ensureDemoKeys(dataDir);
    point = await startPoint({
      siteId: 'test-dorf',
      dataDir,
      profile,
      gpio: sim.gpio,
      publicKeyPem: keys.publicKeyPem,
      bundesland: 'BY',
      clock,
      logger: createSilentLogger(),
      isClockSynced: () => true,
      oneWireRoot: ONEWIRE_ROOT,
    });
    const p = point;
    const readings = (fridgeId: string) =>
      p.ledger
        .eventsOfTypes(['fridge.readings'], 1, 10_000)
        .filter((e) => e.data['fridgeId'] === fridgeId)
        .flatMap((e) => e.data['tenths'] as number[]);

    expect(p.fridges.view().map((v) => v.id)).toEqual(['molkerei', 'truhe', 'getraenke']);
    // molkerei's door contact: bcm 17, active high with pull-up: the pin low = door closed
    sim.gpio.setElectrical(17, 0);
    for (let t = 0; t <= 30_000 && readings('getraenke').length === 0; t += 20) {
      await settle();
      await new Promise((r) => setTimeout(r, 2));
      await settle();
      clock.advance(20);
    }
    // 1-wire fixtures: 23.125 °C and -10.125 °C; the simulated Modbus sensor: 6.5 °C
    expect(readings('molkerei')[0]).toBe(231);
    expect(readings('truhe')[0]).toBe(Math.round(-101.25));
    expect(readings('getraenke')).toContain(65);
    const molkerei = p.fridges.view().find((v) => v.id === 'molkerei')!;
    expect(molkerei).toMatchObject({ doorOpen: false, above: true, faultyProbes: [] });

    // stop waits for the compressor release on the Modbus relay board (a bus command on this clock)
    let stopped = false;
    void p.stop().then(() => (stopped = true));
    for (let t = 0; t <= 10_000 && !stopped; t += 20) {
      await settle();
      await new Promise((r) => setTimeout(r, 2));
      await settle();
      clock.advance(20);
    }
    expect(stopped).toBe(true);
    point = undefined;
    // getraenke's compressor relay ("Kühlschrank Kompressor": relay board @1, channel 2) was
    // switched on the board, never cut outside a defrost window, and released by the stop
    const relayBoard = boards.boards.modbus('kuehl-relais')!.slave(1);
    const switches = relayBoard.log.filter((r) => r.kind === 'writeSingleCoil' && r.coil === 1);
    expect(switches.length).toBeGreaterThan(1);
    expect(switches.every((r) => r.kind === 'writeSingleCoil' && r.value === false)).toBe(true);
    expect(relayBoard.coils[1]).toBe(false);
  }, 30_000);
});
