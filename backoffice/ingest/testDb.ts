/**
 * Test helper for backoffice/ingest tests: the databases to run against. SQLite always;
 * PostgreSQL (127.0.0.1:5432, db `test`) when reachable, in a fresh schema per call. Skipping is
 * refused when DORFPUNKT_REQUIRE_SERVICES=1.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { dropPostgresSchema, openDatabase, type Database } from '../db/database.ts';

const PG_URL = process.env.DORFPUNKT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** null when PostgreSQL is usable, else the skip message (throws when services are required). */
export async function postgresSkipReason(): Promise<string | null> {
  if (await reachable(5432)) return null;
  const msg = 'PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL ingest tests skipped';
  if (process.env.DORFPUNKT_REQUIRE_SERVICES === '1') throw new Error(`${msg} (DORFPUNKT_REQUIRE_SERVICES=1)`);
  return msg;
}

export interface TestDb extends Database {
  dispose(): Promise<void>;
}

export async function openTestDb(kind: 'sqlite' | 'postgres'): Promise<TestDb> {
  if (kind === 'sqlite') {
    const d = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    return { ...d, dispose: () => d.close() };
  }
  const schema = `t_ing_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const d = await openDatabase({ kind: 'postgres', url: PG_URL, schema, poolSize: 2 });
  return {
    ...d,
    dispose: async () => {
      await d.close();
      await dropPostgresSchema(PG_URL, schema);
    },
  };
}
