/**
 * REFERENCE S7: the point's clock at 1970, at +2 years, and jumping (−1 h, +3 d) while it
 * records: order is by seq, nothing is lost or doubled, event timestamps arrive as recorded, and a
 * fresh command still runs (an unsynced clock never expires or revives anything).
 */
import { describe, expect, it } from 'vitest';
import { createSystemClock, ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { combos, expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const list = await combos();
const skews = [
  { name: '1970', wall: 0 },
  { name: '+2 years', wall: Date.now() + 2 * 365 * 24 * 3600_000 },
];
const { defer, tempDir } = useCleanup();

describe.each(list)('clock skew ($name)', (combo) => {
  it.each(skews)(
    'point clock at $name: same ordering and outcome',
    async (skew) => {
      const dir = tempDir();
      const broker = await combo.broker();
      defer(() => broker.close());
      const bo = await startRealBackoffice(broker.url, combo.store, dir);
      defer(() => bo.close());
      const siteId = uniqueSiteId('skew');
      const ledgerClock = new ManualClock(skew.wall);
      const system = createSystemClock();
      const offset = skew.wall - system.now();
      const point = openPoint({
        brokerUrl: broker.url,
        siteId,
        dbPath: `${dir}/ledger.db`,
        ledgerClock,
        syncClock: { ...system, now: () => system.now() + offset },
        isClockSynced: () => false,
      });
      defer(() => point.close());
      point.sync.start();
      const ats: number[] = [];
      for (let i = 0; i < 600; i++) {
        if (i === 200) ledgerClock.setWall(Math.max(0, ledgerClock.now() - 3600_000)); // −1 h
        if (i === 400) ledgerClock.setWall(ledgerClock.now() + 3 * 24 * 3600_000); // +3 d
        ledgerClock.advance(1_000);
        ats.push(point.ledger.appendUnchecked('sale', { i }).at);
      }
      await waitFor(() => point.sync.status().lastAckSeq === 600, { timeoutMs: 15_000, what: 'every event acknowledged' });
      const rows = await bo.product().db.selectFrom('events').select(['seq', 'at', 'clock_synced']).where('site_id', '=', siteId).orderBy('seq').execute();
      expect(
        expectExactlyOnce(
          rows.map((r) => ({ seq: Number(r.seq) })),
          600,
        ),
      ).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
      expect(rows.map((r) => Number(r.at))).toEqual(ats);
      expect(rows.every((r) => Number(r.clock_synced) === 0)).toBe(true);

      const backoffice = bo.product();
      // Commands go only to a site the backoffice sees online (never queued for later).
      await waitFor(
        async () => {
          const s = await backoffice.db.selectFrom('sites').select('status').where('site_id', '=', siteId).executeTakeFirst();
          return s?.status === 'online';
        },
        { timeoutMs: 15_000, what: 'the backoffice to see the point online' },
      );
      const cmd = await backoffice.downlink.sendCommand(siteId, 'door.release', { operator: 'anna@verein' }, 30_000);
      await waitFor(
        async () => {
          const c = await backoffice.db.selectFrom('commands').select('status').where('id', '=', cmd.id).executeTakeFirst();
          return c?.status === 'done';
        },
        { timeoutMs: 10_000, what: 'the command to run' },
      );
      expect(point.door.grants).toEqual([{ reason: 'remote-release' }]);
    },
    40_000,
  );
});
