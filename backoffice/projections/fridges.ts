/**
 * `p_fridges`: per site and fridge the last reading (tenths of °C, when), whether it is above its
 * limit, and whether its cold chain is blocked (from `fridge.blocked` until a corrective action
 * that lifted it); from the point's reported configuration (`fridge.configured`) its name,
 * product group and limit, and whether it is configured. `p_equipment` (kind 'fridges') says
 * that, and when, the point reported it.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import { equipmentReported } from './equipment.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

interface FridgeChange {
  tenths?: number;
  readAt?: number;
  above?: number;
  limitTenths?: number;
  blocked?: number;
  blockedSince?: number | null;
}

async function change(db: Db, e: ProjectedEvent, fridgeId: string, c: FridgeChange): Promise<void> {
  const row = {
    site_id: e.siteId,
    fridge_id: fridgeId,
    tenths: c.tenths ?? null,
    read_at: c.readAt ?? null,
    above: c.above ?? 0,
    limit_tenths: c.limitTenths ?? null,
    blocked: c.blocked ?? 0,
    blocked_since: c.blockedSince ?? null,
    seq: e.seq,
    configured: 0,
    name: null,
    product_group: null,
  };
  await db
    .insertInto('p_fridges')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['site_id', 'fridge_id']).doUpdateSet({
        ...(c.tenths !== undefined ? { tenths: c.tenths, read_at: c.readAt ?? null } : {}),
        ...(c.above !== undefined ? { above: c.above } : {}),
        ...(c.limitTenths !== undefined ? { limit_tenths: c.limitTenths } : {}),
        ...(c.blocked !== undefined ? { blocked: c.blocked, blocked_since: c.blockedSince ?? null } : {}),
        seq: e.seq,
      }),
    )
    .execute();
}

/** The point's fridges: each one listed is configured with its name, group and limit; every other is not. */
async function configured(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'fridge.configured'>;
  for (const f of d.fridges) {
    const set = { name: f.name, product_group: f.productGroup, limit_tenths: f.limitTenths, configured: 1, seq: e.seq };
    await db
      .insertInto('p_fridges')
      .values({ site_id: e.siteId, fridge_id: f.fridgeId, tenths: null, read_at: null, above: 0, blocked: 0, blocked_since: null, ...set })
      .onConflict((oc) => oc.columns(['site_id', 'fridge_id']).doUpdateSet(set))
      .execute();
  }
  const listed = d.fridges.map((f) => f.fridgeId);
  await db
    .updateTable('p_fridges')
    .set({ configured: 0, seq: e.seq })
    .where('site_id', '=', e.siteId)
    .where('configured', '=', 1)
    .$if(listed.length > 0, (q) => q.where('fridge_id', 'not in', listed))
    .execute();
  await equipmentReported(db, e, 'fridges', d.fridges.length);
}

export const fridgeProjectors: Projectors = {
  'fridge.configured': configured,
  'fridge.readings': (db, e) => {
    const d = e.data as P<'fridge.readings'>;
    const last = Math.min(d.offsetsMs.length, d.tenths.length) - 1;
    return change(db, e, d.fridgeId, { tenths: d.tenths[last]!, readAt: d.firstAt + d.offsetsMs[last]! });
  },
  'fridge.crossed': (db, e) => {
    const d = e.data as P<'fridge.crossed'>;
    return change(db, e, d.fridgeId, { above: d.direction === 'above' ? 1 : 0, limitTenths: d.limitTenths });
  },
  'fridge.blocked': (db, e) => {
    const d = e.data as P<'fridge.blocked'>;
    return change(db, e, d.fridgeId, { blocked: 1, blockedSince: d.since, limitTenths: d.limitTenths });
  },
  'fridge.corrective-action': (db, e) => {
    const d = e.data as P<'fridge.corrective-action'>;
    return d.lifted ? change(db, e, d.fridgeId, { blocked: 0, blockedSince: null }) : change(db, e, d.fridgeId, {});
  },
};
