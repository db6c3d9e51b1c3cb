/**
 * The point tells the backoffice which compartments it has (`locker.configured`), so the fleet
 * view knows every compartment and the total from the first sync, not only those that saw an
 * event. Written at start only when the profile's compartments differ from the last such event in
 * the ledger (no event counts as "none"), so restarts add nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CompartmentConfig } from '../../hardware/profile/boardsSchema.ts';
import type { LockerPayloads } from '../contract/events/lockers.ts';
import type { LockerLedger } from './ports.ts';

export function lockerConfiguration(compartments: readonly CompartmentConfig[]): LockerPayloads['locker.configured'] {
  return { compartments: compartments.map((c) => ({ compartment: c.id, size: c.size, board: c.board, lock: c.lock })) };
}

/** Appends `locker.configured` when it differs from the ledger's last one; returns whether it did. */
export function reportLockerConfiguration(ledger: Pick<LockerLedger, 'append' | 'latest'>, compartments: readonly CompartmentConfig[]): boolean {
  const now = lockerConfiguration(compartments);
  const last = ledger.latest('locker.configured')?.data ?? { compartments: [] };
  if (isDeepStrictEqual(last, now)) return false;
  ledger.append('locker.configured', now);
  return true;
}
