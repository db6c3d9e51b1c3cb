import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import BetterSqlite3 from 'better-sqlite3';
import mqtt from 'mqtt';
import { encode, topics, type Ack, type EventBatch, type SyncEvent } from '../../controller/contract/sync/index.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { systemClock, type Logger } from '../platform.ts';
import type { Downlink } from '../downlink/downlink.ts';
import { SyncRouter } from './syncRouter.ts';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

function batch(siteId: string, from: number, to: number): EventBatch {
  const events: SyncEvent[] = [];
  for (let s = from; s <= to; s++) events.push({ seq: s, type: 'sale', at: s, clockSynced: true, data: { s } });
  return { v: 1, siteId, session: 1, events };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startBroker(): Promise<string> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  cleanups.push(() => new Promise<void>((res) => broker.close(() => res())));
  cleanups.push(() => new Promise<void>((res) => server.close(() => res())));
  return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function router(database: Database, acks: { siteId: string; ack: Ack }[], mqttUrl = 'mqtt://127.0.0.1:1'): SyncRouter {
  return new SyncRouter({
    db: database.db,
    mqttUrl,
    clientId: '_router-test',
    clock: systemClock(),
    logger: silent,
    getDownlink: () => {
      throw new Error('unused');
    },
    onAck: (siteId, { serverTime: _serverTime, ...ack }) => acks.push({ siteId, ack }), // serverTime: see test/backoffice/divergence.test.ts
  });
}

async function waitForAck(acks: { ack: Ack }[], upTo: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (acks.at(-1)?.ack.upTo !== upTo) {
    if (Date.now() > until) throw new Error(`no ack up to ${upTo} within ${timeoutMs} ms (last: ${JSON.stringify(acks.at(-1)?.ack)})`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

describe('sync router: group commit', () => {
  it('sends one cumulative ack per site and group, keeping resendFrom while a gap stays open', async () => {
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    cleanups.push(() => database.close());
    const acks: { siteId: string; ack: Ack }[] = [];
    const r = router(database, acks);
    const send = (b: EventBatch): Promise<void> => r.handle(topics.upEvents(b.siteId), encode('events', b));
    // Same turn: one group. 7..9 arrive before 4..6: held, then 4..6 fills up to 6; 7..9 still missing.
    await Promise.all([send(batch('ack-a', 1, 3)), send(batch('ack-a', 7, 9)), send(batch('ack-a', 4, 6)), send(batch('ack-b', 1, 2))]);
    expect(acks).toEqual([
      { siteId: 'ack-a', ack: { v: 1, upTo: 6, resendFrom: 7 } },
      { siteId: 'ack-b', ack: { v: 1, upTo: 2 } },
    ]);
    expect(r.stats).toMatchObject({ batches: 4, eventsStored: 8, held: 3, acksSent: 2, resendRequests: 1 });
    await send(batch('ack-a', 7, 9));
    expect(acks.at(-1)).toEqual({ siteId: 'ack-a', ack: { v: 1, upTo: 9 } });
  });

  it('keeps committing and acking event batches from the broker while a control message is still being handled', async () => {
    const url = await startBroker();
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    cleanups.push(() => database.close());
    const acks: { siteId: string; ack: Ack }[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((res) => (release = res));
    let resent = 0;
    const r = new SyncRouter({
      db: database.db,
      mqttUrl: url,
      clientId: '_router-lanes',
      clock: systemClock(),
      logger: silent,
      getDownlink: () => ({ resendUnapplied: async () => void (await gate, resent++) }) as unknown as Downlink,
      onAck: (siteId, { serverTime: _serverTime, ...ack }) => acks.push({ siteId, ack }), // serverTime: see test/backoffice/divergence.test.ts
    });
    await r.start();
    cleanups.push(async () => {
      release();
      await r.stop();
    });
    const point = await mqtt.connectAsync(url, { clientId: 'lane-point', protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => point.endAsync(true));
    point.publish(topics.upState('lane-a'), encode('state', { v: 1, status: 'online', session: 1 }), { qos: 1 });
    point.publish(topics.upEvents('lane-b'), encode('events', batch('lane-b', 1, 4)), { qos: 1 });
    const until = Date.now() + 5_000;
    while (!acks.some((a) => a.siteId === 'lane-b') && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
    expect(acks).toContainEqual({ siteId: 'lane-b', ack: { v: 1, upTo: 4 } });
    expect(resent).toBe(0); // the birth before it is still waiting for its downlink resend
    release();
    while (resent === 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
    expect(acks).toContainEqual({ siteId: 'lane-a', ack: { v: 1, upTo: 0 } });
  });

  it('PUBACKs every batch only after its commit, in publish order, while bursts share transactions', async () => {
    const broker = await Aedes.createBroker();
    const server: Server = createServer(broker.handle);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    cleanups.push(() => new Promise<void>((res) => broker.close(() => res())));
    cleanups.push(() => new Promise<void>((res) => server.close(() => res())));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'router-puback-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'bo.db');
    const database = await openDatabase({ kind: 'sqlite', path });
    cleanups.push(() => database.close());
    const reader = new BetterSqlite3(path, { readonly: true });
    cleanups.push(() => void reader.close());
    const committedUpTo = (): number =>
      Number((reader.prepare("SELECT coalesce(max(seq), 0) AS m FROM events WHERE site_id = 'puback-site'").get() as { m: number }).m);

    // PUBACKs come in the order the broker delivered (= published), so the k-th PUBACK belongs to
    // the k-th batch: at that moment its events must be visible to another connection (committed).
    const committedAtPuback: number[] = [];
    // Which message each router PUBACK answers (the broker's per-client message id): lets the test
    // wait for "every message PUBACKed" and still see a second PUBACK for any of them.
    const pubackIds: number[] = [];
    const { persistence } = broker as unknown as { persistence: { outgoingClearMessageId(c: { id: string }, p: { messageId?: number }): Promise<unknown> } };
    const clearMessageId = persistence.outgoingClearMessageId.bind(persistence);
    persistence.outgoingClearMessageId = (c, p) => {
      if (c.id === '_router-test' && p.messageId !== undefined) pubackIds.push(p.messageId);
      return clearMessageId(c, p);
    };
    let onPuback: () => void = () => {};
    broker.on('ack', (_packet, client) => {
      if (client?.id !== '_router-test') return;
      committedAtPuback.push(committedUpTo());
      onPuback();
    });

    const acks: { siteId: string; ack: Ack }[] = [];
    const r = router(database, acks, url);
    await r.start();
    cleanups.push(() => r.stop());
    const point = await mqtt.connectAsync(url, { clientId: 'puback-site', protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => point.endAsync(true));
    const n = 40;
    // Minimum committed seq at each message's PUBACK; a state message in the middle is handled on
    // the control lane and PUBACKed once, in receipt order (after every earlier batch's commit).
    const need: number[] = [];
    for (let i = 0; i < n; i++) {
      point.publish(topics.upEvents('puback-site'), encode('events', batch('puback-site', i * 50 + 1, i * 50 + 50)), { qos: 1 });
      need.push((i + 1) * 50);
      if (i === n / 2) {
        point.publish(topics.upState('puback-site'), encode('state', { v: 1, status: 'offline', session: 0 }), { qos: 1 });
        need.push((i + 1) * 50);
      }
    }
    // Wait until every message has been PUBACKed once. PUBACKs go out in receipt order, so a
    // second PUBACK for a message published before the last one would already be counted.
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`PUBACKs for ${new Set(pubackIds).size} of ${need.length} messages`)), 15_000);
      onPuback = () => {
        if (new Set(pubackIds).size < need.length) return;
        clearTimeout(timer);
        res();
      };
      onPuback();
    });
    await waitForAck(acks, n * 50);

    expect(pubackIds).toHaveLength(need.length);
    expect(committedAtPuback).toHaveLength(need.length);
    const early = committedAtPuback.map((c, k) => ({ k, c })).filter(({ k, c }) => c < need[k]!);
    expect(early).toEqual([]);
    expect(r.stats.dbErrors).toBe(0);
    expect(acks.at(-1)?.ack).toEqual({ v: 1, upTo: n * 50 });
    expect(r.commitStats.largestGroup).toBeGreaterThan(1);
    expect(r.commitStats.commits).toBeLessThan(n);
  });
});
