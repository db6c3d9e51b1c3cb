/**
 * A child process for the real-clock lockout test: the backoffice HTTP API alone on a SQLite file,
 * the system clock, a configured lock (3 failures → `lockMs`), plain HTTP. Creates the users
 * `lisa` and `max` (accountants) on first start. Prints `{"url": ...}` once listening.
 * argv: <db path> <lock ms>
 */
import { openDatabase } from '../../../backoffice/db/database.ts';
import { buildApi } from '../../../backoffice/http/api.ts';
import { createUser, findUserByName } from '../../../backoffice/accounts/users.ts';
import { systemClock } from '../../../backoffice/platform.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { ZERO_STATS } from '../authHarness.ts';
import { TEST_PASSWORD, TEST_SCRYPT } from '../authFixture.ts';

const [path, lockMs] = process.argv.slice(2);
const database = await openDatabase({ kind: 'sqlite', path: path! });
const clock = systemClock();
for (const username of ['lisa', 'max']) {
  if (!(await findUserByName(database.db, username))) {
    await createUser(database.db, { username, displayName: username, role: 'accountant', password: TEST_PASSWORD }, clock.now(), TEST_SCRYPT);
  }
}
const app = buildApi({
  db: database.db,
  stats: () => ZERO_STATS,
  mqttConnected: () => false,
  clock,
  logger: createSilentLogger(),
  auth: {
    secureCookie: false,
    scryptCost: TEST_SCRYPT,
    throttle: { user: { threshold: 3, baseMs: Number(lockMs), maxMs: Number(lockMs) * 4 }, address: { threshold: 100, baseMs: 60_000, maxMs: 60_000 } },
  },
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url }) + '\n');
