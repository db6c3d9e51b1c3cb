/**
 * Operators' work on alarms, on SQLite and PostgreSQL: acknowledge (who, when), several comments
 * with author and time, clear; clear 4xx answers for an unknown alarm, an empty or too long
 * comment, acknowledging or clearing twice — and those change nothing; every write audited; the
 * operator data survives a projections rebuild; a cleared alarm whose condition is still reported
 * stays listed as active; a new raise of the same condition is a new, open alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { rebuildProjections } from '../../backoffice/projections/projections.ts';
import type { SiteAlarmsBody } from '../../backoffice/http/schemas/fleet.ts';
import { postgresSkipReason } from '../support/testDb.ts';
import { signIn, type SignedIn } from './authFixture.ts';
import { startHarness, type Harness } from './authHarness.ts';
import { batchOf, ev } from './projectionSupport.ts';

const pgSkip = await postgresSkipReason('alarm action tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const variants = [
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
];

describe.each(variants)('alarm actions on $name', ({ kind, skip }) => {
  let h: Harness;
  let anna: SignedIn;
  let tom: SignedIn;
  let session = 0;
  const T = (s: number): number => Date.UTC(2027, 2, 1, 8, 0, s);

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(kind);
    anna = await signIn(h.db.db, 'operator', h.clock.now(), { username: 'anna' });
    tom = await signIn(h.db.db, 'technician', h.clock.now(), { username: 'tom' });
    await h.db.db.updateTable('users').set({ display_name: 'Anna Weber' }).where('id', '=', anna.user.id).execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (who: SignedIn, o: InjectOptions) => h.inject({ ...o, headers: { ...who.headers, ...(o.headers ?? {}) } });
  const list = async (siteId: string): Promise<SiteAlarmsBody['alarms']> => {
    const r = await call(anna, { method: 'GET', url: `/api/sites/${siteId}/alarms` });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as SiteAlarmsBody).alarms;
  };
  const post = (who: SignedIn, siteId: string, id: number, action: string, payload?: unknown) =>
    call(who, { method: 'POST', url: `/api/sites/${siteId}/alarms/${id}/${action}`, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const operatorTables = async (): Promise<string> =>
    JSON.stringify([
      await h.db.db.selectFrom('alarm_actions').selectAll().orderBy('site_id').orderBy('raise_seq').execute(),
      await h.db.db.selectFrom('alarm_comments').selectAll().orderBy('id').execute(),
    ]);
  const audits = (action: string, outcome: string) =>
    h.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('outcome', '=', outcome).orderBy('id').execute();

  /** site with a critical fridge alarm (seq 1) and a warning (seq 2); returns the site id. */
  const seedSite = async (): Promise<string> => {
    const siteId = `dorf-${kind}-${++session}`;
    await ingestBatch(
      h.db.db,
      batchOf(siteId, [
        ev(1, T(1), 'alarm.raised', {
          key: 'fridge:k1:temperature',
          source: 'fridge',
          kind: 'temperature',
          severity: 'critical',
          reason: 'Kühl 1: 9.0 °C',
          since: T(0),
        }),
        ev(2, T(2), 'alarm.raised', {
          key: 'access:pin:brute-force',
          source: 'access',
          kind: 'brute-force',
          severity: 'warning',
          reason: 'many wrong PINs',
          since: T(2),
        }),
      ]),
      T(3),
    );
    return siteId;
  };

  it.skipIf(skip)('acknowledges, comments twice and clears an alarm; the list shows who did what and when; each write is audited', async () => {
    const site = await seedSite();
    const before = await list(site);
    expect(before.map((a) => [a.id, a.key, a.active, a.operator])).toEqual([
      [1, 'fridge:k1:temperature', true, { acknowledged: null, cleared: null, comments: [] }],
      [2, 'access:pin:brute-force', true, { acknowledged: null, cleared: null, comments: [] }],
    ]);

    h.clock.setWall(T(10));
    const ack = await post(tom, site, 1, 'acknowledge');
    expect(ack.statusCode, ack.body).toBe(200);
    expect((ack.json() as { operator: { acknowledged: unknown } }).operator.acknowledged).toEqual({ by: tom.user.id, byName: 'Test technician', at: T(10) });

    h.clock.setWall(T(20));
    expect((await post(anna, site, 1, 'comments', { text: '  Techniker informiert  ' })).statusCode).toBe(200);
    h.clock.setWall(T(30));
    expect((await post(tom, site, 1, 'comments', { text: 'Tür des Kühlschranks stand offen, geschlossen.' })).statusCode).toBe(200);
    h.clock.setWall(T(40));
    const cleared = await post(anna, site, 1, 'clear');
    expect(cleared.statusCode, cleared.body).toBe(200);

    const a = (await list(site)).find((x) => x.id === 1)!;
    expect(a.operator.acknowledged).toEqual({ by: tom.user.id, byName: 'Test technician', at: T(10) });
    expect(a.operator.cleared).toEqual({ by: anna.user.id, byName: 'Anna Weber', at: T(40) });
    expect(a.operator.comments.map((c) => [c.authorName, c.text, c.at])).toEqual([
      ['Anna Weber', 'Techniker informiert', T(20)],
      ['Test technician', 'Tür des Kühlschranks stand offen, geschlossen.', T(30)],
    ]);

    const okAudits = [...(await audits('alarm.acknowledge', 'ok')), ...(await audits('alarm.comment', 'ok')), ...(await audits('alarm.clear', 'ok'))].filter(
      (r) => r.site_id === site,
    );
    expect(okAudits.map((r) => [r.action, r.username, r.target, Number(r.at)])).toEqual([
      ['alarm.acknowledge', 'tom', '1', T(10)],
      ['alarm.comment', 'anna', '1', T(20)],
      ['alarm.comment', 'tom', '1', T(30)],
      ['alarm.clear', 'anna', '1', T(40)],
    ]);
  });

  it.skipIf(skip)('refuses bad input with a clear code and changes nothing: unknown alarm, empty or too long comment, twice, after clearing', async () => {
    const site = await seedSite();
    expect((await post(anna, site, 2, 'acknowledge')).statusCode).toBe(200);
    expect((await post(anna, site, 1, 'clear')).statusCode).toBe(200);
    const before = await operatorTables();
    const cases: [string, number, string, unknown, number, string][] = [
      ['unknown alarm', 99, 'acknowledge', undefined, 404, 'unknown-alarm'],
      ['unknown alarm (comment)', 99, 'comments', { text: 'hallo' }, 404, 'unknown-alarm'],
      ['unknown site', 1, 'clear', undefined, 404, 'unknown-alarm'],
      ['empty comment', 2, 'comments', { text: '   ' }, 400, 'empty-comment'],
      ['too long comment', 2, 'comments', { text: 'x'.repeat(1001) }, 400, 'comment-too-long'],
      ['no comment text', 2, 'comments', {}, 400, 'bad-request'],
      ['acknowledged twice', 2, 'acknowledge', undefined, 409, 'already-acknowledged'],
      ['cleared twice', 1, 'clear', undefined, 409, 'already-cleared'],
      ['acknowledged after clearing', 1, 'acknowledge', undefined, 409, 'already-cleared'],
    ];
    for (const [what, id, action, payload, status, code] of cases) {
      const r = await post(anna, what === 'unknown site' ? 'dorf-nowhere' : site, id, action, payload);
      expect([what, r.statusCode, (r.json() as { error: string }).error], r.body).toEqual([what, status, code]);
      expect((r.json() as { message: string }).message.length).toBeGreaterThan(3);
    }
    const bad = await call(anna, { method: 'POST', url: `/api/sites/${site}/alarms/abc/acknowledge` });
    expect(bad.statusCode).toBe(400);
    expect(await operatorTables()).toBe(before);
    const failed = (await audits('alarm.clear', 'failed')).filter((r) => r.site_id === site);
    expect(failed.map((r) => JSON.parse(r.detail) as { reason: string }).map((d) => d.reason)).toEqual(['already-cleared']);
    // a 1000-character comment is fine
    expect((await post(anna, site, 2, 'comments', { text: 'ü'.repeat(1000) })).statusCode).toBe(200);
  });

  it.skipIf(skip)('keeps acknowledgements, comments and clearing across a projections rebuild', async () => {
    const site = await seedSite();
    await post(anna, site, 1, 'acknowledge');
    await post(anna, site, 1, 'comments', { text: 'bleibt' });
    await post(tom, site, 2, 'comments', { text: 'auch das' });
    await post(anna, site, 2, 'clear');
    const before = await list(site);
    const r = await rebuildProjections(h.db.db);
    expect(r.replayed).toBeGreaterThan(0);
    expect(await list(site)).toEqual(before);
    expect(before.find((a) => a.id === 2)!.operator.cleared?.byName).toBe('Anna Weber');
  });

  it.skipIf(skip)('keeps a cleared alarm listed as active while the point reports the condition; it closes once the point clears it', async () => {
    const site = await seedSite();
    await post(anna, site, 2, 'clear');
    let alarms = await list(site);
    const b = alarms.find((a) => a.id === 2)!;
    expect([b.active, b.operator.cleared?.byName, b.operator.acknowledged?.byName]).toEqual([true, 'Anna Weber', 'Anna Weber']);
    // still among the open ones (before nothing: both are open, critical first)
    expect(alarms.map((a) => a.id)).toEqual([1, 2]);
    let fleet = (await call(anna, { method: 'GET', url: '/api/fleet' })).json() as { sites: { siteId: string; alarms: Record<string, number> }[] };
    expect(fleet.sites.find((s) => s.siteId === site)!.alarms).toEqual({ critical: 1, warning: 1, info: 0, unacknowledged: 1 });

    await ingestBatch(h.db.db, batchOf(site, [ev(3, T(50), 'alarm.cleared', { v: 2, key: 'access:pin:brute-force', reason: 'quiet again' })]), T(51));
    alarms = await list(site);
    expect(alarms.find((a) => a.id === 2)!.active).toBe(false);
    // the point cleared the critical one too, but no operator closed it: it stays above the closed one
    await ingestBatch(h.db.db, batchOf(site, [ev(4, T(60), 'alarm.cleared', { v: 2, key: 'fridge:k1:temperature', reason: 'cold again' })]), T(61));
    expect((await list(site)).map((a) => [a.id, a.active, a.operator.cleared !== null])).toEqual([
      [1, false, false],
      [2, false, true],
    ]);

    // the same condition again: a new alarm (id 5), open, nothing of the old one's work on it
    await ingestBatch(
      h.db.db,
      batchOf(site, [
        ev(5, T(70), 'alarm.raised', {
          key: 'access:pin:brute-force',
          source: 'access',
          kind: 'brute-force',
          severity: 'warning',
          reason: 'again',
          since: T(70),
        }),
      ]),
      T(71),
    );
    const again = (await list(site)).find((a) => a.key === 'access:pin:brute-force')!;
    expect([again.id, again.active, again.operator]).toEqual([5, true, { acknowledged: null, cleared: null, comments: [] }]);
    expect((await post(anna, site, 2, 'acknowledge')).statusCode).toBe(404);
    fleet = (await call(anna, { method: 'GET', url: '/api/fleet' })).json() as typeof fleet;
    expect(fleet.sites.find((s) => s.siteId === site)!.alarms).toEqual({ critical: 0, warning: 1, info: 0, unacknowledged: 1 });
  });
});
