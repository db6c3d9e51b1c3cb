/**
 * A point process for crash tests: opens the ledger, starts the sync client, appends events in
 * small bursts until the ledger holds TARGET events, exits 0 once everything is acknowledged.
 * argv: <dbPath> <brokerUrl> <siteId> <target> [eventsPerTick=20] (one tick = 5 ms)
 */
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../../controller/ledger/index.ts';
import { syncMigrations } from '../../../controller/sync/migrations.ts';
import { SyncClient } from '../../../controller/sync/syncClient.ts';

const [dbPath, brokerUrl, siteId, targetArg, perTickArg] = process.argv.slice(2);
if (!dbPath || !brokerUrl || !siteId || !targetArg) throw new Error('usage: pointChild <dbPath> <brokerUrl> <siteId> <target>');
const target = Number(targetArg);
const perTick = Number(perTickArg ?? 20);
const clock = createSystemClock();
const logger = createSilentLogger();
const ledger = Ledger.open({ path: dbPath, siteId, clock, logger, migrations: syncMigrations });
const sync = new SyncClient({
  brokerUrl,
  siteId,
  ledger,
  clock,
  logger,
  keepaliveSec: 5,
  backoff: { floorMs: 20, baseMs: 50, capMs: 200 },
  relay: { maxBatchEvents: 50, ackTimeoutMs: 2000 },
});
sync.start();
process.stdout.write('up\n');
const tick = setInterval(() => {
  for (let i = 0; i < perTick && ledger.lastSeq() < target; i++) ledger.appendUnchecked('sale', { n: ledger.lastSeq() + 1 });
  if (ledger.lastSeq() >= target && ledger.deliveredUpTo() >= target) {
    clearInterval(tick);
    void sync.stop().then(() => {
      ledger.close();
      process.stdout.write('done\n');
      process.exit(0);
    });
  }
}, 5);
