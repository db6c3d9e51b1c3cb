/**
 * Read models (backoffice/projections), on SQLite and PostgreSQL: each table shows what its events
 * say; every stored event is applied exactly once (duplicates, resends, a group with overlapping
 * batches, a rolled-back transaction); events after a gap and flagged events are never applied;
 * a rebuild from the stored events equals the live tables after a random stream; archiving a
 * diverged site's ledger empties its read models.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBatch, ingestBatches, type IngestItem } from '../../backoffice/ingest/ingestStore.ts';
import { markDiverged, resolveDivergence } from '../../backoffice/ingest/divergence.ts';
import { rebuildProjections } from '../../backoffice/projections/projections.ts';
import { openTestDb, postgresSkipReason, type TestDb } from '../support/testDb.ts';
import { badEv, batchOf, dumpProjections, ev, randomEvent, rng } from './projectionSupport.ts';

const pgSkip = await postgresSkipReason('PostgreSQL projection tests');
if (pgSkip) console.warn(pgSkip);

const T0 = Date.UTC(2027, 2, 1, 8, 0, 0);

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkip !== null)(`projections on ${kind}`, () => {
    const open: TestDb[] = [];
    const fresh = async (): Promise<TestDb> => {
      const d = await openTestDb(kind);
      open.push(d);
      return d;
    };
    afterEach(async () => {
      for (const d of open.splice(0)) await d.dispose();
    });

    it('shows alarms, door, fridges, lockers, members and credentials as their events tell, and a rebuild gives the same', async () => {
      const { db } = await fresh();
      const t = (s: number): number => T0 + s * 1000;
      await ingestBatch(
        db,
        batchOf('dorf-a', [
          ev(1, t(1), 'alarm.raised', {
            key: 'fridge:k1:temperature',
            source: 'fridge',
            kind: 'temperature',
            severity: 'critical',
            reason: 'Kühl 1: 9.0 °C',
            since: t(0),
          }),
          ev(2, t(2), 'alarm.acknowledged', { key: 'fridge:k1:temperature', by: 'anna' }),
          ev(3, t(3), 'alarm.raised', {
            key: 'access:pin:brute-force',
            source: 'access',
            kind: 'brute-force',
            severity: 'warning',
            reason: 'many wrong PINs',
            since: t(3),
          }),
          ev(4, t(4), 'alarm.cleared', { v: 2, key: 'access:pin:brute-force', reason: 'quiet again' }),
          ev(5, t(5), 'door.opened', { via: 'grant', grantId: 7 }),
          ev(6, t(6), 'alarm.held-open', { openForMs: 60_000 }),
          ev(7, t(7), 'fridge.readings', { fridgeId: 'k1', firstAt: t(5), offsetsMs: [0, 1000], tenths: [88, 91] }),
          ev(8, t(8), 'fridge.crossed', { fridgeId: 'k1', direction: 'above', readAt: t(6), tenths: 91, limitTenths: 70, inDefrost: false }),
          ev(9, t(9), 'fridge.blocked', { fridgeId: 'k1', cause: 'breach', since: t(0), readAt: t(9), tenths: 91, limitTenths: 70 }),
          ev(10, t(10), 'compartment.reserved', { compartment: 'A1', size: 'M', requested: 'S', sessionId: 's1' }),
          ev(11, t(11), 'parcel.deposited', {
            parcelId: 'p1',
            reference: 'R1',
            compartment: 'A1',
            size: 'M',
            codeId: 'c',
            courierId: 'dhl',
            credentialId: 'cc',
            depositedAt: t(11),
          }),
          ev(12, t(12), 'compartment.out-of-service', { compartment: 'B2', reason: 'not-opened', detail: 'nak' }),
          ev(13, t(13), 'member.upserted', { memberId: 'm1', name: 'Eva', role: 'member', ageVerified: true }),
          ev(14, t(14), 'credential.issued', { credentialId: 'cr1', memberId: 'm1', kind: 'card', role: 'member', ageVerified: true, expiresAt: null }),
          ev(15, t(15), 'credential.issued', { credentialId: 'cr2', memberId: 'm1', kind: 'token', role: 'member', ageVerified: true, expiresAt: t(1000) }),
          ev(16, t(16), 'credential.revoked', { credentialId: 'cr1', reason: 'card lost' }),
          ev(17, t(17), 'door.closed', {}),
          { ...ev(18, t(18), 'door.closed', {}), type: 'alarm.cleared', data: { alarm: 'held-open', cause: 'closed' } },
        ]),
        t(20),
      );
      const live = await dumpProjections(db);
      expect(live.p_alarms.map((a) => [a['alarm_key'], a['state'], a['severity'], a['acked_by'], a['cleared_reason']])).toEqual([
        ['access:pin:brute-force', 'cleared', 'warning', null, 'quiet again'],
        ['door:held-open', 'cleared', 'critical', null, 'door closed'],
        ['fridge:k1:temperature', 'acked', 'critical', 'anna', null],
      ]);
      expect(live.p_alarms.find((a) => a['alarm_key'] === 'door:held-open')).toMatchObject({ since: t(6) - 60_000, raised_at: t(6), cleared_at: t(18) });
      expect(live.p_door).toEqual([{ site_id: 'dorf-a', state: 'closed', changed_at: t(17), fire: 0, faulted: 0, seq: 17 }]);
      expect(live.p_fridges).toEqual([
        {
          site_id: 'dorf-a',
          fridge_id: 'k1',
          tenths: 91,
          read_at: t(6),
          above: 1,
          limit_tenths: 70,
          blocked: 1,
          blocked_since: t(0),
          seq: 9,
          configured: 0,
          name: null,
          product_group: null,
        },
      ]);
      expect(live.p_lockers.map((l) => [l['compartment'], l['occupancy'], l['parcel_id'], l['since'], l['in_service']])).toEqual([
        ['A1', 'occupied', 'p1', t(11), 1],
        ['B2', 'free', null, t(12), 0],
      ]);
      expect(live.p_members).toEqual([{ site_id: 'dorf-a', member_id: 'm1', name: 'Eva', role: 'member', age_verified: 1, updated_at: t(13), seq: 13 }]);
      expect(live.p_credentials.map((c) => [c['credential_id'], c['status'], c['revoked_reason'], c['expires_at']])).toEqual([
        ['cr1', 'revoked', 'card lost', null],
        ['cr2', 'active', null, t(1000)],
      ]);

      // Corrective action lifts the block; the parcel is collected and the compartment freed.
      await ingestBatch(
        db,
        batchOf('dorf-a', [
          ev(19, t(30), 'fridge.corrective-action', { fridgeId: 'k1', actionId: 'ca1', by: 'anna', note: 'Ware entsorgt', lifted: true }),
          ev(20, t(31), 'parcel.collected', { parcelId: 'p1', compartment: 'A1', codeId: 'c', via: 'keypad' }),
          ev(21, t(32), 'compartment.freed', { compartment: 'A1', reason: 'collected' }),
        ]),
        t(33),
      );
      const after = await dumpProjections(db);
      expect(after.p_fridges[0]).toMatchObject({ blocked: 0, blocked_since: null, tenths: 91 });
      expect(after.p_lockers[0]).toMatchObject({ compartment: 'A1', occupancy: 'free', parcel_id: null });

      await rebuildProjections(db);
      expect(await dumpProjections(db)).toEqual(after);
    });

    it("knows every compartment and each fridge's name and limit from the point's reported equipment, keeps occupancy across a new report, and a rebuild gives the same", async () => {
      const { db } = await fresh();
      const t = (s: number): number => T0 + s * 1000;
      const fridge = (fridgeId: string, name: string, limitTenths: number) => ({
        fridgeId,
        name,
        productGroup: 'dairy',
        limitTenths,
        hysteresisTenths: 5,
        alarmAfterMs: 1_800_000,
        blockAfterMs: 7_200_000,
        defrost: [{ start: '03:00', minutes: 30 }],
      });
      await ingestBatch(
        db,
        batchOf('dorf-a', [
          // a compartment known from an event before the point reported its lockers
          ev(1, t(1), 'compartment.out-of-service', { compartment: 'B1', reason: 'not-opened', detail: '' }),
          ev(2, t(2), 'locker.configured', {
            compartments: [
              { compartment: 'A1', size: 'S', board: 'bank-1', lock: 1 },
              { compartment: 'A2', size: 'M', board: 'bank-1', lock: 2 },
              { compartment: 'B1', size: 'L', board: 'bank-2', lock: 1 },
            ],
          }),
          ev(3, t(3), 'fridge.configured', { fridges: [fridge('k1', 'Molkerei', 70), fridge('k2', 'Fleisch', 20)] }),
          ev(4, t(4), 'parcel.deposited', {
            parcelId: 'p1',
            reference: 'R1',
            compartment: 'A2',
            size: 'M',
            codeId: 'c',
            courierId: 'dhl',
            credentialId: 'cc',
            depositedAt: t(4),
          }),
        ]),
        t(5),
      );
      const live = await dumpProjections(db);
      expect(live.p_lockers.map((l) => [l['compartment'], l['configured'], l['size'], l['occupancy'], l['in_service'], l['door']])).toEqual([
        ['A1', 1, 'S', 'free', 1, 'unknown'],
        ['A2', 1, 'M', 'occupied', 1, 'unknown'],
        ['B1', 1, 'L', 'free', 0, 'unknown'],
      ]);
      expect(live.p_fridges.map((f) => [f['fridge_id'], f['configured'], f['name'], f['product_group'], f['limit_tenths'], f['tenths']])).toEqual([
        ['k1', 1, 'Molkerei', 'dairy', 70, null],
        ['k2', 1, 'Fleisch', 'dairy', 20, null],
      ]);
      expect(live.p_equipment).toEqual([
        { site_id: 'dorf-a', kind: 'fridges', count: 2, at: t(3), seq: 3 },
        { site_id: 'dorf-a', kind: 'lockers', count: 3, at: t(2), seq: 2 },
      ]);

      // The point's profile changes: A1 goes, C1 comes, k1 gets a new limit, k2 goes. The parcel in A2 stays.
      await ingestBatch(
        db,
        batchOf('dorf-a', [
          ev(5, t(10), 'locker.configured', {
            compartments: [
              { compartment: 'A2', size: 'M', board: 'bank-1', lock: 2 },
              { compartment: 'B1', size: 'L', board: 'bank-2', lock: 1 },
              { compartment: 'C1', size: 'S', board: null, lock: null },
            ],
          }),
          ev(6, t(11), 'fridge.configured', { fridges: [fridge('k1', 'Molkerei', 60)] }),
        ]),
        t(12),
      );
      const after = await dumpProjections(db);
      expect(after.p_lockers.map((l) => [l['compartment'], l['configured'], l['occupancy'], l['parcel_id']])).toEqual([
        ['A1', 0, 'free', null],
        ['A2', 1, 'occupied', 'p1'],
        ['B1', 1, 'free', null],
        ['C1', 1, 'free', null],
      ]);
      expect(after.p_fridges.map((f) => [f['fridge_id'], f['configured'], f['limit_tenths']])).toEqual([
        ['k1', 1, 60],
        ['k2', 0, 20],
      ]);
      expect(after.p_equipment.map((q) => [q['kind'], q['count'], q['seq']])).toEqual([
        ['fridges', 1, 6],
        ['lockers', 3, 5],
      ]);

      await rebuildProjections(db);
      expect(await dumpProjections(db)).toEqual(after);
    });

    it('applies an event once although its batch arrives again, is resent after later events, or overlaps in one group', async () => {
      const { db } = await fresh();
      const raise = ev(1, T0 + 1, 'alarm.raised', {
        key: 'locker:A1:held-open',
        source: 'locker',
        kind: 'held-open',
        severity: 'warning',
        reason: 'A1 open',
        since: T0,
      });
      const deposit = ev(2, T0 + 2, 'parcel.deposited', {
        parcelId: 'p1',
        reference: 'R',
        compartment: 'A1',
        size: 'S',
        codeId: 'c',
        courierId: 'dhl',
        credentialId: 'cc',
        depositedAt: T0 + 2,
      });
      const clear = ev(3, T0 + 3, 'alarm.cleared', { v: 2, key: 'locker:A1:held-open', reason: 'closed' });
      const collect = ev(4, T0 + 4, 'parcel.collected', { parcelId: 'p1', compartment: 'A1', codeId: 'c', via: 'qr' });
      // One group: the first batch, the same batch again, and an overlapping one.
      const group: IngestItem[] = [
        { batch: batchOf('dorf-a', [raise, deposit]), receivedAt: T0 + 10 },
        { batch: batchOf('dorf-a', [raise, deposit]), receivedAt: T0 + 10 },
        { batch: batchOf('dorf-a', [deposit, clear, collect]), receivedAt: T0 + 10 },
      ];
      const outcomes = await ingestBatches(db, group);
      expect(outcomes.map((o) => [o.stored, o.duplicates])).toEqual([
        [2, 0],
        [0, 2],
        [2, 1],
      ]);
      const once = await dumpProjections(db);
      expect(once.p_alarms[0]).toMatchObject({ state: 'cleared', seq: 3 });
      expect(once.p_lockers[0]).toMatchObject({ occupancy: 'free', parcel_id: null });

      // The point resends the raise and the deposit (it missed the ack): were they applied again,
      // the alarm would be open and the compartment occupied.
      const resent = await ingestBatch(db, batchOf('dorf-a', [raise, deposit]), T0 + 20);
      expect([resent.stored, resent.duplicates]).toEqual([0, 2]);
      expect(await dumpProjections(db)).toEqual(once);
      await rebuildProjections(db);
      expect(await dumpProjections(db)).toEqual(once);
    });

    it('applies nothing of a rolled-back ingest, and the retried batch exactly once', async () => {
      const { db } = await fresh();
      const b = batchOf('dorf-a', [ev(1, T0, 'door.opened', { via: 'exit' }), ev(2, T0 + 5, 'alarm.forced-open', {})]);
      await expect(
        ingestBatches(db, [{ batch: b, receivedAt: T0 }], {
          beforeCommit: () => {
            throw new Error('disk full');
          },
        }),
      ).rejects.toThrow('disk full');
      expect(await dumpProjections(db)).toMatchObject({ p_door: [], p_alarms: [] });
      await ingestBatch(db, b, T0 + 1);
      const d = await dumpProjections(db);
      // the forced-open alarm is the door's last recorded fact (a forced door is open)
      expect(d.p_door).toEqual([{ site_id: 'dorf-a', state: 'open', changed_at: T0 + 5, fire: 0, faulted: 0, seq: 2 }]);
      expect(d.p_alarms.map((a) => [a['alarm_key'], a['state']])).toEqual([['door:forced-open', 'open']]);
    });

    it('does not apply events after a gap until they are stored, nor flagged events, live or rebuilt', async () => {
      const { db } = await fresh();
      const key = 'fridge:k1:temperature';
      await ingestBatch(db, batchOf('dorf-a', [ev(1, T0, 'door.closed', {})]), T0);
      // seq 3 after a gap: held, not stored, not projected
      const held = await ingestBatch(db, batchOf('dorf-a', [ev(3, T0 + 3, 'door.opened', { via: 'exit' })]), T0 + 3);
      expect(held.resendFrom).toBe(2);
      expect((await dumpProjections(db)).p_door[0]).toMatchObject({ state: 'closed', seq: 1 });

      const stored = await ingestBatch(
        db,
        batchOf('dorf-a', [
          ev(2, T0 + 2, 'alarm.raised', { key, source: 'fridge', kind: 'temperature', severity: 'critical', reason: 'warm', since: T0 }),
          // does not match its schema: stored and flagged, must not lower the severity
          badEv(3, T0 + 3, 'alarm.raised', { key, source: 'fridge', kind: 'temperature', severity: 'bogus', reason: 'flagged', since: T0 }),
          // a version this catalogue does not know: must not clear the alarm
          badEv(4, T0 + 4, 'alarm.cleared', { v: 3, key, reason: 'from the future' }),
          ev(5, T0 + 5, 'door.opened', { via: 'exit' }),
        ]),
        T0 + 6,
      );
      expect([stored.stored, stored.flagged]).toEqual([4, 2]);
      const live = await dumpProjections(db);
      expect(live.p_alarms.map((a) => [a['alarm_key'], a['state'], a['severity'], a['reason']])).toEqual([[key, 'open', 'critical', 'warm']]);
      expect(live.p_door[0]).toMatchObject({ state: 'open', seq: 5 });
      const r = await rebuildProjections(db);
      expect(r.replayed).toBe(3);
      expect(await dumpProjections(db)).toEqual(live);
    });

    it('rebuilds exactly the live tables after a random stream with duplicates, gaps, several sites and flagged events', async () => {
      const { db } = await fresh();
      for (const seed of [7, 1234]) {
        const r = rng(seed);
        const sites = ['dorf-a', 'dorf-b', 'dorf-c'];
        const ledgers = new Map(sites.map((s) => [s, [] as ReturnType<typeof randomEvent>[]]));
        for (const s of sites)
          for (let i = 1; i <= 120; i++) ledgers.get(s)!.push(randomEvent(r, i + (seed === 7 ? 0 : 120), T0 + i * 1000 + Math.floor(r() * 500)));
        // Only the second seed continues the first's ledgers: seqs 121.. follow 1..120.
        const sent = new Map(sites.map((s) => [s, 0]));
        let rounds = 0;
        while (sites.some((s) => sent.get(s)! < 120) && rounds++ < 2000) {
          const group: IngestItem[] = [];
          for (let g = 1 + Math.floor(r() * 3); g > 0; g--) {
            const s = sites[Math.floor(r() * sites.length)]!;
            const led = ledgers.get(s)!;
            // start anywhere from a bit before what is acknowledged (duplicates) to a bit after (gaps)
            const from = Math.max(0, Math.min(led.length - 1, sent.get(s)! + Math.floor(r() * 8) - 4));
            const len = 1 + Math.floor(r() * 10);
            group.push({ batch: batchOf(s, led.slice(from, from + len)), receivedAt: T0 + rounds });
          }
          for (const o of await ingestBatches(db, group)) sent.set(o.siteId, Math.max(sent.get(o.siteId)!, o.upTo - (seed === 7 ? 0 : 120)));
        }
        expect([...sent.values()]).toEqual([120, 120, 120]);
        const live = await dumpProjections(db);
        const flagged = await db.selectFrom('flagged_events').select('seq').execute();
        expect(flagged.length).toBeGreaterThan(0);
        for (const rows of Object.values(live)) expect(rows.length).toBeGreaterThan(0);
        // small pages: the replay continues across page boundaries within and between sites
        const rebuilt = await rebuildProjections(db, { pageSize: 7 });
        expect(rebuilt.replayed).toBeGreaterThan(7 * 10);
        expect(await dumpProjections(db)).toEqual(live);
        await rebuildProjections(db);
        expect(await dumpProjections(db)).toEqual(live);
      }
    });

    it('skips, and counts, a stored event that does not decode but was never flagged (stored before ingest flagged)', async () => {
      const { db } = await fresh();
      await ingestBatch(db, batchOf('dorf-a', [ev(1, T0, 'door.closed', {})]), T0);
      const live = await dumpProjections(db);
      await db
        .insertInto('events')
        .values({
          site_id: 'dorf-a',
          seq: 2,
          type: 'fridge.readings',
          at: T0 + 1,
          clock_synced: 1,
          data: JSON.stringify({ fridgeId: 'k1' }),
          hash: null,
          received_at: T0 + 1,
        })
        .execute();
      expect(await rebuildProjections(db)).toEqual({ replayed: 1, undecodable: 1 });
      expect(await dumpProjections(db)).toEqual(live);
    });

    it('empties the read models of a site whose ledger is archived, and builds them again from the new ledger', async () => {
      const { db } = await fresh();
      await ingestBatch(db, batchOf('dorf-a', [ev(1, T0, 'door.opened', { via: 'exit' }), ev(2, T0 + 1, 'alarm.forced-open', {})]), T0);
      await ingestBatch(db, batchOf('dorf-b', [ev(1, T0, 'door.closed', {})]), T0);
      await markDiverged(db, 'dorf-a', 'test', T0 + 2);
      const r = await resolveDivergence(db, 'dorf-a', 'archive', T0 + 3);
      expect(r).toMatchObject({ ok: true, archived: 2 });
      let d = await dumpProjections(db);
      expect(d.p_door.map((x) => x['site_id'])).toEqual(['dorf-b']);
      expect(d.p_alarms).toEqual([]);
      await ingestBatch(db, batchOf('dorf-a', [ev(1, T0 + 10, 'door.closed', {})], 2), T0 + 10);
      d = await dumpProjections(db);
      expect(d.p_door.map((x) => [x['site_id'], x['state']])).toEqual([
        ['dorf-a', 'closed'],
        ['dorf-b', 'closed'],
      ]);
      await rebuildProjections(db);
      expect(await dumpProjections(db)).toEqual(d);
    });
  });
}
