/**
 * `p_equipment`: per site and kind ('lockers' from `locker.configured`, 'fridges' from
 * `fridge.configured`) that the point reported that equipment, how many it has and when (the
 * point's time), so the fleet tells "12 compartments" from "the compartments seen so far".
 */
import type { Db, ProjectedEvent } from './types.ts';

export type EquipmentKind = 'lockers' | 'fridges';

export async function equipmentReported(db: Db, e: ProjectedEvent, kind: EquipmentKind, count: number): Promise<void> {
  await db
    .insertInto('p_equipment')
    .values({ site_id: e.siteId, kind, count, at: e.at, seq: e.seq })
    .onConflict((oc) => oc.columns(['site_id', 'kind']).doUpdateSet({ count, at: e.at, seq: e.seq }))
    .execute();
}
