/**
 * `up/events` payloads. The product path takes the batch from the ledger as one pre-serialised
 * JSON array (`outboxPendingJson`, built by SQLite from the stored canonical data text) and only
 * frames it: header + array + `}`, one Buffer.concat per batch, nothing per event. The generic
 * path (`encodeEventBatch` / `toWire`) serialises event objects; both produce the same contract
 * shape, checked by `decode('events', …)` in the tests.
 */
import { WIRE_VERSION, type SyncEvent } from '../contract/sync/index.ts';
import type { BatchPipe } from './outboxRelay.ts';
import type { OutboxEvent, OutboxSource, PendingJson } from './outboxSource.ts';

/** An outbox that can hand out pending events as one JSON array (the ledger does). */
export interface JsonOutboxSource extends OutboxSource {
  outboxPendingJson(afterSeq: number, limit: number): PendingJson | undefined;
}

export function hasJsonRead(source: OutboxSource): source is JsonOutboxSource {
  return typeof (source as Partial<JsonOutboxSource>).outboxPendingJson === 'function';
}

const CLOSE = Buffer.from('}');

/** `{"v":1,"siteId":…,"session":…,"events":` — the part of an `up/events` payload before the array. */
export function eventBatchHeader(siteId: string, session: number): Buffer {
  return Buffer.from(`{"v":${WIRE_VERSION},"siteId":${JSON.stringify(siteId)},"session":${session},"events":`);
}

/**
 * Pipe over `outboxPendingJson`. The byte bound applies to the events array as in the generic
 * path (sum over events of their JSON length + 1 <= maxBytes, i.e. array length - 1); a read over
 * the bound is repeated with proportionally fewer events (rare: only very large events).
 */
export function jsonEventsPipe(
  source: JsonOutboxSource,
  header: () => Buffer,
  publish: (payload: Buffer) => boolean,
  busy?: () => boolean,
): BatchPipe<PendingJson> {
  return {
    read(afterSeq, maxEvents, maxBytes) {
      let limit = maxEvents;
      for (;;) {
        const batch = source.outboxPendingJson(afterSeq, limit);
        if (batch === undefined) return undefined;
        const bytes = batch.json.length - 1;
        if (bytes <= maxBytes || batch.count <= 1) return batch;
        limit = Math.max(1, Math.min(batch.count - 1, Math.floor((batch.count * maxBytes) / bytes)));
      }
    },
    send(batch) {
      const head = header();
      return publish(Buffer.concat([head, batch.json, CLOSE], head.length + batch.json.length + 1));
    },
    size: (batch) => batch.json.length,
    ...(busy ? { busy } : {}),
  };
}

/**
 * `up/events` payload built from already-serialised events: byte-identical to
 * `encode('events', { v, siteId, session, events })` (same key order), without serialising every
 * event twice. Guarded by a test that compares both.
 */
export function encodeEventBatch(siteId: string, session: number, eventJson: string[]): Buffer {
  return Buffer.from(`{"v":${WIRE_VERSION},"siteId":${JSON.stringify(siteId)},"session":${session},"events":[${eventJson.join(',')}]}`);
}

export function toWire(e: OutboxEvent & { hash?: string }): SyncEvent {
  const w: SyncEvent = { seq: e.seq, type: e.type, at: Math.max(0, Math.round(e.at)), clockSynced: e.clockSynced, data: e.data };
  if (typeof e.hash === 'string') w.hash = e.hash;
  return w;
}
