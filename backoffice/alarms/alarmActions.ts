/**
 * What operators do with an alarm in the backoffice: acknowledge it (who, when), comment on it (any
 * number of notes with author and time) and clear it. Stored in operator tables keyed by
 * `(site_id, raise_seq)`, never in the read model, so a projections rebuild keeps them.
 *
 * Clearing is the operator closing the alarm in the backoffice: it also acknowledges an alarm
 * nobody acknowledged. It does not touch the point: while the point still reports the condition
 * (`p_alarms.state` not `cleared`) the alarm stays listed as active, marked as cleared by whom.
 * Acknowledging or clearing twice is refused (409); comments may be added at any time.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { newId } from '../platform.ts';

export const COMMENT_MAX = 1000;

export type AlarmActionCode = 'unknown-alarm' | 'already-acknowledged' | 'already-cleared' | 'empty-comment' | 'comment-too-long';

export class AlarmActionError extends Error {
  readonly status: number;
  constructor(
    readonly code: AlarmActionCode,
    message: string,
  ) {
    super(message);
    this.status = code === 'unknown-alarm' ? 404 : code === 'empty-comment' || code === 'comment-too-long' ? 400 : 409;
  }
}

export interface OperatorUser {
  id: string;
  name: string;
}

export interface AlarmRef {
  siteId: string;
  /** The alarm's id: the seq of the event that raised it. */
  seq: number;
}

export interface OperatorMark {
  by: string;
  byName: string;
  at: number;
}

export interface AlarmComment {
  id: string;
  authorId: string;
  authorName: string;
  text: string;
  at: number;
}

export interface OperatorData {
  acknowledged: OperatorMark | null;
  cleared: OperatorMark | null;
  comments: AlarmComment[];
}

/** The alarm's key when `(siteId, seq)` is an alarm the read model holds (a superseded raise is not). */
async function alarmKey(db: Kysely<DB>, ref: AlarmRef): Promise<string> {
  const row = await db.selectFrom('p_alarms').select('alarm_key').where('site_id', '=', ref.siteId).where('raise_seq', '=', ref.seq).executeTakeFirst();
  if (!row) throw new AlarmActionError('unknown-alarm', `Alarm ${ref.seq} an Standort ${ref.siteId} ist unbekannt`);
  return row.alarm_key;
}

async function ensureRow(db: Kysely<DB>, ref: AlarmRef, key: string): Promise<void> {
  await db
    .insertInto('alarm_actions')
    .values({
      site_id: ref.siteId,
      raise_seq: ref.seq,
      alarm_key: key,
      acked_by: null,
      acked_by_name: null,
      acked_at: null,
      cleared_by: null,
      cleared_by_name: null,
      cleared_at: null,
    })
    .onConflict((oc) => oc.columns(['site_id', 'raise_seq']).doNothing())
    .execute();
}

async function current(db: Kysely<DB>, ref: AlarmRef): Promise<OperatorData> {
  return (await operatorData(db, ref.siteId, [ref.seq])).get(ref.seq) ?? { acknowledged: null, cleared: null, comments: [] };
}

export async function acknowledgeAlarm(db: Kysely<DB>, ref: AlarmRef, who: OperatorUser, now: number): Promise<OperatorData> {
  const key = await alarmKey(db, ref);
  await ensureRow(db, ref, key);
  const r = await db
    .updateTable('alarm_actions')
    .set({ acked_by: who.id, acked_by_name: who.name, acked_at: now })
    .where('site_id', '=', ref.siteId)
    .where('raise_seq', '=', ref.seq)
    .where('acked_at', 'is', null)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    const d = await current(db, ref);
    if (d.cleared) throw new AlarmActionError('already-cleared', `Der Alarm wurde schon von ${d.cleared.byName} geschlossen`);
    throw new AlarmActionError('already-acknowledged', `Der Alarm wurde schon von ${d.acknowledged?.byName ?? '?'} quittiert`);
  }
  return current(db, ref);
}

export async function clearAlarm(db: Kysely<DB>, ref: AlarmRef, who: OperatorUser, now: number): Promise<OperatorData> {
  const key = await alarmKey(db, ref);
  await ensureRow(db, ref, key);
  const r = await db
    .updateTable('alarm_actions')
    .set({
      cleared_by: who.id,
      cleared_by_name: who.name,
      cleared_at: now,
      // Closing implies having taken note: an unacknowledged alarm is acknowledged by the same person.
      acked_by: sql<string>`coalesce(acked_by, ${who.id})`,
      acked_by_name: sql<string>`coalesce(acked_by_name, ${who.name})`,
      acked_at: sql<number>`coalesce(acked_at, ${now})`,
    })
    .where('site_id', '=', ref.siteId)
    .where('raise_seq', '=', ref.seq)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    const d = await current(db, ref);
    throw new AlarmActionError('already-cleared', `Der Alarm wurde schon von ${d.cleared?.byName ?? '?'} geschlossen`);
  }
  return current(db, ref);
}

/** Trims the text; refuses an empty one or one over COMMENT_MAX characters. */
export function commentProblem(text: string): AlarmActionError | null {
  const t = text.trim();
  if (t.length === 0) return new AlarmActionError('empty-comment', 'Der Kommentar ist leer');
  if ([...t].length > COMMENT_MAX) return new AlarmActionError('comment-too-long', `Der Kommentar ist länger als ${COMMENT_MAX} Zeichen`);
  return null;
}

export async function commentAlarm(db: Kysely<DB>, ref: AlarmRef, who: OperatorUser, text: string, now: number): Promise<AlarmComment> {
  const problem = commentProblem(text);
  if (problem) throw problem;
  await alarmKey(db, ref);
  const c = { id: newId(now), site_id: ref.siteId, raise_seq: ref.seq, author_id: who.id, author_name: who.name, text: text.trim(), at: now };
  await db.insertInto('alarm_comments').values(c).execute();
  return { id: c.id, authorId: c.author_id, authorName: c.author_name, text: c.text, at: c.at };
}

/** Operator data of a site's alarms (all of them, or the given ids), by alarm id. */
export async function operatorData(db: Kysely<DB>, siteId: string, seqs?: readonly number[]): Promise<Map<number, OperatorData>> {
  const filter = seqs !== undefined && seqs.length > 0 ? seqs : undefined;
  const [actions, comments] = await Promise.all([
    db
      .selectFrom('alarm_actions')
      .selectAll()
      .where('site_id', '=', siteId)
      .$if(filter !== undefined, (q) => q.where('raise_seq', 'in', filter!))
      .execute(),
    db
      .selectFrom('alarm_comments')
      .selectAll()
      .where('site_id', '=', siteId)
      .$if(filter !== undefined, (q) => q.where('raise_seq', 'in', filter!))
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  const out = new Map<number, OperatorData>();
  const get = (seq: number): OperatorData => {
    let d = out.get(seq);
    if (!d) out.set(seq, (d = { acknowledged: null, cleared: null, comments: [] }));
    return d;
  };
  for (const a of actions) {
    const d = get(Number(a.raise_seq));
    if (a.acked_at !== null) d.acknowledged = { by: a.acked_by ?? '', byName: a.acked_by_name ?? '', at: Number(a.acked_at) };
    if (a.cleared_at !== null) d.cleared = { by: a.cleared_by ?? '', byName: a.cleared_by_name ?? '', at: Number(a.cleared_at) };
  }
  for (const c of comments)
    get(Number(c.raise_seq)).comments.push({ id: c.id, authorId: c.author_id, authorName: c.author_name, text: c.text, at: Number(c.at) });
  return out;
}
