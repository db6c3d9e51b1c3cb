/**
 * The point reports its equipment to the backoffice (`locker.configured`, `fridge.configured`):
 * the lockers and fridges features append it at start on the real ledger only when it differs
 * from the last such event, so restarts add nothing and a changed profile is reported once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import type { CompartmentConfig } from '../../hardware/profile/boardsSchema.ts';
import { createAlarms } from '../../controller/alarms/alarms.ts';
import { decodeEvent } from '../../controller/contract/events/index.ts';
import { TrustedTime } from '../../controller/access/trustedTime.ts';
import type { FridgeConfig } from '../../controller/fridges/config.ts';
import { createFridges } from '../../controller/fridges/fridges.ts';
import { DAIRY } from '../../controller/fridges/testRig.ts';
import type { Ledger } from '../../controller/ledger/index.ts';
import { ledgerFixture } from '../../controller/ledger/testSupport.ts';
import { tokenCourierVerifier } from '../../controller/lockers/courierCheck.ts';
import { lockerLedger } from '../../controller/lockers/ledgerPort.ts';
import { createLockers } from '../../controller/lockers/lockers.ts';
import type { LockerHardware } from '../../controller/lockers/ports.ts';
import { generateSigningKeyPair } from '../../controller/access/keys.ts';
import { syncMigrations } from '../../controller/sync/migrations.ts';
import { FakeAlarms, FakeGuard } from './lockerRig.ts';

let fx: ReturnType<typeof ledgerFixture>;
afterEach(() => fx?.cleanup());

const ofType = (ledger: Ledger, type: string) => ledger.events(1, 100_000).filter((e) => e.type === type);

/** No lock board answers here: the report needs only the profile's compartments. */
const noBoards: LockerHardware = {
  compartments: () => [],
  openCompartment: () => Promise.reject(new Error('no board')),
  readCompartment: () => Promise.reject(new Error('no board')),
  onChange: () => () => {},
};

/** One process start of the lockers on the ledger file, stopped again (as a restart does). */
function startLockers(compartments: CompartmentConfig[]): Ledger {
  const ledger = fx.open({ migrations: syncMigrations });
  const time = new TrustedTime(fx.clock, ledger.timeFloorMs());
  const lockers = createLockers({
    compartments,
    hardware: noBoards,
    ledger: lockerLedger(ledger),
    time,
    couriers: tokenCourierVerifier({ publicKey: generateSigningKeyPair().publicKey, isRevoked: () => false, time }),
    guard: new FakeGuard(() => fx.clock.monotonic()),
    alarms: new FakeAlarms(),
    clock: fx.clock,
    logger: createSilentLogger(),
  });
  lockers.start();
  lockers.stop();
  return ledger;
}

/** One process start of the fridges feature on the ledger file, stopped again. */
async function startFridges(configs: FridgeConfig[]): Promise<Ledger> {
  const ledger = fx.open({ migrations: syncMigrations });
  const alarms = createAlarms({ clock: fx.clock, logger: createSilentLogger(), ledger });
  alarms.start();
  const probe = (id: string) => ({ id, read: async () => ({ ok: true as const, celsius: 4, probeId: id }) });
  const fridges = createFridges({
    clock: fx.clock,
    logger: createSilentLogger(),
    ledger,
    alarms,
    fridges: configs.map((config) => ({ config, ports: { probes: [probe(`28-${config.id}`)] } })),
  });
  fridges.start();
  await fridges.settled();
  await fridges.stop();
  alarms.stop();
  return ledger;
}

const A = (id: string, lock: number, size: 'S' | 'M' | 'L' = 'M'): CompartmentConfig => ({ id, board: 'schliessfach-1', lock, size });

describe('the point reports its compartments (locker.configured)', () => {
  it('appends them once at the first start, not again on restarts, and once more after the profile changed', () => {
    fx = ledgerFixture();
    const bank = [A('A1', 1, 'S'), A('A2', 2), A('A3', 3, 'L')];
    let ledger = startLockers(bank);
    expect(ofType(ledger, 'locker.configured').map((e) => e.data)).toEqual([
      {
        compartments: [
          { compartment: 'A1', size: 'S', board: 'schliessfach-1', lock: 1 },
          { compartment: 'A2', size: 'M', board: 'schliessfach-1', lock: 2 },
          { compartment: 'A3', size: 'L', board: 'schliessfach-1', lock: 3 },
        ],
      },
    ]);
    ledger.close();
    for (let i = 0; i < 3; i++) {
      ledger = startLockers(bank);
      ledger.close();
    }
    ledger = startLockers(bank);
    expect(ofType(ledger, 'locker.configured')).toHaveLength(1);
    ledger.close();

    // A2 becomes a large compartment: reported once, then quiet again.
    const changed = [A('A1', 1, 'S'), A('A2', 2, 'L'), A('A3', 3, 'L')];
    startLockers(changed).close();
    ledger = startLockers(changed);
    const reports = ofType(ledger, 'locker.configured');
    expect(reports).toHaveLength(2);
    expect(reports[1]!.data['compartments']).toContainEqual({ compartment: 'A2', size: 'L', board: 'schliessfach-1', lock: 2 });
    for (const e of reports) expect(decodeEvent(e.type, e.data).ok).toBe(true);
  });

  it('reports nothing for a point that never had compartments, and an empty list once all were removed', () => {
    fx = ledgerFixture();
    let ledger = startLockers([]);
    expect(ofType(ledger, 'locker.configured')).toEqual([]);
    ledger.close();
    startLockers([A('A1', 1)]).close();
    startLockers([]).close();
    ledger = startLockers([]);
    expect(ofType(ledger, 'locker.configured').map((e) => (e.data['compartments'] as unknown[]).length)).toEqual([1, 0]);
  });
});

describe('the point reports its fridges with names and limits (fridge.configured)', () => {
  it('appends them once at the first start, not again on restarts, and once more after a limit changed', async () => {
    fx = ledgerFixture();
    const drinks: FridgeConfig = { ...DAIRY, id: 'getraenke', name: 'Getränke', productGroup: 'other', limitTenths: 100, defrost: [] };
    let ledger = await startFridges([DAIRY, drinks]);
    expect(ofType(ledger, 'fridge.configured').map((e) => e.data)).toEqual([
      {
        fridges: [
          {
            fridgeId: 'molkerei',
            name: 'Kühlschrank Molkerei',
            productGroup: 'dairy',
            limitTenths: 70,
            hysteresisTenths: 5,
            alarmAfterMs: DAIRY.alarmAfterMs,
            blockAfterMs: DAIRY.blockAfterMs,
            defrost: [{ start: '03:00', minutes: 60 }],
          },
          {
            fridgeId: 'getraenke',
            name: 'Getränke',
            productGroup: 'other',
            limitTenths: 100,
            hysteresisTenths: 5,
            alarmAfterMs: DAIRY.alarmAfterMs,
            blockAfterMs: DAIRY.blockAfterMs,
            defrost: [],
          },
        ],
      },
    ]);
    ledger.close();
    (await startFridges([DAIRY, drinks])).close();
    ledger = await startFridges([DAIRY, drinks]);
    expect(ofType(ledger, 'fridge.configured')).toHaveLength(1);
    ledger.close();

    // the dairy fridge's limit goes down to 6.0 °C
    (await startFridges([{ ...DAIRY, limitTenths: 60 }, drinks])).close();
    ledger = await startFridges([{ ...DAIRY, limitTenths: 60 }, drinks]);
    const reports = ofType(ledger, 'fridge.configured');
    expect(reports.map((e) => (e.data['fridges'] as Array<{ limitTenths: number }>).map((f) => f.limitTenths))).toEqual([
      [70, 100],
      [60, 100],
    ]);
    for (const e of reports) expect(decodeEvent(e.type, e.data).ok).toBe(true);
  });
});
