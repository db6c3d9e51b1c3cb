/**
 * The backoffice side of sync end-to-end tests: the product backoffice (`backoffice/main.ts`) on
 * SQLite or PostgreSQL, killable and restartable on the same database. (Crashes before/after the
 * ingest commit are backofficeDies.test.ts, with a child process.)
 */
import path from 'node:path';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { startBackoffice, type Backoffice } from '../../../backoffice/main.ts';
import { dropPostgresSchema } from '../../../backoffice/db/database.ts';

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
