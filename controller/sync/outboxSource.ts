/**
 * What the relay needs from the ledger. `controller/ledger/ledger.ts`'s `Ledger` satisfies it;
 * tests may pass an in-memory fake.
 */
export interface OutboxEvent {
  seq: number;
  type: string;
  at: number;
  clockSynced: boolean;
  data: Record<string, unknown>;
}

/** Pending events pre-serialised as one JSON array (shape of `Ledger.outboxPendingJson`). */
export interface PendingJson {
  first: number;
  last: number;
  count: number;
  /** UTF-8 JSON array of wire events `{"seq","type","at","clockSynced","data","hash"}`, ascending. */
  json: Buffer;
}

export interface OutboxSource {
  lastSeq(): number;
  /** Undelivered events with seq > afterSeq, ascending, at most `limit`. */
  outboxPending(afterSeq: number, limit: number): OutboxEvent[];
  markDeliveredUpTo(seq: number): void;
  deliveredUpTo(): number;
  /**
   * Hash of the stored event `seq` (undefined when unknown). Used to check a `down/ack.upToHash`
   * before marking anything delivered; a source without it skips that check.
   */
  hashAt?(seq: number): string | undefined;
  /** Called after an event (and its outbox row) committed; returns an unsubscribe function. */
  onAppended(listener: (event: OutboxEvent) => void): (() => void) | void;
}
