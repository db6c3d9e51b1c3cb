/**
 * A point whose ledger was replaced (new SD card after a corrupt ledger: seq and session counters
 * start again at 1) must lose nothing: the backoffice marks the site diverged instead of acking
 * the new events as duplicates of the old ones, lowers the applied change version so every change
 * (revocations!) reaches the new ledger, and an operator resolves it by archiving the old events
 * under an epoch. Also: every ack carries the backoffice's time (`serverTime`). On SQLite always,
 * on PostgreSQL when reachable; a private Aedes broker per run (no other backoffice can ack).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startBackoffice, type Backoffice } from '../../backoffice/main.ts';
import { ingestBatches } from '../../backoffice/ingest/ingestStore.ts';
import { systemClock, type Clock } from '../../backoffice/platform.ts';
import type { DbConfig } from '../../backoffice/db/database.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { decode, encode, topics, type EventBatch, type SiteState, type SyncEvent } from '../../controller/contract/sync/index.ts';
import { startAedes, type TestBroker } from '../sync/support/brokers.ts';
import { freshPgConfig, postgresSkipReason, TestSite } from './support.ts';
import { authedInject, signIn } from './authFixture.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const pgSkip = await postgresSkipReason();
if (pgSkip) console.warn(pgSkip);

const variants: { name: string; skip: boolean; make: () => { config: DbConfig | undefined; cleanup: () => Promise<void> } }[] = [
  { name: 'SQLite', skip: false, make: () => ({ config: undefined, cleanup: async () => undefined }) },
  { name: 'PostgreSQL', skip: pgSkip !== null, make: freshPgConfig },
];

/** Hash-chain values of two different ledgers ('a' = the old one, 'b' = its replacement). */
const hashOf = (ledger: 'a' | 'b', seq: number): string => seq.toString(16).padStart(8, '0') + ledger.repeat(56);

function events(from: number, to: number, ledger: 'a' | 'b'): SyncEvent[] {
  const out: SyncEvent[] = [];
  for (let s = from; s <= to; s++) out.push({ seq: s, type: 'sale', at: 1_000 + s, clockSynced: false, data: { cents: s, ledger }, hash: hashOf(ledger, s) });
  return out;
}

for (const v of variants) {
  describe.skipIf(v.skip)(`replaced point ledger (divergence) on ${v.name}`, () => {
    let broker: TestBroker;
    let bo: Backoffice;
    let api: ReturnType<typeof authedInject>;
    const suite = useCleanup({ per: 'suite' });
    let wall = Date.UTC(2027, 0, 15, 8, 0, 0);
    const clock: Clock = { ...systemClock(), now: () => wall };

    const state = (siteId: string, s: Omit<SiteState, 'v'>): Promise<void> => bo.handleMessage(topics.upState(siteId), encode('state', { v: 1, ...s }));
    const batch = (siteId: string, session: number, evs: SyncEvent[]): Promise<void> =>
      bo.handleMessage(topics.upEvents(siteId), encode('events', { v: 1, siteId, session, events: evs } satisfies EventBatch));
    const site = async (id: string) =>
      (await api({ method: 'GET', url: `/api/sites/${id}` })).json() as {
        progress: { upTo: number; eventsStored: number };
        presence: { status: string; session: number };
        downlink: { appliedVersion: number; changeVersion: number };
        divergence: { since: number; reason: string } | null;
        epoch: number;
      };
    const stored = async (id: string) =>
      (await bo.db.selectFrom('events').select(['seq', 'hash']).where('site_id', '=', id).orderBy('seq').execute()).map((r) => ({
        seq: Number(r.seq),
        hash: r.hash,
      }));

    beforeAll(async () => {
      const dir = suite.tempDir('dorfpunkt-div-');
      const made = v.make();
      suite.defer(made.cleanup);
      broker = await startAedes();
      suite.defer(() => broker.close());
      bo = await startBackoffice({
        db: made.config ?? { kind: 'sqlite', path: join(dir, 'bo.db') },
        mqttUrl: broker.url,
        clientId: '_bo-div',
        clock,
        logger: createSilentLogger(),
      });
      api = authedInject(bo.api, await signIn(bo.db, 'operator', clock.now()));
      suite.defer(() => bo.stop());
    });

    it('marks a site diverged on a birth of an older session whose ledger ends below the stored mark, and acks none of its new events', async () => {
      await state('div-birth', { status: 'online', session: 7, backlog: { pending: 20, lastSeq: 20 } });
      await batch('div-birth', 7, events(1, 20, 'a'));
      expect((await site('div-birth')).progress.upTo).toBe(20);
      const acks = bo.stats.acksSent;
      // The new SD card: session and seq start again at 1.
      await state('div-birth', { status: 'online', session: 1, backlog: { pending: 5, lastSeq: 5 }, appliedVersion: 0 });
      const s = await site('div-birth');
      expect(s.divergence).toMatchObject({ since: wall, reason: expect.stringContaining('below the stored mark 20') });
      expect(s.presence).toEqual(expect.objectContaining({ status: 'online', session: 1 }));
      expect(bo.stats.divergences).toBe(1);
      await batch('div-birth', 1, events(1, 5, 'b'));
      await batch('div-birth', 1, events(21, 25, 'b'));
      expect(bo.stats.acksSent).toBe(acks); // neither the birth nor the batches: the point keeps its outbox
      expect(bo.stats.divergedBatches).toBe(2);
      expect(await stored('div-birth')).toEqual(events(1, 20, 'a').map((e) => ({ seq: e.seq, hash: e.hash })));
    });

    it('marks a site diverged when a duplicate arrives with another hash, storing nothing of that site from the group', async () => {
      await batch('div-hash', 3, events(1, 10, 'a'));
      const acks = bo.stats.acksSent;
      await batch('div-hash', 3, events(1, 10, 'a')); // a true duplicate: acked
      expect(bo.stats.acksSent).toBe(acks + 1);
      expect((await site('div-hash')).divergence).toBeNull();
      await batch('div-hash', 3, [...events(5, 10, 'b'), ...events(11, 12, 'b')]);
      expect(bo.stats.acksSent).toBe(acks + 1);
      expect((await site('div-hash')).divergence?.reason).toMatch(/seq 5 arrived with another hash/);
      expect((await stored('div-hash')).map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));

      // In one group: new-looking events first, then the mismatching duplicates: nothing stored.
      const b = (evs: SyncEvent[]): EventBatch => ({ v: 1, siteId: 'div-group', session: 1, events: evs });
      await ingestBatches(bo.db, [{ batch: b(events(1, 4, 'a')), receivedAt: 1 }]);
      const out = await ingestBatches(bo.db, [
        { batch: b(events(5, 8, 'b')), receivedAt: 2 },
        { batch: b(events(1, 3, 'b')), receivedAt: 2 },
      ]);
      expect(out.map((o) => o.diverged)).toEqual([true, true]);
      expect((await stored('div-group')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect((await site('div-group')).progress.upTo).toBe(4);
    });

    it('marks a site diverged on a birth of a newer session whose ledger lacks events the backoffice stored', async () => {
      await state('div-newer', { status: 'online', session: 2, backlog: { pending: 10, lastSeq: 10 } });
      await batch('div-newer', 2, events(1, 10, 'a'));
      await state('div-newer', { status: 'online', session: 3, backlog: { pending: 4, lastSeq: 4 } });
      expect((await site('div-newer')).divergence?.reason).toMatch(/session 3: the point's ledger ends at seq 4, below the stored mark 10/);
    });

    it('raises no false alarm for the retained birth of the current session or later births of an intact ledger', async () => {
      await state('div-none', { status: 'online', session: 4, backlog: { pending: 0, lastSeq: 0 } });
      await batch('div-none', 4, events(1, 30, 'a'));
      const acks = bo.stats.acksSent;
      // After a backoffice restart the broker hands over the retained birth again: lastSeq 0 < 30.
      await state('div-none', { status: 'online', session: 4, backlog: { pending: 0, lastSeq: 0 } });
      expect(bo.stats.acksSent).toBe(acks + 1);
      await state('div-none', { status: 'offline', session: 4 });
      await state('div-none', { status: 'online', session: 5, backlog: { pending: 0, lastSeq: 30 } });
      await batch('div-none', 5, events(31, 40, 'a'));
      await state('div-none', { status: 'online', session: 5, backlog: { pending: 0, lastSeq: 30 } });
      await batch('div-none', 5, events(25, 40, 'a'));
      await state('div-none', { status: 'online', session: 6, backlog: { pending: 0, lastSeq: 40 } });
      expect((await site('div-none')).divergence).toBeNull();
      expect((await site('div-none')).progress.upTo).toBe(40);
    });

    it('lowers the applied change version on a birth that applied less, and resends every change above it', async () => {
      const t = new TestSite('div-changes', broker.url, 'x', 9);
      await t.connect();
      suite.defer(() => t.end());
      await state('div-changes', { status: 'online', session: 9, appliedVersion: 0 });
      for (const credentialId of ['c1', 'c2', 'c3'])
        await bo.downlink.publishChange('div-changes', 'revocations', { revoke: [{ credentialId, reason: 'lost' }] });
      await bo.handleMessage(topics.upApplied('div-changes'), encode('applied', { v: 1, version: 3 }));
      expect((await site('div-changes')).downlink).toEqual({ changeVersion: 3, appliedVersion: 3 });
      const versions = () =>
        t.down
          .filter((d) => d.topic === topics.downChanges('div-changes'))
          .map((d) => {
            const c = decode('changes', d.payload);
            return c.ok ? c.value.version : -1;
          });
      await waitFor(() => versions().length === 3, { timeoutMs: 5000, what: 'three changes' });
      t.down.length = 0;
      await state('div-changes', { status: 'online', session: 9, appliedVersion: 1 }); // the retained birth again: no change
      expect((await site('div-changes')).downlink.appliedVersion).toBe(3);
      await state('div-changes', { status: 'online', session: 1, appliedVersion: 0 }); // the new ledger
      expect((await site('div-changes')).downlink.appliedVersion).toBe(0);
      await waitFor(() => versions().length === 3, { timeoutMs: 5000, what: 'every change resent' });
      expect(versions()).toEqual([1, 2, 3]);
      const unapplied = await bo.db.selectFrom('changes').select('version').where('site_id', '=', 'div-changes').where('applied_at', 'is', null).execute();
      expect(unapplied).toHaveLength(3);
    });

    it('resolves a divergence by archiving the old events under an epoch, then ingests the new ledger from seq 1', async () => {
      expect((await api({ method: 'POST', url: '/api/sites/div-birth/resolve-divergence', payload: { action: 'wipe' } })).statusCode).toBe(400);
      expect((await api({ method: 'POST', url: '/api/sites/nope-site/resolve-divergence', payload: { action: 'archive' } })).statusCode).toBe(404);
      expect((await api({ method: 'POST', url: '/api/sites/div-none/resolve-divergence', payload: { action: 'archive' } })).statusCode).toBe(409);
      const r = await api({ method: 'POST', url: '/api/sites/div-birth/resolve-divergence', payload: { action: 'archive' } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ siteId: 'div-birth', action: 'archive', archived: 20, epoch: 1 });
      const archived = await bo.db.selectFrom('archived_events').select(['seq', 'epoch', 'hash']).where('site_id', '=', 'div-birth').orderBy('seq').execute();
      expect(archived.map((a) => [Number(a.seq), Number(a.epoch), a.hash])).toEqual(events(1, 20, 'a').map((e) => [e.seq, 0, e.hash]));
      expect(await site('div-birth')).toMatchObject({ divergence: null, epoch: 1, progress: { upTo: 0, eventsStored: 0 } });
      const acks = bo.stats.acksSent;
      await batch('div-birth', 1, events(1, 5, 'b'));
      expect(bo.stats.acksSent).toBe(acks + 1);
      expect(await stored('div-birth')).toEqual(events(1, 5, 'b').map((e) => ({ seq: e.seq, hash: e.hash })));

      const d = await api({ method: 'POST', url: '/api/sites/div-hash/resolve-divergence', payload: { action: 'dismiss' } });
      expect(d.json()).toEqual({ siteId: 'div-hash', action: 'dismiss', archived: 0, epoch: 0 });
      expect(await site('div-hash')).toMatchObject({ divergence: null, progress: { upTo: 10 } });
    });

    it('sends the backoffice wall clock as serverTime in every ack', async () => {
      const t = new TestSite('ack-time', broker.url, 'x', 1);
      await t.connect();
      suite.defer(() => t.end());
      wall = Date.UTC(2027, 5, 1, 12, 0, 0);
      await t.send(events(1, 3, 'a'));
      await waitFor(() => t.upTo === 3, { timeoutMs: 5000, what: 'ack' });
      expect(t.acks.at(-1)).toEqual({ v: 1, upTo: 3, serverTime: Date.UTC(2027, 5, 1, 12, 0, 0), upToHash: hashOf('a', 3) });
      wall += 60_000;
      await t.birth('online', 1);
      await waitFor(() => t.acks.length === 2, { timeoutMs: 5000, what: 'ack on birth' });
      expect(t.acks.at(-1)).toEqual({ v: 1, upTo: 3, serverTime: Date.UTC(2027, 5, 1, 12, 1, 0), upToHash: hashOf('a', 3) });
    });

    it('sends the hash of the stored event at upTo in every ack (batch, duplicates only, birth), none for upTo 0 or an event without hash', async () => {
      const t = new TestSite('ack-hash', broker.url, 'x', 1);
      await t.connect();
      suite.defer(() => t.end());
      await t.birth('online', 1);
      await waitFor(() => t.acks.length === 1, { timeoutMs: 5000, what: 'ack on the first birth' });
      expect(t.acks[0]).not.toHaveProperty('upToHash'); // upTo 0
      await t.send(events(1, 10, 'a'));
      await waitFor(() => t.upTo === 10, { timeoutMs: 5000, what: 'ack of the batch' });
      expect(t.acks.at(-1)).toMatchObject({ upTo: 10, upToHash: hashOf('a', 10) });
      await t.send(events(2, 4, 'a')); // only duplicates below the mark: the hash is looked up
      await waitFor(() => t.acks.length === 3, { timeoutMs: 5000, what: 'ack of the duplicates' });
      expect(t.acks.at(-1)).toMatchObject({ upTo: 10, upToHash: hashOf('a', 10) });
      await t.send(events(9, 12, 'a')); // spans the mark
      await waitFor(() => t.upTo === 12, { timeoutMs: 5000, what: 'ack of the overlap' });
      expect(t.acks.at(-1)).toMatchObject({ upTo: 12, upToHash: hashOf('a', 12) });
      await t.birth('online', 2);
      await waitFor(() => t.acks.length === 5, { timeoutMs: 5000, what: 'ack on the next birth' });
      expect(t.acks.at(-1)).toMatchObject({ upTo: 12, upToHash: hashOf('a', 12) });
      const { hash: _dropped, ...bare } = events(13, 13, 'a')[0]!;
      await t.send([bare]);
      await waitFor(() => t.upTo === 13, { timeoutMs: 5000, what: 'ack of an event without hash' });
      expect(t.acks.at(-1)).not.toHaveProperty('upToHash');
    });
  });
}
