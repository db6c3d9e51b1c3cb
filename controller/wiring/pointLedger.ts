/**
 * The point's ledger as a feature: opened (and seeded, in simulation) when built, closed by
 * `stop()`, with the recorder and the ledger port of the features that read their history back.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../ledger/index.ts';
import { createRecorder, type Recorder } from '../ledger/recorder.ts';
import { syncMigrations } from '../sync/migrations.ts';
import type { EventType } from '../contract/events/index.ts';

export interface PointLedgerDeps {
  dataDir: string;
  siteId: string;
  clock: Clock;
  logger: Logger;
  isClockSynced?: (() => boolean) | undefined;
  /** Called with the ledger right after it opens (simulation seeds demo data here). */
  seed?: ((ledger: Ledger) => Promise<void> | void) | undefined;
}

/** Ledger port of the features that read their history back (typed by the catalogue at run time). */
export interface FeatureLedger {
  append(type: string, data: Record<string, unknown>): { seq: number };
  eventsOfTypes: Ledger['eventsOfTypes'];
  latestEvent: Ledger['latestEvent'];
  onAppended: Ledger['onAppended'];
}

export interface PointLedger {
  readonly ledger: Ledger;
  readonly recorder: Recorder;
  readonly featureLedger: FeatureLedger;
  start(): void;
  stop(): void;
}

/** Open (and seed) the ledger now; on a failure nothing stays open. */
export async function openPointLedger(deps: PointLedgerDeps): Promise<PointLedger> {
  let ledger: Ledger | undefined;
  try {
    mkdirSync(deps.dataDir, { recursive: true });
    ledger = Ledger.open({
      path: join(deps.dataDir, 'ledger.db'),
      siteId: deps.siteId,
      clock: deps.clock,
      logger: deps.logger,
      migrations: syncMigrations,
      ...(deps.isClockSynced ? { isClockSynced: deps.isClockSynced } : {}),
    });
    await deps.seed?.(ledger);
  } catch (err) {
    ledger?.close();
    throw err;
  }
  const open = ledger;
  return {
    ledger: open,
    recorder: createRecorder(open, deps.logger),
    featureLedger: {
      append: (type, data) => open.appendChecked(type as EventType, data),
      eventsOfTypes: open.eventsOfTypes.bind(open),
      latestEvent: open.latestEvent.bind(open),
      onAppended: open.onAppended.bind(open),
    },
    start() {},
    stop: () => open.close(),
  };
}
