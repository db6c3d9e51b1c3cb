/** A batch that cannot be committed is not acknowledged (the point resends), is counted, and nothing throws. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../backoffice/db/database.ts';
import { SyncRouter } from '../../backoffice/ingest/syncRouter.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { encode, topics } from '../../controller/contract/sync/index.ts';
import { makeEvents } from './support.ts';

describe('ingest when the database fails', () => {
  it('sends no ack, counts a db error and logs it, without throwing', async () => {
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    const logger = createRecordingLogger();
    const router = new SyncRouter({
      db: database.db,
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: '_test',
      clock: new ManualClock(),
      logger,
      getDownlink: () => {
        throw new Error('unused');
      },
    });
    const payload = encode('events', { v: 1, siteId: 'dbfail-1', session: 1, events: makeEvents(1, 3) });
    await router.handle(topics.upEvents('dbfail-1'), payload);
    expect(router.stats.acksSent).toBe(1); // healthy DB: committed and acked (publish fails without a client, logged)
    await database.close();
    await expect(
      router.handle(topics.upEvents('dbfail-1'), encode('events', { v: 1, siteId: 'dbfail-1', session: 1, events: makeEvents(4, 5) })),
    ).resolves.toBeUndefined();
    expect(router.stats.dbErrors).toBe(1);
    expect(router.stats.acksSent).toBe(1);
    expect(logger.records.some((r) => r.level === 'error' && String(r.msg).includes('no ack sent'))).toBe(true);
  });
});
