/** Queries over the read models for the API: the fleet overview and one site's alarms. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AlarmViewBody, FleetSiteBody } from '../http/schemas/fleet.ts';
import { operatorData } from '../alarms/alarmActions.ts';

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, warning: 1, info: 2 };
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export async function fleet(db: Kysely<DB>): Promise<FleetSiteBody[]> {
  const [sites, alarms, doors, fridges, lockers, equipment] = await Promise.all([
    db.selectFrom('sites').selectAll().orderBy('site_id').execute(),
    db
      .selectFrom('p_alarms as a')
      .leftJoin('alarm_actions as o', (j) => j.onRef('o.site_id', '=', 'a.site_id').onRef('o.raise_seq', '=', 'a.raise_seq'))
      .select((eb) => [
        'a.site_id',
        'a.severity',
        'a.state',
        eb.case().when('o.acked_at', 'is not', null).then(1).else(0).end().as('operator_acked'),
        eb.fn.countAll<number | string>().as('n'),
      ])
      .where('a.state', '!=', 'cleared')
      .groupBy(['a.site_id', 'a.severity', 'a.state', 'operator_acked'])
      .execute(),
    db.selectFrom('p_door').selectAll().execute(),
    db.selectFrom('p_fridges').selectAll().orderBy('site_id').orderBy('fridge_id').execute(),
    db
      .selectFrom('p_lockers')
      .select((eb) => ['site_id', 'configured', 'occupancy', 'in_service', 'uncollected', eb.fn.countAll<number | string>().as('n')])
      .groupBy(['site_id', 'configured', 'occupancy', 'in_service', 'uncollected'])
      .execute(),
    db.selectFrom('p_equipment').select(['site_id', 'kind']).execute(),
  ]);
  // A site that reported its equipment shows exactly that (compartments and fridges no longer configured are left out).
  const reported = new Set(equipment.map((q) => `${q.site_id}\u0000${q.kind}`));
  const hasReported = (siteId: string, kind: 'lockers' | 'fridges'): boolean => reported.has(`${siteId}\u0000${kind}`);
  const out = new Map<string, FleetSiteBody>();
  for (const r of sites) {
    const backlog = r.backlog_pending === null ? null : Number(r.backlog_pending);
    out.set(r.site_id, {
      siteId: r.site_id,
      name: r.name ?? null,
      presence: { status: r.status, lastSeenAt: num(r.last_seen_at) },
      diverged: r.diverged_at !== null,
      alarms: { critical: 0, warning: 0, info: 0, unacknowledged: 0 },
      door: null,
      fridgesReported: hasReported(r.site_id, 'fridges'),
      fridges: [],
      lockers: { reported: hasReported(r.site_id, 'lockers'), compartments: 0, free: 0, reserved: 0, occupied: 0, outOfService: 0, uncollected: 0 },
      sync: {
        upTo: Number(r.up_to),
        lastBatchAt: num(r.last_batch_at),
        pending: backlog,
        missing: r.backlog_last_seq === null ? null : Math.max(0, Number(r.backlog_last_seq) - Number(r.up_to)),
      },
    });
  }
  for (const a of alarms) {
    const s = out.get(a.site_id);
    if (!s) continue;
    const n = Number(a.n);
    if (a.severity === 'critical' || a.severity === 'warning' || a.severity === 'info') s.alarms[a.severity] += n;
    if (a.state === 'open' && Number(a.operator_acked) === 0) s.alarms.unacknowledged += n;
  }
  for (const d of doors) {
    const s = out.get(d.site_id);
    if (!s) continue;
    s.door = {
      state: d.state === 'open' || d.state === 'closed' ? d.state : 'unknown',
      changedAt: Number(d.changed_at),
      fire: Number(d.fire) === 1,
      faulted: Number(d.faulted) === 1,
    };
  }
  for (const f of fridges) {
    const s = out.get(f.site_id);
    if (!s || (s.fridgesReported && Number(f.configured) !== 1)) continue;
    s.fridges.push({
      fridgeId: f.fridge_id,
      name: f.name,
      productGroup: f.product_group,
      tenths: num(f.tenths),
      readAt: num(f.read_at),
      limitTenths: num(f.limit_tenths),
      above: Number(f.above) === 1,
      blocked: Number(f.blocked) === 1,
      blockedSince: num(f.blocked_since),
    });
  }
  for (const l of lockers) {
    const s = out.get(l.site_id);
    if (!s || (s.lockers.reported && Number(l.configured) !== 1)) continue;
    const n = Number(l.n);
    s.lockers.compartments += n;
    if (l.occupancy === 'free' || l.occupancy === 'reserved' || l.occupancy === 'occupied') s.lockers[l.occupancy] += n;
    if (Number(l.in_service) === 0) s.lockers.outOfService += n;
    if (Number(l.uncollected) === 1) s.lockers.uncollected += n;
  }
  return [...out.values()];
}

/** A site's alarms, or null when the site is unknown. */
export async function siteAlarms(db: Kysely<DB>, siteId: string): Promise<AlarmViewBody[] | null> {
  const site = await db.selectFrom('sites').select('site_id').where('site_id', '=', siteId).executeTakeFirst();
  if (!site) return null;
  const rows = await db.selectFrom('p_alarms').selectAll().where('site_id', '=', siteId).execute();
  const ops = await operatorData(db, siteId);
  const views: AlarmViewBody[] = rows.map((r) => ({
    id: Number(r.raise_seq ?? r.seq),
    key: r.alarm_key,
    source: r.source,
    kind: r.kind,
    severity: r.severity as AlarmViewBody['severity'],
    reason: r.reason,
    state: r.state as AlarmViewBody['state'],
    since: Number(r.since),
    raisedAt: Number(r.raised_at),
    acked: r.acked_by === null || r.acked_at === null ? null : { by: r.acked_by, at: Number(r.acked_at) },
    cleared: r.cleared_at === null ? null : { at: Number(r.cleared_at), reason: r.cleared_reason ?? '' },
    active: r.state !== 'cleared',
    operator: ops.get(Number(r.raise_seq ?? r.seq)) ?? { acknowledged: null, cleared: null, comments: [] },
  }));
  const closed = (a: AlarmViewBody): boolean => !a.active && a.operator.cleared !== null;
  const rank = (a: AlarmViewBody): number => (closed(a) ? 10 : 0) + (SEVERITY_RANK[a.severity] ?? 3);
  const time = (a: AlarmViewBody): number => Math.max(a.cleared?.at ?? a.raisedAt, a.operator.cleared?.at ?? 0);
  return views.sort((a, b) => rank(a) - rank(b) || time(b) - time(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
