/**
 * `PUT /api/members/:id/account`: an operator sets a member's account terms; they go to each of the
 * member's points as the `account-terms` change, with `sinceSeq` = the last event the backoffice
 * has stored from that point (the point's later bookings count against the terms). Audited;
 * unknown member 404; bad terms 400 with nothing stored or sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { signIn, type SignedIn } from './authFixture.ts';
import { startHarness, type Harness } from './authHarness.ts';

describe('member account terms', () => {
  let h: Harness;
  let op: SignedIn;
  const call = (o: InjectOptions) => h.inject({ ...o, headers: { ...op.headers, ...(o.headers ?? {}) } });
  const changesOf = async (site: string) =>
    (await h.db.db.selectFrom('changes').select(['kind', 'body']).where('site_id', '=', site).orderBy('version').execute()).map((c) => ({
      kind: c.kind,
      body: JSON.parse(c.body) as unknown,
    }));

  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    for (const t of ['changes', 'member_credentials', 'members', 'member_accounts', 'sites', 'events', 'audit_log'] as const)
      await h.db.db.deleteFrom(t).execute();
    for (const site of ['dorf-a', 'dorf-b']) {
      await h.db.db
        .insertInto('sites')
        .values({
          site_id: site,
          created_at: h.clock.now(),
          ...{ status: 'online', session: 1, up_to: 0, events_stored: 0, change_version: 0, applied_version: 0, events_session: 0, epoch: 0 },
          ...{
            last_batch_at: null,
            last_seen_at: null,
            status_at: null,
            backlog_pending: null,
            backlog_last_seq: null,
            software: null,
            diverged_at: null,
            diverged_reason: null,
          },
        })
        .execute();
    }
    // dorf-a has sent 41 events so far
    for (const seq of [40, 41])
      await h.db.db
        .insertInto('events')
        .values({ site_id: 'dorf-a', seq, type: 'door.test', at: h.clock.now(), clock_synced: 1, data: '{}', hash: null, received_at: h.clock.now() })
        .execute();
    op = await signIn(h.db.db, 'operator', h.clock.now());
  });

  async function member(sites: unknown): Promise<string> {
    const res = await call({ method: 'POST', url: '/api/members', payload: { name: 'Dieter Lange', role: 'member', sites } });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { id: string }).id;
  }

  it("sends the terms to each of the member's points with the seq the backoffice has seen from it, and audits it", async () => {
    const id = await member('all');
    const res = await call({ method: 'PUT', url: `/api/members/${id}/account`, payload: { mode: 'invoice', limitCents: 10_000, openCents: 2_500 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ memberId: id, mode: 'invoice', limitCents: 10_000, openCents: 2_500, sites: ['dorf-a', 'dorf-b'] });
    expect((await changesOf('dorf-a')).at(-1)).toEqual({
      kind: 'account-terms',
      body: { terms: [{ memberId: id, mode: 'invoice', limitCents: 10_000, openCents: 2_500, sinceSeq: 41 }] },
    });
    expect((await changesOf('dorf-b')).at(-1)).toEqual({
      kind: 'account-terms',
      body: { terms: [{ memberId: id, mode: 'invoice', limitCents: 10_000, openCents: 2_500, sinceSeq: 0 }] },
    });
    const audit = await h.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'member.account.set').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: id, outcome: 'ok' });

    // prepaid ignores an open amount; `none` closes the account at the points
    await call({ method: 'PUT', url: `/api/members/${id}/account`, payload: { mode: 'prepaid', limitCents: 2_000, openCents: 999 } });
    expect((await changesOf('dorf-a')).at(-1)!.body).toMatchObject({ terms: [{ mode: 'prepaid', limitCents: 2_000, openCents: 0 }] });
    await call({ method: 'PUT', url: `/api/members/${id}/account`, payload: { mode: 'none', limitCents: 500 } });
    expect((await changesOf('dorf-a')).at(-1)!.body).toMatchObject({ terms: [{ mode: 'none', limitCents: 0 }] });
    expect(await h.db.db.selectFrom('member_accounts').selectAll().execute()).toMatchObject([{ member_id: id, mode: 'none' }]);
  });

  it('shows the terms last set in the member list (null until set) and in the answer to an edit', async () => {
    const id = await member(['dorf-a']);
    const listed = async () => ((await call({ method: 'GET', url: '/api/members' })).json() as { members: { account: unknown }[] }).members[0]?.account;
    expect(await listed()).toBeNull();
    await call({ method: 'PUT', url: `/api/members/${id}/account`, payload: { mode: 'invoice', limitCents: 15_000, openCents: 1_234 } });
    expect(await listed()).toEqual({ mode: 'invoice', limitCents: 15_000, openCents: 1_234, updatedAt: h.clock.now() });
    const edited = await call({ method: 'PATCH', url: `/api/members/${id}`, payload: { contact: '05121 1' } });
    expect(edited.json()).toMatchObject({ account: { mode: 'invoice', limitCents: 15_000, openCents: 1_234 } });
  });

  it('refuses an unknown member (404) and bad terms (400): nothing stored, nothing sent', async () => {
    const id = await member(['dorf-a']);
    const before = (await changesOf('dorf-a')).length;
    expect(
      (await call({ method: 'PUT', url: '/api/members/0123456789abcdef0123456789abcdef/account', payload: { mode: 'prepaid', limitCents: 100 } })).statusCode,
    ).toBe(404);
    for (const payload of [
      { mode: 'prepaid', limitCents: -1 },
      { mode: 'prepaid', limitCents: 1.5 },
      { mode: 'credit', limitCents: 100 },
      { mode: 'invoice' },
    ]) {
      const res = await call({ method: 'PUT', url: `/api/members/${id}/account`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await changesOf('dorf-a')).length).toBe(before);
    expect(await h.db.db.selectFrom('member_accounts').selectAll().execute()).toEqual([]);
  });
});
