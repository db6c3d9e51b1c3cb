/**
 * S6: the PRODUCT backoffice dies before its commit and between its commit and its ack. It runs in
 * a child process (support/backofficeChild.ts) that SIGKILLs itself inside the ingest's own hooks
 * (`beforeCommit`: inside the transaction after every write; `afterCommitBeforeAck`: after COMMIT,
 * before any `down/ack`). The point keeps everything until an ack arrives and resends; the
 * backoffice's (siteId, seq) progress makes the resend harmless: 0 lost, 0 duplicated.
 *
 * Brokers are private to this file (embedded Aedes; a private Mosquitto when installed), so no
 * other backoffice on the shared 127.0.0.1:1883 can acknowledge this point's events.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase, dropPostgresSchema, type DbConfig } from '../../backoffice/db/database.ts';
import { startRealBackoffice, type StoreKind } from './support/backoffices.ts';
import { mosquittoBinary, reachable, requireServices, startAedes, startPrivateMosquitto, type TestBroker } from './support/brokers.ts';
import { expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'backofficeChild.ts');

interface Combo {
  name: string;
  broker: () => Promise<TestBroker>;
  store: StoreKind;
}

async function privateCombos(): Promise<Combo[]> {
  const list: Combo[] = [{ name: 'aedes+sqlite', broker: () => startAedes(), store: 'sqlite' }];
  const mosq = mosquittoBinary() !== undefined;
  const pg = await reachable(5432);
  if (mosq && pg) list.push({ name: 'mosquitto(private)+postgres', broker: () => startPrivateMosquitto(), store: 'postgres' });
  else if (requireServices) throw new Error('backofficeDies: Mosquitto binary and PostgreSQL are required (DORFPUNKT_REQUIRE_SERVICES=1)');
  else console.log('backofficeDies: Mosquitto binary or PostgreSQL missing — skipping the Mosquitto+PostgreSQL variant');
  return list;
}

const list = await privateCombos();
const { defer, tempDir } = useCleanup();

interface Child {
  stdout: () => string;
  ready: Promise<void>;
  exited: Promise<NodeJS.Signals | number | null>;
  stop: () => Promise<void>;
}

function startChild(brokerUrl: string, db: DbConfig, die?: 'before-commit' | 'after-commit'): Child {
  const dbArgs = db.kind === 'sqlite' ? [db.path] : [db.url, ...(db.schema ? ['--schema', db.schema] : [])];
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, brokerUrl, ...dbArgs, ...(die ? ['--die', die] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) resolve();
    });
    proc.once('exit', () => reject(new Error(`backoffice child exited before it was ready: ${out}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));
  return {
    stdout: () => out,
    ready,
    exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

describe.each(list)('backoffice dies ($name)', (combo) => {
  it('the product backoffice dies inside its ingest hooks, before and after its commit, three times each: exactly once', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const schema = `dp_bodie_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const db: DbConfig = combo.store === 'sqlite' ? { kind: 'sqlite', path: `${dir}/backoffice.db` } : { kind: 'postgres', url: PG_URL, schema };
    if (combo.store === 'postgres') defer(() => dropPostgresSchema(PG_URL, schema));
    const siteId = uniqueSiteId('bodie');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db`, relay: { maxBatchEvents: 100, ackTimeoutMs: 700 } });
    defer(() => point.close());
    point.sync.start();

    const faults: string[] = [];
    let total = 0;
    const progress = async (): Promise<number> => {
      const d = await openDatabase(db);
      try {
        const r = await d.db.selectFrom('sites').select('up_to').where('site_id', '=', siteId).executeTakeFirst();
        return r ? Number(r.up_to) : 0;
      } finally {
        await d.close();
      }
    };
    for (const die of ['before-commit', 'after-commit', 'before-commit', 'after-commit', 'before-commit', 'after-commit'] as const) {
      for (let i = 0; i < 400; i++) point.ledger.appendUnchecked('sale', { die, i });
      total += 400;
      const before = await progress();
      const child = startChild(broker.url, db, die);
      defer(child.stop);
      await child.ready;
      // The point has unacknowledged events and resends them (ack timeout): the child's first commit comes.
      const how = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
      expect(how, `child with --die ${die}`).toBe('SIGKILL');
      expect(child.stdout()).toContain(`dying ${die}`);
      faults.push(die);
      const after = await progress();
      if (die === 'before-commit') expect(after, 'nothing of the killed transaction survives').toBe(before);
      else expect(after, 'the commit survives although no ack was sent').toBeGreaterThan(before);
    }
    expect(point.ledger.outboxCount()).toBeGreaterThan(0);

    const last = startChild(broker.url, db);
    defer(last.stop);
    await last.ready;
    await waitFor(() => point.sync.status().lastAckSeq === total, { timeoutMs: 30_000, what: 'every event to be acknowledged' });
    await last.stop();
    expect(faults).toHaveLength(6);
    const d = await openDatabase(db);
    try {
      const stored = (await d.db.selectFrom('events').select('seq').where('site_id', '=', siteId).orderBy('seq').execute()).map((r) => ({
        seq: Number(r.seq),
      }));
      expect(expectExactlyOnce(stored, total)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
      expect(stored).toHaveLength(total);
    } finally {
      await d.close();
    }
    expect(point.ledger.outboxCount()).toBe(0);
  }, 120_000);

  it('the product backoffice killed mid-stream and restarted on the same database: exactly once', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    defer(() => bo.close());
    const siteId = uniqueSiteId('bokill');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db`, relay: { maxBatchEvents: 100, ackTimeoutMs: 700 } });
    defer(() => point.close());
    point.sync.start();
    const total = 4_000;
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < total / 4; i++) point.ledger.appendUnchecked('sale', { round, i });
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 60)));
      if (round < 3) {
        await bo.kill();
        kills++;
        await bo.restart();
      }
    }
    // Wait on this backoffice's own stored progress (not only on the point's ack), then the point.
    await waitFor(async () => (await bo.progress(siteId)) === total, { timeoutMs: 30_000, what: 'the backoffice to store every event' });
    await waitFor(() => point.sync.status().lastAckSeq === total, { timeoutMs: 30_000, what: 'every event to be acknowledged' });
    const stored = await bo.stored(siteId);
    expect(kills).toBe(3);
    expect(expectExactlyOnce(stored, total)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
  }, 45_000);
});
