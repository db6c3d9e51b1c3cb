/**
 * `p_lockers`: per site and compartment its occupancy (free / reserved / occupied, with the parcel
 * and since when), whether the parcel is flagged uncollected, whether the compartment is in
 * service, and its door as the lock board last reported it.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

interface LockerChange {
  occupancy?: 'free' | 'reserved' | 'occupied';
  size?: string | null;
  parcelId?: string | null;
  /** Start of the occupancy; defaults to the event's time. */
  since?: number;
  uncollected?: number;
  inService?: number;
  door?: 'open' | 'closed' | 'held-open' | 'unknown';
}

async function change(db: Db, e: ProjectedEvent, compartment: string, c: LockerChange): Promise<void> {
  const since = c.since ?? e.at;
  const row = {
    site_id: e.siteId,
    compartment,
    occupancy: c.occupancy ?? 'free',
    size: c.size ?? null,
    parcel_id: c.parcelId ?? null,
    since,
    uncollected: c.uncollected ?? 0,
    in_service: c.inService ?? 1,
    door: c.door ?? 'unknown',
    seq: e.seq,
  };
  await db
    .insertInto('p_lockers')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['site_id', 'compartment']).doUpdateSet({
        ...(c.occupancy !== undefined ? { occupancy: c.occupancy, since, uncollected: 0 } : {}),
        ...(c.size !== undefined ? { size: c.size } : {}),
        ...(c.parcelId !== undefined ? { parcel_id: c.parcelId } : {}),
        ...(c.uncollected !== undefined ? { uncollected: c.uncollected } : {}),
        ...(c.inService !== undefined ? { in_service: c.inService } : {}),
        ...(c.door !== undefined ? { door: c.door } : {}),
        seq: e.seq,
      }),
    )
    .execute();
}

const free: LockerChange = { occupancy: 'free', parcelId: null };

export const lockerProjectors: Projectors = {
  'compartment.reserved': (db, e) => {
    const d = e.data as P<'compartment.reserved'>;
    return change(db, e, d.compartment, { occupancy: 'reserved', size: d.size, parcelId: null });
  },
  'compartment.released': (db, e) => change(db, e, (e.data as P<'compartment.released'>).compartment, free),
  'compartment.freed': (db, e) => change(db, e, (e.data as P<'compartment.freed'>).compartment, free),
  'compartment.out-of-service': (db, e) => change(db, e, (e.data as P<'compartment.out-of-service'>).compartment, { inService: 0 }),
  'compartment.back-in-service': (db, e) => change(db, e, (e.data as P<'compartment.back-in-service'>).compartment, { inService: 1 }),
  'parcel.deposited': (db, e) => {
    const d = e.data as P<'parcel.deposited'>;
    return change(db, e, d.compartment, { occupancy: 'occupied', size: d.size, parcelId: d.parcelId, since: d.depositedAt });
  },
  'order.packed': (db, e) => {
    const d = e.data as P<'order.packed'>;
    return change(db, e, d.compartment, { occupancy: 'occupied', parcelId: d.parcelId, since: d.packedAt });
  },
  // Collected or taken back: empty from now on (the point writes compartment.freed once the door is latched again).
  'parcel.collected': (db, e) => change(db, e, (e.data as P<'parcel.collected'>).compartment, free),
  'parcel.taken-back': (db, e) => change(db, e, (e.data as P<'parcel.taken-back'>).compartment, free),
  'parcel.uncollected': (db, e) => change(db, e, (e.data as P<'parcel.uncollected'>).compartment, { uncollected: 1 }),
  'locker.opened': (db, e) => change(db, e, (e.data as P<'locker.opened'>).compartment, { door: 'open' }),
  'locker.closed': (db, e) => change(db, e, (e.data as P<'locker.closed'>).compartment, { door: 'closed' }),
  'locker.held-open': (db, e) => change(db, e, (e.data as P<'locker.held-open'>).compartment, { door: 'held-open' }),
  'locker.open-unknown': (db, e) => change(db, e, (e.data as P<'locker.open-unknown'>).compartment, { door: 'unknown' }),
};
