import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { OutboxRelay, type BatchPipe, type RelayBatch, type RelayOptions } from './outboxRelay.ts';
import type { OutboxEvent, OutboxSource } from './outboxSource.ts';

/** n pending events; every batch is `bytesPerEvent × count` bytes. */
function setup(n: number, opts: Partial<RelayOptions>, bytesPerEvent = 100) {
  const clock = new ManualClock();
  let delivered = 0;
  let last = n;
  const appended = new Set<(e: OutboxEvent) => void>();
  const source: OutboxSource = {
    lastSeq: () => last,
    outboxPending: () => [],
    markDeliveredUpTo: (seq) => void (delivered = Math.max(delivered, seq)),
    deliveredUpTo: () => delivered,
    onAppended: (l) => (appended.add(l), () => appended.delete(l)),
  };
  const sent: (RelayBatch & { count: number })[] = [];
  let busy = false;
  const pipe: BatchPipe<RelayBatch & { count: number }> = {
    read(after, maxEvents) {
      const from = Math.max(after, delivered) + 1;
      if (from > last) return undefined;
      const to = Math.min(last, from + maxEvents - 1);
      return { first: from, last: to, count: to - from + 1 };
    },
    send: (b) => (sent.push(b), true),
    size: (b) => b.count * bytesPerEvent,
    busy: () => busy,
  };
  const relay = new OutboxRelay(source, pipe, clock, createSilentLogger(), { maxBatchEvents: 10, ackTimeoutMs: 1000, ...opts });
  relay.start();
  const append = () => {
    last++;
    for (const l of appended) l({ seq: last, type: 'sale', at: 0, clockSynced: false, data: {} });
  };
  return { clock, relay, sent, append, setBusy: (b: boolean) => (busy = b), delivered: () => delivered };
}
const ranges = (b: RelayBatch[]) => b.map((x) => [x.first, x.last]);

describe('OutboxRelay flow control', () => {
  it('stops at the in-flight byte window and refills it as acks arrive', () => {
    const { relay, sent } = setup(100, { maxInflight: 100, maxInflightBytes: 2_500 });
    relay.setOnline(true);
    // 1,000 bytes per batch: sends while below 2,500 in flight, so the third one crosses the window.
    expect(ranges(sent)).toEqual([
      [1, 10],
      [11, 20],
      [21, 30],
    ]);
    relay.onAck(5); // no batch completed: still 3,000 in flight
    expect(sent).toHaveLength(3);
    relay.onAck(10); // 2,000 in flight: one more
    expect(ranges(sent.slice(3))).toEqual([[31, 40]]);
    relay.onAck(30); // 1,000 in flight: two more
    expect(ranges(sent.slice(4))).toEqual([
      [41, 50],
      [51, 60],
    ]);
    expect(relay.status().inflightBatches).toBe(3);
  });

  it('always sends one batch, even one larger than the byte window', () => {
    const { relay, sent } = setup(30, { maxInflight: 100, maxInflightBytes: 10 });
    relay.setOnline(true);
    expect(ranges(sent)).toEqual([[1, 10]]);
  });

  it('holds back while the transport is busy and resumes on resume() or the next ack', () => {
    const { relay, sent, setBusy } = setup(100, { maxInflight: 100 });
    setBusy(true);
    relay.setOnline(true);
    expect(ranges(sent)).toEqual([[1, 10]]); // nothing in flight: one batch regardless
    relay.resume();
    expect(sent).toHaveLength(1);
    setBusy(false);
    relay.resume();
    expect(sent).toHaveLength(10);
    setBusy(true);
    relay.onAck(50);
    expect(sent).toHaveLength(10);
    setBusy(false);
    relay.onAck(60);
    expect(sent.at(-1)!.last).toBe(100);
  });

  it('keeps one ack timer armed across many acks and still times out a full timeout after the last one', () => {
    const { relay, sent, clock } = setup(1_000, { maxInflight: 4 });
    relay.setOnline(true);
    for (let i = 1; i <= 20; i++) {
      clock.advance(100);
      relay.onAck(i * 10);
      expect(clock.pendingTimers()).toBe(1);
    }
    const before = sent.length;
    clock.advance(999);
    expect(sent).toHaveLength(before);
    expect(relay.status().ackTimeouts).toBe(0);
    clock.advance(1);
    expect(relay.status().ackTimeouts).toBe(1);
    expect(sent[before]!.first).toBe(201); // go-back-N from the last ack
  });

  it('after a doubled timeout, an ack brings the deadline back to the base timeout', () => {
    const { relay, clock } = setup(1_000, { maxInflight: 4 });
    relay.setOnline(true);
    clock.advance(1_000); // timeout → 2,000 ms now
    expect(relay.status().ackTimeouts).toBe(1);
    relay.onAck(10); // resets to 1,000 ms from now
    clock.advance(999);
    expect(relay.status().ackTimeouts).toBe(1);
    clock.advance(1);
    expect(relay.status().ackTimeouts).toBe(2);
  });

  it('sends a live event appended during a drain right after the backlog before it, in seq order', () => {
    const { relay, sent, append } = setup(40, { maxInflight: 2 });
    relay.setOnline(true);
    append(); // seq 41: the window is full, it waits
    expect(sent.at(-1)!.last).toBe(20);
    relay.onAck(20);
    relay.onAck(40);
    expect(ranges(sent)).toEqual([
      [1, 10],
      [11, 20],
      [21, 30],
      [31, 40],
      [41, 41],
    ]);
  });

  it('releases its timer on stop', () => {
    const { relay, clock } = setup(100, {});
    relay.setOnline(true);
    expect(clock.pendingTimers()).toBe(1);
    relay.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
