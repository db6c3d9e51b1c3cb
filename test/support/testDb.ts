/**
 * The databases a backoffice test runs against: SQLite always; PostgreSQL (127.0.0.1:5432, db
 * `test`) when reachable, in a fresh schema per call. Skipping is refused when
 * DORFPUNKT_REQUIRE_SERVICES=1 (see services.ts).
 */
import { randomBytes } from 'node:crypto';
import { dropPostgresSchema, openDatabase, type Database } from '../../backoffice/db/database.ts';
import { PG_URL } from './services.ts';

export { postgresSkipReason } from './services.ts';

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
