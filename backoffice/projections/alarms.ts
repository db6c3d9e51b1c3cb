/**
 * `p_alarms`: one row per site and alarm key with its latest raise and what happened since (open →
 * acked → cleared). From the one alarm model (`alarm.raised/acknowledged/cleared` v2) and the door
 * machine's own events (`alarm.held-open/forced-open/fire`, `alarm.cleared` v1, `alarm.fire-cleared`),
 * which are keyed `door:held-open`, `door:forced-open`, `door:fire`.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

export interface Raise {
  key: string;
  source: string;
  kind: string;
  severity: string;
  reason: string;
  since: number;
}

/** Legacy door alarm keys (the door machine writes no key). */
export const DOOR_ALARM_KEY = { 'held-open': 'door:held-open', 'forced-open': 'door:forced-open', fire: 'door:fire' } as const;

async function raise(db: Db, e: ProjectedEvent, r: Raise): Promise<void> {
  const row = {
    site_id: e.siteId,
    alarm_key: r.key,
    source: r.source,
    kind: r.kind,
    severity: r.severity,
    reason: r.reason,
    state: 'open',
    since: r.since,
    raised_at: e.at,
    acked_by: null,
    acked_at: null,
    cleared_at: null,
    cleared_reason: null,
    seq: e.seq,
    raise_seq: e.seq,
  };
  const { site_id: _s, alarm_key: _k, ...update } = row;
  await db
    .insertInto('p_alarms')
    .values(row)
    .onConflict((oc) => oc.columns(['site_id', 'alarm_key']).doUpdateSet(update))
    .execute();
}

/** Clears an open (or acked) alarm; a clear of an unknown or already cleared key changes nothing. */
async function clear(db: Db, e: ProjectedEvent, key: string, reason: string): Promise<void> {
  await db
    .updateTable('p_alarms')
    .set({ state: 'cleared', cleared_at: e.at, cleared_reason: reason, seq: e.seq })
    .where('site_id', '=', e.siteId)
    .where('alarm_key', '=', key)
    .where('state', '!=', 'cleared')
    .execute();
}

/** The event types that raise an alarm (the notifier mails these). */
export const ALARM_RAISE_TYPES = ['alarm.raised', 'alarm.held-open', 'alarm.forced-open', 'alarm.fire'] as const;

/** What a raising event says about its alarm; undefined for any other event. */
export function alarmRaiseOf(e: Pick<ProjectedEvent, 'type' | 'data' | 'at'>): Raise | undefined {
  switch (e.type) {
    case 'alarm.raised': {
      const d = e.data as P<'alarm.raised'>;
      return { key: d.key, source: d.source, kind: d.kind, severity: d.severity, reason: d.reason, since: d.since };
    }
    case 'alarm.held-open': {
      const d = e.data as P<'alarm.held-open'>;
      const s = Math.round(d.openForMs / 1000);
      return {
        key: DOOR_ALARM_KEY['held-open'],
        source: 'door',
        kind: 'held-open',
        severity: 'critical',
        reason: `door held open for more than ${s} s`,
        since: Math.max(0, e.at - d.openForMs),
      };
    }
    case 'alarm.forced-open':
      return {
        key: DOOR_ALARM_KEY['forced-open'],
        source: 'door',
        kind: 'forced-open',
        severity: 'critical',
        reason: 'door opened without a grant',
        since: e.at,
      };
    case 'alarm.fire':
      return { key: DOOR_ALARM_KEY.fire, source: 'door', kind: 'fire', severity: 'critical', reason: 'fire input active: doors released', since: e.at };
    default:
      return undefined;
  }
}

type ClearedV1 = { alarm: 'held-open' | 'forced-open'; cause: 'closed' | 'fire' };
type ClearedV2 = P<'alarm.cleared'>;

export const alarmProjectors: Projectors = {
  'alarm.raised': (db, e) => raise(db, e, alarmRaiseOf(e)!),
  'alarm.acknowledged': async (db, e) => {
    const d = e.data as P<'alarm.acknowledged'>;
    await db
      .updateTable('p_alarms')
      .set({ state: 'acked', acked_by: d.by, acked_at: e.at, seq: e.seq })
      .where('site_id', '=', e.siteId)
      .where('alarm_key', '=', d.key)
      .where('state', '=', 'open')
      .execute();
  },
  'alarm.cleared': (db, e) => {
    const d = e.data as ClearedV1 | ClearedV2;
    if ('key' in d) return clear(db, e, d.key, d.reason);
    return clear(db, e, DOOR_ALARM_KEY[d.alarm], d.cause === 'fire' ? 'fire input active' : 'door closed');
  },
  'alarm.held-open': (db, e) => raise(db, e, alarmRaiseOf(e)!),
  'alarm.forced-open': (db, e) => raise(db, e, alarmRaiseOf(e)!),
  'alarm.fire': (db, e) => raise(db, e, alarmRaiseOf(e)!),
  'alarm.fire-cleared': (db, e) => clear(db, e, DOOR_ALARM_KEY.fire, 'fire input inactive'),
};
