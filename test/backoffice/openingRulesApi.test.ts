/**
 * Opening rules per point and parcels, through the API on SQLite and PostgreSQL: saving rules
 * stores them, sends the typed `opening-rules` change and audits it; the 14-day preview is what
 * the point's engine decides for the rules the point receives; bad rules are refused naming the
 * field and change nothing. Parcels: the list from p_lockers, and taking one back remotely is a
 * `locker.open` command with expiry, refused without TOTP, for the wrong role, or when the point
 * is offline — audited every time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { changeEvents } from '../../controller/downlink/changes.ts';
import { OpeningRulesEngine } from '../../controller/access/openingRules.ts';
import { parseOpeningRules } from '../../controller/access/openingRulesSchema.ts';
import { ZonedTime } from '../../controller/access/berlinTime.ts';
import { defaultRulesNiedersachsen } from '../../controller/contract/openingRules/engine.ts';
import { decode } from '../../controller/contract/sync/index.ts';
import { postgresSkipReason } from '../support/testDb.ts';
import { signIn, type SignedIn } from './authFixture.ts';
import { startHarness, type Harness } from './authHarness.ts';

const pgSkip = await postgresSkipReason('opening rules API tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const variants = [
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
];

interface Day {
  date: string;
  weekday: string;
  holiday: string | null;
  exception: boolean;
  segments: { from: string; to: string; audience: string }[];
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Easter 2027 in Niedersachsen: Karfreitag 26 March, Ostermontag 29 March; clocks go forward on 28 March. */
const RULES = defaultRulesNiedersachsen({
  sundayMembers: { from: '10:00', to: '12:00' },
  exceptions: [{ date: '2027-03-27', windows: [], note: 'Inventur' }],
});
const FROM = Date.UTC(2027, 2, 24, 12, 0); // Wednesday 24 March 2027, 13:00 in Berlin

describe.each(variants)('opening rules and parcels on $name', ({ kind, skip }) => {
  let h: Harness;
  let op: SignedIn;
  const call = (o: InjectOptions, who: SignedIn = op) => h.inject({ ...o, headers: { ...who.headers, ...(o.headers ?? {}) } });
  const snapshot = async (): Promise<string> =>
    JSON.stringify([
      await h.db.db.selectFrom('site_opening_rules').selectAll().execute(),
      await h.db.db.selectFrom('changes').selectAll().orderBy('id').execute(),
      await h.db.db.selectFrom('commands').selectAll().orderBy('id').execute(),
    ]);
  const audits = (action: string) => h.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    if (skip) return;
    for (const t of ['changes', 'commands', 'site_opening_rules', 'p_lockers', 'sites', 'audit_log'] as const) await h.db.db.deleteFrom(t).execute();
    await h.db.db
      .insertInto('sites')
      .values({
        site_id: 'dorf-a',
        created_at: h.clock.now(),
        ...{ status: 'online', session: 3, up_to: 0, events_stored: 0, change_version: 0, applied_version: 0, events_session: 0, epoch: 0 },
        ...{ last_batch_at: null, last_seen_at: null, status_at: null, backlog_pending: null, backlog_last_seq: null, software: null },
        ...{ diverged_at: null, diverged_reason: null },
      })
      .execute();
    h.published.length = 0;
    h.sentNow.length = 0;
    op = await signIn(h.db.db, 'operator', h.clock.now());
  });

  it.skipIf(skip)('shows the point’s default rules until some are saved', async () => {
    const res = await call({ method: 'GET', url: '/api/sites/dorf-a/opening-rules' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ siteId: 'dorf-a', rules: defaultRulesNiedersachsen(), saved: null });
    expect((await call({ method: 'GET', url: '/api/sites/nirgendwo/opening-rules' })).statusCode).toBe(404);
  });

  it.skipIf(skip)('saves rules, sends them to that point as an opening-rules change and audits who did it', async () => {
    const res = await call({ method: 'PUT', url: '/api/sites/dorf-a/opening-rules', payload: RULES });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ siteId: 'dorf-a', rules: RULES, saved: { by: op.user.username, version: 1, applied: false } });
    const changes = await h.db.db.selectFrom('changes').selectAll().where('site_id', '=', 'dorf-a').execute();
    expect(changes.map((c) => [c.kind, JSON.parse(c.body)])).toEqual([['opening-rules', RULES]]);
    expect(h.published.map((p) => p.topic)).toEqual(['dorfpunkt/v1/dorf-a/down/changes']);
    const [entry] = await audits('site.opening-rules.update');
    expect([entry?.outcome, entry?.site_id, entry?.user_id]).toEqual(['ok', 'dorf-a', op.user.id]);
    // Read back; the point confirming version 1 shows as applied.
    await h.db.db.updateTable('sites').set({ applied_version: 1 }).where('site_id', '=', 'dorf-a').execute();
    const again = await call({ method: 'GET', url: '/api/sites/dorf-a/opening-rules' });
    expect(again.json()).toMatchObject({ rules: RULES, saved: { version: 1, applied: true } });
  });

  it.skipIf(skip)('previews 14 days exactly as the point’s engine decides them for the rules it receives', async () => {
    expect((await call({ method: 'PUT', url: '/api/sites/dorf-a/opening-rules', payload: RULES })).statusCode).toBe(200);
    const res = await call({ method: 'GET', url: `/api/sites/dorf-a/opening-rules/preview?from=${FROM}` });
    expect(res.statusCode, res.body).toBe(200);
    const days = (res.json() as { days: Day[] }).days;
    expect(days).toHaveLength(14);
    expect(days[0]!.date).toBe('2027-03-24');
    const byDate = new Map(days.map((d) => [d.date, d]));
    // What an operator reads: Karfreitag like a Sunday (members 10-12), the stock-taking Saturday closed, an ordinary Monday after Easter Monday.
    expect(byDate.get('2027-03-26')).toMatchObject({
      holiday: 'Karfreitag',
      segments: [
        { to: '10:00', audience: 'closed' },
        { from: '10:00', to: '12:00', audience: 'members' },
        { from: '12:00', audience: 'closed' },
      ],
    });
    expect(byDate.get('2027-03-27')).toMatchObject({ exception: true, segments: [{ from: '00:00', to: '24:00', audience: 'closed' }] });
    expect(byDate.get('2027-03-29')).toMatchObject({ holiday: 'Ostermontag' });
    expect(byDate.get('2027-03-30')!.segments).toEqual([
      { from: '00:00', to: '06:00', audience: 'closed' },
      { from: '06:00', to: '22:00', audience: 'everyone' },
      { from: '22:00', to: '24:00', audience: 'closed' },
    ]);

    // The point's side: the stored change through the point's change mapper, into the point's engine.
    const change = await h.db.db.selectFrom('changes').select('body').where('site_id', '=', 'dorf-a').executeTakeFirstOrThrow();
    const body = JSON.parse(change.body) as unknown;
    const [set] = changeEvents['opening-rules']!(body, { v: 1, version: 1, kind: 'opening-rules', body });
    const pointEngine = new OpeningRulesEngine(parseOpeningRules((set!.data as { rules: unknown }).rules));
    const zoned = new ZonedTime('Europe/Berlin');
    let checked = 0;
    for (let t = FROM; ; t += 7 * 60_000) {
      const local = zoned.local(t);
      const day = byDate.get(local.date);
      if (!day) break;
      const seg = day.segments.find((s) => minutes(s.from) <= local.minuteOfDay && local.minuteOfDay < minutes(s.to));
      expect(seg?.audience, `${local.date} ${local.minuteOfDay}`).toBe(pointEngine.evaluate(t).audience);
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it.skipIf(skip)('refuses rules the point would refuse, naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const bad: [unknown, RegExp][] = [
      [{ ...RULES, weekly: { ...RULES.weekly, mon: [{ from: '18:00', to: '08:00', audience: 'everyone' }] } }, /weekly\/mon\/0\/to.*must be after from/],
      [{ ...RULES, weekly: { ...RULES.weekly, sun: [{ from: '08:00', to: '20:00', audience: 'members' }] } }, /sundayCapMinutes 180/],
      [{ ...RULES, exceptions: [{ date: '2027-02-30', windows: [] }] }, /2027-02-30 is not a calendar date/],
      [{ ...RULES, state: 'XX' }, /state/],
      [{ ...RULES, weekly: { ...RULES.weekly, tue: [{ from: '25:00', to: '26:00', audience: 'everyone' }] } }, /weekly\/tue\/0\/from/],
    ];
    for (const [payload, message] of bad) {
      const res = await call({ method: 'PUT', url: '/api/sites/dorf-a/opening-rules', payload: payload as object });
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json() as { message: string }).message).toMatch(message);
    }
    expect((await call({ method: 'PUT', url: '/api/sites/nirgendwo/opening-rules', payload: RULES })).statusCode).toBe(404);
    expect((await call({ method: 'GET', url: '/api/sites/dorf-a/opening-rules/preview?days=40' })).statusCode).toBe(400);
    expect(await snapshot()).toBe(before);
    expect(h.published).toEqual([]);
  });

  describe('parcels', () => {
    const seedParcel = (compartment: string, parcelId: string, uncollected: 0 | 1) =>
      h.db.db
        .insertInto('p_lockers')
        .values({
          site_id: 'dorf-a',
          compartment,
          occupancy: 'occupied',
          size: 'M',
          parcel_id: parcelId,
          since: 1_000,
          uncollected,
          in_service: 1,
          door: 'closed',
          seq: 1,
        })
        .execute();

    it.skipIf(skip)('lists the parcels in the point’s compartments with the uncollected ones flagged', async () => {
      await seedParcel('A2', 'DHL-2', 0);
      await seedParcel('A1', 'DHL-1', 1);
      await h.db.db
        .insertInto('p_lockers')
        .values({
          site_id: 'dorf-a',
          compartment: 'B1',
          occupancy: 'free',
          size: 'L',
          parcel_id: null,
          since: 1,
          uncollected: 0,
          in_service: 1,
          door: 'closed',
          seq: 2,
        })
        .execute();
      const res = await call({ method: 'GET', url: '/api/sites/dorf-a/parcels' });
      expect(res.statusCode, res.body).toBe(200);
      expect(
        (res.json() as { parcels: { compartment: string; parcelId: string; uncollected: boolean }[] }).parcels.map((p) => [
          p.compartment,
          p.parcelId,
          p.uncollected,
        ]),
      ).toEqual([
        ['A1', 'DHL-1', true],
        ['A2', 'DHL-2', false],
      ]);
    });

    it.skipIf(skip)('takes a parcel back with a locker.open command that expires in a minute, audited before and after', async () => {
      await seedParcel('A1', 'DHL-1', 1);
      const res = await call({ method: 'POST', url: '/api/sites/dorf-a/lockers/A1/open', payload: { reason: 'nicht abgeholt, zurück an DHL' } });
      expect(res.statusCode, res.body).toBe(200);
      const answer = res.json() as { commandId: string; expiresAt: number };
      expect(answer.expiresAt).toBe(h.clock.now() + 60_000);
      expect(h.sentNow).toHaveLength(1);
      const decoded = decode('commands', h.sentNow[0]!.payload) as { ok: true; value: { kind: string; body: unknown; session: number; expiresAt: number } };
      const msg = decoded.value;
      expect(msg).toMatchObject({ kind: 'locker.open', session: 3, expiresAt: answer.expiresAt });
      expect(msg.body).toEqual({ compartment: 'A1', operator: op.user.username, reason: 'nicht abgeholt, zurück an DHL', takeBack: true });
      expect((await audits('locker.open.requested')).map((a) => a.outcome)).toEqual(['ok']);
      const [done] = await audits('locker.open');
      expect([done?.outcome, done?.site_id, done?.target]).toEqual(['ok', 'dorf-a', 'A1']);
    });

    it.skipIf(skip)('refuses without TOTP in the session, for an accountant, for an offline point and an empty compartment — nothing sent', async () => {
      await seedParcel('A1', 'DHL-1', 1);
      const open = (who: SignedIn, compartment = 'A1') =>
        call({ method: 'POST', url: `/api/sites/dorf-a/lockers/${compartment}/open`, payload: { reason: 'zurück' } }, who);
      const noTotp = await signIn(h.db.db, 'operator', h.clock.now(), { totpVerified: false });
      const res1 = await open(noTotp);
      expect(res1.statusCode).toBe(403);
      const accountant = await signIn(h.db.db, 'accountant', h.clock.now());
      expect((await open(accountant)).statusCode).toBe(403);
      const empty = await open(op, 'C9');
      expect([empty.statusCode, (empty.json() as { error: string }).error]).toEqual([404, 'no-parcel']);
      const blank = await call({ method: 'POST', url: '/api/sites/dorf-a/lockers/A1/open', payload: { reason: '   ' } });
      expect(blank.statusCode).toBe(400);
      await h.db.db.updateTable('sites').set({ status: 'offline' }).where('site_id', '=', 'dorf-a').execute();
      const offline = await open(op);
      expect([offline.statusCode, (offline.json() as { error: string }).error]).toEqual([409, 'site-not-online']);
      expect(h.sentNow).toEqual([]);
      expect(await h.db.db.selectFrom('commands').selectAll().execute()).toEqual([]);
      expect((await audits('locker.open')).map((a) => a.outcome)).toEqual(['failed']);
    });
  });
});
