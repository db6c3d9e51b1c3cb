/**
 * The backoffice side of sync end-to-end tests, behind one small interface:
 * - `real`: the product backoffice (`backoffice/main.ts`) on SQLite or PostgreSQL;
 * - `ref`: the test-side reference ingest (refIngest.ts) with precise crash hooks (die before /
 *   after its commit), used until the product backoffice exposes such hooks.
 */
import path from 'node:path';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { startBackoffice, type Backoffice } from '../../../backoffice/main.ts';
import { dropPostgresSchema } from '../../../backoffice/db/database.ts';
import type { EventBatch } from '../../../controller/contract/sync/index.ts';
import { postgresStore, sqliteStore, type IngestStore } from './ingestStore.ts';
import { RefIngest } from './refIngest.ts';

export interface BackofficeUnderTest {
  readonly name: string;
  progress(siteId: string): Promise<number>;
  /** Every stored row for the site in storage order (duplicates would show). */
  stored(siteId: string): Promise<{ seq: number }[]>;
  /** Crash now (no clean disconnect), keeping the database. */
  kill(): Promise<void>;
  /** Start again on the same database (after kill). */
  restart(): Promise<void>;
  close(): Promise<void>;
  onCommitted?: (cb: (siteId: string, upTo: number) => void) => void;
}

export type StoreKind = 'sqlite' | 'postgres';
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export async function startRealBackoffice(
  brokerUrl: string,
  kind: StoreKind,
  dir: string,
  credentials?: { username: string; password: string },
): Promise<BackofficeUnderTest & { product(): Backoffice }> {
  const schema = `dp_sync_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const db = kind === 'sqlite' ? { kind: 'sqlite' as const, path: path.join(dir, 'backoffice.db') } : { kind: 'postgres' as const, url: PG_URL, schema };
  let n = 0;
  let bo: Backoffice | undefined;
  const up = async (): Promise<void> => {
    bo = await startBackoffice({
      db,
      mqttUrl: brokerUrl,
      ...(credentials ? { mqttUsername: credentials.username, mqttPassword: credentials.password } : {}),
      clientId: `bo-test-${process.pid}-${n++}-${Math.random().toString(36).slice(2, 6)}`,
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
  };
  await up();
  const cur = (): Backoffice => {
    if (!bo) throw new Error('backoffice is not running');
    return bo;
  };
  return {
    name: `backoffice/${kind}`,
    progress: async (siteId) => {
      const r = await cur().db.selectFrom('sites').select('up_to').where('site_id', '=', siteId).executeTakeFirst();
      return r ? Number(r.up_to) : 0;
    },
    stored: async (siteId) =>
      (await cur().db.selectFrom('events').select('seq').where('site_id', '=', siteId).orderBy('seq').execute()).map((r) => ({ seq: Number(r.seq) })),
    kill: async () => {
      const b = bo;
      bo = undefined;
      await b?.kill();
    },
    restart: up,
    product: cur,
    close: async () => {
      const b = bo;
      bo = undefined;
      await b?.stop().catch(() => undefined);
      if (kind === 'postgres') await dropPostgresSchema(PG_URL, schema).catch(() => undefined);
    },
  };
}

export type RefFault = (batch: EventBatch) => 'die-before-commit' | 'die-after-commit' | undefined;

export async function startRefBackoffice(brokerUrl: string, kind: StoreKind, fault?: RefFault): Promise<BackofficeUnderTest & { ingest(): RefIngest }> {
  const store: IngestStore = kind === 'sqlite' ? sqliteStore() : await postgresStore();
  let committed: ((siteId: string, upTo: number) => void) | undefined;
  let ingest: RefIngest | undefined;
  const up = async (): Promise<void> => {
    ingest = new RefIngest({
      brokerUrl,
      store,
      ...(fault ? { fault } : {}),
      onCommitted: (s, upTo) => committed?.(s, upTo),
    });
    await ingest.start();
  };
  await up();
  return {
    name: `ref-ingest/${kind}`,
    progress: (siteId) => store.progress(siteId),
    stored: (siteId) => store.all(siteId),
    kill: async () => {
      await ingest?.stop();
      ingest = undefined;
    },
    restart: up,
    close: async () => {
      await ingest?.stop();
      ingest = undefined;
      await store.close();
    },
    onCommitted: (cb) => {
      committed = cb;
    },
    ingest: () => {
      if (!ingest) throw new Error('ref ingest not running');
      return ingest;
    },
  };
}
