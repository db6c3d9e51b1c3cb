import { ManualClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { FridgeSim } from '../../hardware/sim/fridgeSim.ts';
import { createAlarms, type Alarms } from '../alarms/alarms.ts';
import type { Ledger } from '../ledger/index.ts';
import { ledgerFixture } from '../ledger/testSupport.ts';
import { syncMigrations } from '../sync/migrations.ts';
import { defrostChecker, type FridgeConfig } from './config.ts';
import { createFridges, type Fridges } from './fridges.ts';

/**
 * Test rig: a dairy fridge (limit 7.0 °C) as a thermal model, the real ledger and alarm model,
 * the fridges feature, all on one ManualClock. `run(ms)` moves time minute by minute and waits
 * for every sample to be judged, so a night takes milliseconds.
 */
export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** 19:00 in Berlin (winter): a night starts. */
export const EVENING = Date.UTC(2026, 0, 15, 18, 0);

export const DAIRY: FridgeConfig = {
  id: 'molkerei',
  name: 'Kühlschrank Molkerei',
  productGroup: 'dairy',
  limitTenths: 70,
  hysteresisTenths: 5,
  samplingMs: 5 * MIN,
  readingsPerRecord: 6,
  alarmAfterMs: 30 * MIN,
  blockAfterMs: 2 * HOUR,
  maxGapMs: 2 * HOUR,
  lostAfterReadings: 3,
  doorOpenAlarmMs: 3 * MIN,
  // the heater runs 03:00-03:20 Berlin; the window includes the recovery
  defrost: [{ start: '03:00', minutes: 60 }],
};

export interface Rig {
  clock: ManualClock;
  ledger: Ledger;
  alarms: Alarms;
  sim: FridgeSim;
  fridges: Fridges;
  run(ms: number): Promise<void>;
  /** Simulate kill -9 / power cut of the point: drop the feature and the ledger without stopping. */
  crash(): void;
  /** Stop cleanly (flushes readings). */
  stop(): Promise<void>;
  /** Start a new controller on the same ledger file (after crash or stop). */
  restart(): void;
  events(type?: string): Array<{ seq: number; type: string; at: number; data: Record<string, any> }>;
  cleanup(): void;
}

/** The clock one controller process sees: after `kill()` none of its timers fire (the process is gone). */
function processClock(base: ManualClock): Clock & { kill(): void } {
  let dead = false;
  return {
    now: () => base.now(),
    monotonic: () => base.monotonic(),
    setTimeout: (fn, ms) => base.setTimeout(() => (dead ? undefined : fn()), ms),
    clearTimeout: (h) => base.clearTimeout(h),
    kill: () => {
      dead = true;
    },
  };
}

export function fridgeRig(config: FridgeConfig = DAIRY, start = EVENING): Rig {
  const fx = ledgerFixture();
  const clock = new ManualClock(start);
  const heater = defrostChecker([{ start: '03:00', minutes: 20 }]);
  const sim = new FridgeSim({ clock, probeId: '28-0316a2790aff', name: config.name, setpointC: 4, defrostHeaterOn: heater });
  const boot = () => {
    const pclock = processClock(clock);
    const ledger = fx.open({ clock: pclock, migrations: syncMigrations });
    const alarms = createAlarms({ clock: pclock, logger: createSilentLogger(), ledger });
    alarms.start();
    const fridges = createFridges({
      clock: pclock,
      logger: createSilentLogger(),
      ledger,
      alarms,
      fridges: [{ config, ports: { probes: [sim.probe], door: sim.door } }],
    });
    fridges.start();
    return { ledger, alarms, fridges, pclock };
  };
  let live = boot();
  const rig: Rig = {
    clock,
    sim,
    get ledger() {
      return live.ledger;
    },
    get alarms() {
      return live.alarms;
    },
    get fridges() {
      return live.fridges;
    },
    async run(ms) {
      for (let t = 0; t < ms; t += MIN) {
        await live.fridges.settled(); // reads started outside run() (at start) answer before time moves on
        clock.advance(Math.min(MIN, ms - t));
        await live.fridges.settled();
      }
    },
    crash() {
      live.pclock.kill(); // no stop(), no flush: unrecorded readings in memory are lost
      live.ledger.close();
    },
    async stop() {
      await live.fridges.stop();
      live.alarms.stop();
      live.ledger.close();
    },
    restart() {
      live = boot();
    },
    events(type) {
      return live.ledger.events(1, 100_000).filter((e) => type === undefined || e.type === type) as ReturnType<Rig['events']>;
    },
    cleanup() {
      live.pclock.kill();
      fx.cleanup();
    },
  };
  return rig;
}
