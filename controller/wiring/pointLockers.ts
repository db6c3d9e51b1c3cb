/**
 * The parcel lockers of a running point: compartments on the lock boards, courier drop-off,
 * pickup by code. Code validity on trusted time (server time from acks, else the ledger's floor +
 * monotonic time); guessing limited by the point's pickup guard, persisted as `pickup.guard`
 * events; couriers checked against the access public key and the ledger's revocations.
 */
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Alarms } from '../alarms/alarms.ts';
import { TrustedTime } from '../access/trustedTime.ts';
import { NO_GUARD_STATE, PointPickupGuard, type PickupGuardState } from '../access/pickupGuard.ts';
import { createLockers, type Lockers } from '../lockers/lockers.ts';
import { lockerLedger } from '../lockers/ledgerPort.ts';
import { tokenCourierVerifier } from '../lockers/courierCheck.ts';
import type { HardwareStatus } from '../hardware/hardwareStatus.ts';

export interface PointLockersDeps {
  profile: HardwareProfile;
  hardware: HardwareStatus;
  ledger: Ledger;
  publicKey: KeyObject;
  alarms: Alarms;
  bootId: string;
  clock: Clock;
  logger: Logger;
}

export interface PointLockers {
  readonly lockers: Lockers;
  /** The lockers' trusted time (the sync client hands it the backoffice's time). */
  readonly time: TrustedTime;
  start(): void;
  stop(): void;
}

export function createPointLockers(deps: PointLockersDeps): PointLockers {
  const { ledger, clock } = deps;
  const time = new TrustedTime(clock, ledger.timeFloorMs());
  const guardEvent = ledger.latestEvent('pickup.guard');
  const guard = new PointPickupGuard({
    clock,
    bootId: deps.bootId,
    trustedNow: () => time.now(),
    load: () => (guardEvent ? (guardEvent.data as unknown as PickupGuardState) : { ...NO_GUARD_STATE }),
    save: (state) => void ledger.appendChecked('pickup.guard', { ...state }),
    alarms: deps.alarms,
  });
  const lockers = createLockers({
    compartments: deps.profile.boards?.compartments ?? [],
    hardware: deps.hardware.boards,
    ledger: lockerLedger(ledger),
    time,
    couriers: tokenCourierVerifier({ publicKey: deps.publicKey, isRevoked: (id) => ledger.state.isRevoked(id), time }),
    guard,
    alarms: deps.alarms,
    clock,
    logger: deps.logger.child({ module: 'lockers' }),
  });
  return { lockers, time, start: () => lockers.start(), stop: () => lockers.stop() };
}
