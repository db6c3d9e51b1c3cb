/**
 * The relay checks every ack against its own ledger before marking anything delivered: a
 * replaced ledger (new SD card) counts from seq 1 again, and an ack of the OLD ledger's progress
 * would otherwise delete the NEW events from the outbox without ever sending them.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { OutboxRelay } from '../../controller/sync/outboxRelay.ts';
import { MemoryOutbox } from './support/memoryOutbox.ts';

const hashOf = (ledger: string, seq: number): string => seq.toString(16).padStart(8, '0') + ledger.repeat(56);

/** In-memory outbox whose events carry hash-chain values of ledger `name` (or none at all). */
class HashedOutbox extends MemoryOutbox {
  readonly hashAt: ((seq: number) => string | undefined) | undefined;
  constructor(n: number, name: string | null) {
    super();
    for (let s = 1; s <= n; s++) this.append('sale', { s });
    this.hashAt = name === null ? undefined : (seq) => (seq >= 1 && seq <= this.events.length ? hashOf(name, seq) : undefined);
  }
}

function setup(n: number, ledger: string | null = 'b') {
  const outbox = new HashedOutbox(n, ledger);
  const sent: number[][] = [];
  const relay = new OutboxRelay(outbox, (b) => (sent.push([b[0]!.seq, b[b.length - 1]!.seq]), true), new ManualClock(), createSilentLogger(), {
    maxBatchEvents: 10,
    maxInflight: 2,
    ackTimeoutMs: 1000,
  });
  relay.start();
  relay.setOnline(true);
  return { outbox, sent, relay };
}

describe('OutboxRelay ack check (replaced ledger)', () => {
  it('marks events delivered when the ack hash matches its own event at upTo', () => {
    const { outbox, relay } = setup(30);
    expect(relay.onAck(10, undefined, hashOf('b', 10))).toEqual({ ok: true });
    expect(outbox.deliveredUpTo()).toBe(10);
    expect(relay.status()).toMatchObject({ diverged: false, ackMismatches: 0, lastAckSeq: 10 });
  });

  it('marks nothing delivered on an ack whose hash differs, reports diverged and resends from the last delivered seq + 1', () => {
    const { outbox, relay, sent } = setup(30);
    sent.length = 0;
    const r = relay.onAck(20, undefined, hashOf('a', 20));
    expect(r.ok).toBe(false);
    expect(outbox.deliveredUpTo()).toBe(0);
    expect(outbox.outboxPending(0, 100)).toHaveLength(30);
    expect(relay.status()).toMatchObject({ diverged: true, ackMismatches: 1, lastAckSeq: 0 });
    // go-back-N from seq 1, so the backoffice sees the differing duplicate hashes
    expect(sent).toEqual([
      [1, 10],
      [11, 20],
    ]);
  });

  it('treats an ack beyond its last seq as the same sign: nothing marked, diverged, resent', () => {
    const { outbox, relay, sent } = setup(5);
    sent.length = 0;
    expect(relay.onAck(8, undefined, hashOf('a', 8)).ok).toBe(false);
    expect(relay.onAck(8).ok).toBe(false); // without a hash too (older backoffice)
    expect(outbox.deliveredUpTo()).toBe(0);
    expect(relay.status()).toMatchObject({ diverged: true, ackMismatches: 2 });
    expect(sent[0]).toEqual([1, 5]);
  });

  it('clears diverged once a matching ack marks events delivered (after the operator archived the old events)', () => {
    const { outbox, relay } = setup(30);
    relay.onAck(20, undefined, hashOf('a', 20));
    expect(relay.status().diverged).toBe(true);
    expect(relay.onAck(10, undefined, hashOf('b', 10)).ok).toBe(true);
    expect(outbox.deliveredUpTo()).toBe(10);
    expect(relay.status().diverged).toBe(false);
  });

  it('accepts acks without a hash (older backoffice, upTo = 0) and sources without hashes, as before', () => {
    const a = setup(30);
    expect(a.relay.onAck(0).ok).toBe(true);
    expect(a.relay.onAck(10).ok).toBe(true);
    expect(a.outbox.deliveredUpTo()).toBe(10);
    const b = setup(30, null);
    expect(b.relay.onAck(10, undefined, hashOf('a', 10)).ok).toBe(true);
    expect(b.outbox.deliveredUpTo()).toBe(10);
  });
});
