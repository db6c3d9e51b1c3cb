/**
 * The fleet card's locker line. A point that reported its compartments: "2 von 12 Fächern belegt"
 * with its real total; one that has not: only the compartments it sent events for, said so
 * ("von 3 gemeldeten Fächern", "keine gemeldet").
 */
import type { FleetSite } from './api.ts';
import type { T } from './i18n.ts';

export function lockerSummary(t: T, lockers: FleetSite['lockers']): string {
  if (lockers.compartments === 0) return t(lockers.reported ? 'noLockersReported' : 'noLockers');
  const counts = { free: lockers.free, occupied: lockers.occupied, reserved: lockers.reserved, total: lockers.compartments };
  return t(lockers.reported ? 'lockersOfTotal' : 'lockersSummary', counts);
}
