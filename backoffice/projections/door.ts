/**
 * `p_door`: the door of each site as its events tell it: open or closed since when, whether the
 * fire input holds it released, whether its controller faulted. The door's alarms are in alarms.ts.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

interface DoorChange {
  state?: 'open' | 'closed';
  fire?: number;
  faulted?: number;
}

/** Applies a partial change; the first event of a site creates the row (state unknown until the contact is reported). */
async function change(db: Db, e: ProjectedEvent, c: DoorChange): Promise<void> {
  const row = { site_id: e.siteId, state: c.state ?? 'unknown', changed_at: e.at, fire: c.fire ?? 0, faulted: c.faulted ?? 0, seq: e.seq };
  await db
    .insertInto('p_door')
    .values(row)
    .onConflict((oc) =>
      oc.column('site_id').doUpdateSet({
        ...(c.state !== undefined ? { state: c.state, changed_at: e.at } : {}),
        ...(c.fire !== undefined ? { fire: c.fire } : {}),
        ...(c.faulted !== undefined ? { faulted: c.faulted } : {}),
        seq: e.seq,
      }),
    )
    .execute();
}

export const doorProjectors: Projectors = {
  'door.opened': (db, e) => change(db, e, { state: 'open' }),
  'door.open-at-boot': (db, e) => change(db, e, { state: 'open' }),
  // A forced door is open (the door machine records only the alarm, no door.opened).
  'alarm.forced-open': (db, e) => change(db, e, { state: 'open' }),
  'door.closed': (db, e) => change(db, e, { state: 'closed' }),
  // Older software recorded its state machine's state name; only the contact part is taken.
  'door.state': (db, e) => {
    const s = (e.data as P<'door.state'>).state.toLowerCase();
    if (s.endsWith('open') || s.startsWith('open')) return change(db, e, { state: 'open' });
    if (s.endsWith('closed') || s === 'locked' || s.endsWith('locked')) return change(db, e, { state: 'closed' });
    return Promise.resolve();
  },
  'alarm.fire': (db, e) => change(db, e, { fire: 1 }),
  'alarm.fire-cleared': (db, e) => change(db, e, { fire: 0 }),
  'door.machine-error': (db, e) => change(db, e, { faulted: (e.data as P<'door.machine-error'>).action === 'faulted' ? 1 : 0 }),
};
