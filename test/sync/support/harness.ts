/**
 * Wiring for sync end-to-end tests: a real Ledger (with the sync migrations) and a SyncClient with
 * the point's real downlink (change appliers, command handlers driving a counting door), plus the
 * matrix of (broker, ingest store) combinations to run against.
 */
import { createSystemClock, ManualClock, type Clock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger, type Logger } from '../../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../../controller/ledger/index.ts';
import { syncMigrations } from '../../../controller/sync/migrations.ts';
import { SyncClient, type SyncClientOptions } from '../../../controller/sync/syncClient.ts';
import { changeEvents } from '../../../controller/downlink/changes.ts';
import { commandHandlers, type CommandDoor } from '../../../controller/downlink/commands.ts';
import type { GrantRequest, GrantResult } from '../../../controller/machines/door/doorController.ts';
import { brokerKinds, reachable, requireServices, sharedMosquitto, startAedes, type TestBroker } from './brokers.ts';
import type { StoreKind } from './backoffices.ts';

export interface Combo {
  name: string;
  broker: () => Promise<TestBroker>;
  store: StoreKind;
}

/** Aedes + SQLite always; Mosquitto + PostgreSQL when present (required in CI). */
export async function combos(): Promise<Combo[]> {
  const list: Combo[] = [{ name: 'aedes+sqlite', broker: () => startAedes(), store: 'sqlite' }];
  const kinds = await brokerKinds();
  const pgUp = (await reachable(5432)) || requireServices;
  if (!pgUp) console.log('sync e2e: PostgreSQL not reachable on 127.0.0.1:5432 — skipping the PostgreSQL variants');
  if (kinds.includes('mosquitto') || pgUp) {
    const mosq = kinds.includes('mosquitto');
    list.push({
      name: `${mosq ? 'mosquitto' : 'aedes'}+${pgUp ? 'postgres' : 'sqlite'}`,
      broker: async () => (mosq ? sharedMosquitto() : startAedes()),
      store: pgUp ? 'postgres' : 'sqlite',
    });
  }
  return list;
}

export function uniqueSiteId(prefix = 'site'): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The point's door as the remote commands see it (the simulated hardware): records every grant. */
export class CountingDoor implements CommandDoor {
  readonly grants: GrantRequest[] = [];
  grant(request: GrantRequest): GrantResult {
    this.grants.push(request);
    return { accepted: true, grantId: this.grants.length };
  }
}

export interface Point {
  ledger: Ledger;
  /** The door the real `door.release` handler drives. */
  door: CountingDoor;
  sync: SyncClient;
  ledgerClock: ManualClock;
  close(): Promise<void>;
}

export interface PointOptions extends Partial<Omit<SyncClientOptions, 'ledger' | 'brokerUrl' | 'siteId'>> {
  brokerUrl: string;
  siteId: string;
  dbPath: string;
  ledgerClock?: ManualClock;
  syncClock?: Clock;
  logger?: Logger;
}

export function openPoint(o: PointOptions): Point {
  const ledgerClock = o.ledgerClock ?? new ManualClock();
  const logger = o.logger ?? createSilentLogger();
  const ledger = Ledger.open({ path: o.dbPath, siteId: o.siteId, clock: ledgerClock, logger, migrations: syncMigrations });
  const door = new CountingDoor();
  const sync = new SyncClient({
    // The point's real downlink: changes become ledger events, commands drive the door.
    changeEvents,
    commandHandlers: commandHandlers({ door, record: (type, data) => ledger.appendChecked(type, data).seq }),
    keepaliveSec: 5,
    backoff: { floorMs: 30, baseMs: 100, capMs: 400 },
    relay: { ackTimeoutMs: 3000 },
    ...o,
    clock: o.syncClock ?? createSystemClock(),
    logger,
    ledger,
  });
  return {
    ledger,
    door,
    sync,
    ledgerClock,
    close: async () => {
      await sync.stop();
      ledger.close();
    },
  };
}

export function expectExactlyOnce(stored: { seq: number }[], lastSeq: number): { missing: number; duplicates: number; outOfOrder: number } {
  const seen = new Map<number, number>();
  let outOfOrder = 0;
  let prev = 0;
  for (const e of stored) {
    seen.set(e.seq, (seen.get(e.seq) ?? 0) + 1);
    if (e.seq <= prev) outOfOrder++;
    prev = e.seq;
  }
  let missing = 0;
  let duplicates = 0;
  for (let s = 1; s <= lastSeq; s++) {
    const n = seen.get(s) ?? 0;
    if (n === 0) missing++;
    if (n > 1) duplicates += n - 1;
  }
  return { missing, duplicates, outOfOrder };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
