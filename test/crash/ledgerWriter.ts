/**
 * Child process of ledgerCrash.test.ts: appends events to the ledger at argv[2] in a tight loop
 * and prints each seq on its own stdout line only after its commit. The parent SIGKILLs it at
 * random points. Mixes plain entry events, state events and cumulative outbox acks, and writes a
 * probe row through alsoInTx so a half-written append would be visible.
 *
 * The parent may start this process ahead of time (module loading is the slow part): it opens
 * the ledger only after a line arrives on stdin, i.e. after the previous writer was killed.
 *
 * Run: echo go | node --import tsx test/crash/ledgerWriter.ts <path>
 */
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../controller/ledger/index.ts';
import { crashProbeMigration } from './crashProbe.ts';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: ledgerWriter.ts <ledger path>\n');
  process.exit(2);
}
await new Promise<void>((resolve) => {
  process.stdin.once('data', () => resolve());
});
process.stdin.pause();
process.stdin.unref();
const ledger = Ledger.open({
  path,
  siteId: 'crash-site',
  clock: createSystemClock(),
  logger: createSilentLogger(),
  isClockSynced: () => true,
  migrations: [crashProbeMigration],
});
const insertProbe = ledger.db.prepare('INSERT INTO crash_probe (seq, note) VALUES (?, ?)');
const deadline = Date.now() + 20_000; // never outlive a parent that died
for (let n = ledger.lastSeq() + 1; Date.now() < deadline; n++) {
  let event;
  const probe = (db: unknown): void => {
    void db;
    insertProbe.run(n, `probe-${n}`);
  };
  if (n % 7 === 0) {
    event = ledger.appendUnchecked('door.state', { state: n % 2 === 0 ? 'open' : 'locked' }, probe);
  } else if (n % 11 === 0) {
    event = ledger.append('pin.lockout', { credentialId: `c${n % 5}`, failures: n % 6, lockedUntil: null }, probe);
  } else {
    event = ledger.appendUnchecked('entry.granted', { credentialId: `c${n % 5}`, n, note: 'x'.repeat(n % 64) }, probe);
  }
  process.stdout.write(`${event.seq}\n`);
  if (n % 50 === 0) ledger.markDeliveredUpTo(n - 20);
}
ledger.close();
