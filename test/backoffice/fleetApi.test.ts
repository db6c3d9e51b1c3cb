/**
 * `GET /api/fleet` and `GET /api/sites/:id/alarms` on SQLite and PostgreSQL: what the read models
 * hold reaches the API (alarms by severity, door, fridge temperatures, locker occupancy, presence,
 * sync backlog), a site's alarms come newest-open-first, an unknown or malformed site id is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { nameSite } from '../../backoffice/credentials/siteCredentials.ts';
import type { AlarmViewBody, FleetViewBody } from '../../backoffice/http/schemas/fleet.ts';
import { postgresSkipReason } from '../support/testDb.ts';
import { authedInject, signIn } from './authFixture.ts';
import { startHarness, type Harness } from './authHarness.ts';
import { badEv, batchOf, ev } from './projectionSupport.ts';

const pgSkip = await postgresSkipReason('fleet API tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const T0 = Date.UTC(2027, 2, 1, 8, 0, 0);
const t = (s: number): number => T0 + s * 1000;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkip !== null)(`fleet API on ${kind}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(kind);
      const db = h.db.db;
      await ingestBatch(
        db,
        batchOf('dorf-a', [
          ev(1, t(1), 'alarm.raised', {
            key: 'fridge:k1:temperature',
            source: 'fridge',
            kind: 'temperature',
            severity: 'critical',
            reason: 'Kühl 1 warm',
            since: t(0),
          }),
          ev(2, t(2), 'alarm.raised', {
            key: 'hardware:printer:paper',
            source: 'hardware',
            kind: 'paper-out',
            severity: 'warning',
            reason: 'no paper',
            since: t(2),
          }),
          ev(3, t(3), 'alarm.acknowledged', { key: 'hardware:printer:paper', by: 'anna' }),
          ev(4, t(4), 'alarm.raised', { key: 'sync:backlog', source: 'sync', kind: 'backlog', severity: 'info', reason: 'offline', since: t(4) }),
          ev(5, t(5), 'alarm.cleared', { v: 2, key: 'sync:backlog', reason: 'online again' }),
          ev(6, t(6), 'alarm.forced-open', {}),
          ev(7, t(7), 'door.opened', { via: 'exit' }),
          ev(8, t(8), 'fridge.readings', { fridgeId: 'k1', firstAt: t(7), offsetsMs: [0, 500], tenths: [95, 97] }),
          ev(9, t(9), 'fridge.readings', { fridgeId: 'k2', firstAt: t(9), offsetsMs: [0], tenths: [38] }),
          ev(10, t(10), 'fridge.blocked', { fridgeId: 'k1', cause: 'breach', since: t(0), readAt: t(9), tenths: 97, limitTenths: 70 }),
          ev(11, t(11), 'compartment.reserved', { compartment: 'A1', size: 'S', requested: 'S', sessionId: 's' }),
          ev(12, t(12), 'parcel.deposited', {
            parcelId: 'p1',
            reference: 'R1',
            compartment: 'A2',
            size: 'M',
            codeId: 'c',
            courierId: 'dhl',
            credentialId: 'cc',
            depositedAt: t(12),
          }),
          ev(13, t(13), 'parcel.uncollected', { parcelId: 'p1', compartment: 'A2', days: 3, depositedAt: t(12) }),
          ev(14, t(14), 'compartment.out-of-service', { compartment: 'B1', reason: 'not-opened', detail: '' }),
          // flagged: must not count as a critical alarm
          badEv(15, t(15), 'alarm.raised', { key: 'x:y', source: 'door', kind: 'z', severity: 'critical', reason: 'r', since: -1 }),
        ]),
        t(20),
      );
      await ingestBatch(db, batchOf('dorf-b', [ev(1, t(1), 'door.closed', {})]), t(21));
      await db
        .updateTable('sites')
        .set({ status: 'online', last_seen_at: t(22), backlog_pending: 4, backlog_last_seq: 19 })
        .where('site_id', '=', 'dorf-a')
        .execute();
      await nameSite(db, 'dorf-a', '  Dorfladen Adorf ', t(30));
    });
    afterAll(async () => {
      await h?.close();
    });

    it('shows each point with presence, alarms by severity, door, fridge temperatures, locker occupancy and sync backlog', async () => {
      const get = authedInject(h.app, await signIn(h.db.db, 'accountant', h.clock.now()));
      const res = await get('/api/fleet');
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as FleetViewBody;
      expect(body.sites.map((s) => s.siteId)).toEqual(['dorf-a', 'dorf-b']);
      const [a, b] = body.sites as [FleetViewBody['sites'][number], FleetViewBody['sites'][number]];
      expect(a).toEqual({
        siteId: 'dorf-a',
        name: 'Dorfladen Adorf',
        presence: { status: 'online', lastSeenAt: t(22) },
        diverged: false,
        alarms: { critical: 2, warning: 1, info: 0, unacknowledged: 2 },
        door: { state: 'open', changedAt: t(7), fire: false, faulted: false },
        fridgesReported: false,
        fridges: [
          { fridgeId: 'k1', name: null, productGroup: null, tenths: 97, readAt: t(7) + 500, limitTenths: 70, above: false, blocked: true, blockedSince: t(0) },
          { fridgeId: 'k2', name: null, productGroup: null, tenths: 38, readAt: t(9), limitTenths: null, above: false, blocked: false, blockedSince: null },
        ],
        lockers: { reported: false, compartments: 3, free: 1, reserved: 1, occupied: 1, outOfService: 1, uncollected: 1 },
        sync: { upTo: 15, lastBatchAt: t(20), pending: 4, missing: 4 },
      });
      expect(b).toMatchObject({
        siteId: 'dorf-b',
        name: null,
        presence: { status: 'unknown', lastSeenAt: null },
        alarms: { critical: 0, warning: 0, info: 0, unacknowledged: 0 },
        door: { state: 'closed' },
        fridges: [],
        sync: { pending: null, missing: null },
      });
    });

    it("lists a site's alarms: not cleared first by severity, then cleared ones, with who acknowledged", async () => {
      const get = authedInject(h.app, await signIn(h.db.db, 'technician', h.clock.now()));
      const res = await get('/api/sites/dorf-a/alarms');
      expect(res.statusCode, res.body).toBe(200);
      const alarms = (res.json() as { siteId: string; alarms: AlarmViewBody[] }).alarms;
      expect(alarms.map((x) => [x.key, x.state, x.severity])).toEqual([
        ['door:forced-open', 'open', 'critical'],
        ['fridge:k1:temperature', 'open', 'critical'],
        ['hardware:printer:paper', 'acked', 'warning'],
        ['sync:backlog', 'cleared', 'info'],
      ]);
      expect(alarms[2]).toMatchObject({ acked: { by: 'anna', at: t(3) }, cleared: null, reason: 'no paper', since: t(2) });
      expect(alarms[3]).toMatchObject({ cleared: { at: t(5), reason: 'online again' } });
    });

    it('names a point for operators, and refuses an empty or overlong name or a bad site id, changing nothing', async () => {
      const db = h.db.db;
      await expect(nameSite(db, 'dorf-a', '   ', t(31))).rejects.toThrow(/1 to 80 characters/);
      await expect(nameSite(db, 'dorf-a', 'x'.repeat(81), t(31))).rejects.toThrow(/1 to 80 characters/);
      await expect(nameSite(db, 'dorf-a', 'Laden\nzwei', t(31))).rejects.toThrow(/control characters/);
      await expect(nameSite(db, 'Nicht Gültig', 'Laden', t(31))).rejects.toThrow(/invalid siteId/);
      const rows = await db.selectFrom('sites').select(['site_id', 'name']).orderBy('site_id').execute();
      expect(rows).toEqual([
        { site_id: 'dorf-a', name: 'Dorfladen Adorf' },
        { site_id: 'dorf-b', name: null },
      ]);
    });

    it('answers 404 for an unknown site and 400 for a malformed site id', async () => {
      const get = authedInject(h.app, await signIn(h.db.db, 'operator', h.clock.now()));
      const unknown = await get('/api/sites/nirgendwo/alarms');
      expect([unknown.statusCode, (unknown.json() as { error: string }).error]).toEqual([404, 'not-found']);
      const bad = await get('/api/sites/%20drop/alarms');
      expect([bad.statusCode, (bad.json() as { error: string }).error]).toEqual([400, 'bad-request']);
    });

    it('counts every compartment and shows each fridge with name and limit once the point reported its equipment, before any other event', async () => {
      const db = h.db.db;
      const bank = (ids: string[]) => ids.map((id, i) => ({ compartment: id, size: i < 4 ? ('S' as const) : ('M' as const), board: 'bank-1', lock: i + 1 }));
      const twelve = Array.from({ length: 12 }, (_, i) => `A${i + 1}`);
      const fridge = (fridgeId: string, name: string, limitTenths: number) => ({
        fridgeId,
        name,
        productGroup: 'dairy',
        limitTenths,
        hysteresisTenths: 5,
        alarmAfterMs: 1_800_000,
        blockAfterMs: 7_200_000,
        defrost: [],
      });
      await ingestBatch(
        db,
        batchOf('dorf-c', [
          ev(1, t(1), 'locker.configured', { compartments: bank(twelve) }),
          ev(2, t(2), 'fridge.configured', { fridges: [fridge('k1', 'Molkerei', 70), fridge('k2', 'Getränke', 100)] }),
        ]),
        t(3),
      );
      const get = authedInject(h.app, await signIn(h.db.db, 'operator', h.clock.now()));
      const siteC = async () => ((await get('/api/fleet')).json() as FleetViewBody).sites.find((s) => s.siteId === 'dorf-c')!;
      const first = await siteC();
      expect(first.lockers).toEqual({ reported: true, compartments: 12, free: 12, reserved: 0, occupied: 0, outOfService: 0, uncollected: 0 });
      expect(first.fridgesReported).toBe(true);
      expect(first.fridges.map((f) => [f.fridgeId, f.name, f.productGroup, f.limitTenths, f.tenths])).toEqual([
        ['k1', 'Molkerei', 'dairy', 70, null],
        ['k2', 'Getränke', 'dairy', 100, null],
      ]);

      // A parcel in A3, then the point drops A12 and fridge k2 from its profile; an event of a compartment it no longer has is not counted.
      await ingestBatch(
        db,
        batchOf('dorf-c', [
          ev(3, t(4), 'parcel.deposited', {
            parcelId: 'p3',
            reference: 'R3',
            compartment: 'A3',
            size: 'S',
            codeId: 'c3',
            courierId: 'dhl',
            credentialId: 'cc',
            depositedAt: t(4),
          }),
          ev(4, t(5), 'fridge.readings', { fridgeId: 'k1', firstAt: t(5), offsetsMs: [0], tenths: [41] }),
          ev(5, t(6), 'locker.configured', { compartments: bank(twelve.slice(0, 11)) }),
          ev(6, t(7), 'fridge.configured', { fridges: [fridge('k1', 'Molkerei', 60)] }),
          ev(7, t(8), 'compartment.reserved', { compartment: 'A12', size: 'M', requested: 'M', sessionId: 's' }),
        ]),
        t(9),
      );
      const later = await siteC();
      expect(later.lockers).toEqual({ reported: true, compartments: 11, free: 10, reserved: 0, occupied: 1, outOfService: 0, uncollected: 0 });
      expect(later.fridges).toEqual([
        {
          fridgeId: 'k1',
          name: 'Molkerei',
          productGroup: 'dairy',
          tenths: 41,
          readAt: t(5),
          limitTenths: 60,
          above: false,
          blocked: false,
          blockedSince: null,
        },
      ]);
    });
  });
}
