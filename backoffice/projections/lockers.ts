/**
 * `p_lockers`: per site and compartment its occupancy (free / reserved / occupied, with the parcel
 * and since when), whether the parcel is flagged uncollected, whether the compartment is in
 * service, its door as the lock board last reported it, and whether it is in the point's reported
 * configuration (`locker.configured`: every compartment of the point, free until an event says
 * otherwise). `p_equipment` (kind 'lockers') says that, and when, the point reported it.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import { equipmentReported } from './equipment.ts';
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
    configured: 0,
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

/** The point's compartments: each one listed is configured (a new one free, its size as declared); every other is not. */
async function configured(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'locker.configured'>;
  for (const c of d.compartments) {
    await db
      .insertInto('p_lockers')
      .values({
        site_id: e.siteId,
        compartment: c.compartment,
        occupancy: 'free',
        size: c.size,
        parcel_id: null,
        since: e.at,
        uncollected: 0,
        in_service: 1,
        door: 'unknown',
        seq: e.seq,
        configured: 1,
      })
      .onConflict((oc) => oc.columns(['site_id', 'compartment']).doUpdateSet({ size: c.size, configured: 1, seq: e.seq }))
      .execute();
  }
  const listed = d.compartments.map((c) => c.compartment);
  await db
    .updateTable('p_lockers')
    .set({ configured: 0, seq: e.seq })
    .where('site_id', '=', e.siteId)
    .where('configured', '=', 1)
    .$if(listed.length > 0, (q) => q.where('compartment', 'not in', listed))
    .execute();
  await equipmentReported(db, e, 'lockers', d.compartments.length);
}

const free: LockerChange = { occupancy: 'free', parcelId: null };

export const lockerProjectors: Projectors = {
  'locker.configured': configured,
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
