import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger, createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { OutboxRelay, type RelayOptions } from '../../controller/sync/outboxRelay.ts';
import type { OutboxEvent } from '../../controller/sync/outboxSource.ts';
import { MemoryOutbox } from './support/memoryOutbox.ts';

function setup(n: number, opts: Partial<RelayOptions> = {}) {
  const clock = new ManualClock();
  const outbox = new MemoryOutbox();
  for (let i = 0; i < n; i++) outbox.append('sale', { i });
  const sent: OutboxEvent[][] = [];
  let linkUp = true;
  const relay = new OutboxRelay(outbox, (b) => (linkUp ? (sent.push(b), true) : false), clock, createSilentLogger(), {
    maxBatchEvents: 10,
    maxInflight: 2,
    ackTimeoutMs: 1000,
    ...opts,
  });
  relay.start();
  return { clock, outbox, sent, relay, setLink: (up: boolean) => (linkUp = up) };
}
const range = (b: OutboxEvent[]) => [b[0]!.seq, b[b.length - 1]!.seq];

describe('OutboxRelay', () => {
  it('sends in seq order in bounded batches with at most maxInflight unacknowledged', () => {
    const { sent, relay } = setup(35);
    relay.setOnline(true);
    expect(sent.map(range)).toEqual([
      [1, 10],
      [11, 20],
    ]);
    relay.onAck(10);
    expect(sent.map(range)).toEqual([
      [1, 10],
      [11, 20],
      [21, 30],
    ]);
  });

  it('bounds batches by encoded bytes too', () => {
    const { sent, relay } = setup(10, { maxBatchBytes: 300 });
    relay.setOnline(true);
    for (const b of sent) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(300 + b.length);
    expect(sent[0]!.length).toBeLessThan(10);
  });

  it('marks delivered only on the backoffice ack, never on send', () => {
    const { outbox, relay } = setup(5);
    relay.setOnline(true);
    expect(outbox.deliveredUpTo()).toBe(0);
    relay.onAck(3);
    expect(outbox.deliveredUpTo()).toBe(3);
    expect(relay.status()).toMatchObject({ lastAckSeq: 3, backlog: 2 });
  });

  it('resends from the last ack after a reconnect', () => {
    const { sent, relay } = setup(15);
    relay.setOnline(true);
    relay.onAck(4);
    relay.setOnline(false);
    relay.setOnline(true);
    expect(range(sent[2]!)).toEqual([5, 14]);
  });

  it('resends from the last ack when no ack arrives in time, backing off the timeout', () => {
    const { sent, relay, clock } = setup(15);
    relay.setOnline(true);
    clock.advance(999);
    expect(sent).toHaveLength(2);
    clock.advance(1);
    expect(sent.map(range).slice(2)).toEqual([
      [1, 10],
      [11, 15],
    ]);
    clock.advance(1999);
    expect(sent).toHaveLength(4);
    clock.advance(1);
    expect(sent).toHaveLength(6);
    expect(relay.status().ackTimeouts).toBe(2);
  });

  it('honours resendFrom once and ignores repeats of the same request', () => {
    const { sent, relay } = setup(30);
    relay.setOnline(true);
    relay.onAck(5, 6);
    expect(range(sent[2]!)).toEqual([6, 15]);
    const before = sent.length;
    relay.onAck(5, 6);
    expect(sent.length).toBe(before);
  });

  it("marks nothing on an ack beyond what the ledger holds (another ledger's progress) and logs the inconsistency", () => {
    const clock = new ManualClock();
    const outbox = new MemoryOutbox();
    outbox.append();
    const logger = createRecordingLogger();
    const relay = new OutboxRelay(outbox, () => true, clock, logger);
    relay.start();
    relay.setOnline(true);
    expect(relay.onAck(99).ok).toBe(false);
    expect(outbox.deliveredUpTo()).toBe(0);
    expect(relay.status()).toMatchObject({ diverged: true, ackMismatches: 1 });
    expect(logger.records.some((r) => r.level === 'warn' || r.level === 'error')).toBe(true);
  });

  it('pumps newly appended events and stops when the transport refuses', () => {
    const { sent, relay, outbox, setLink } = setup(0);
    relay.setOnline(true);
    outbox.append();
    expect(sent.map(range)).toEqual([[1, 1]]);
    setLink(false);
    outbox.append();
    expect(sent).toHaveLength(1);
    relay.stop();
  });

  it('reports drain progress for a backlog larger than one batch', () => {
    const { relay } = setup(40);
    relay.setOnline(true);
    expect(relay.status()).toMatchObject({ draining: true, progress: 0 });
    relay.onAck(20);
    expect(relay.status().progress).toBeCloseTo(0.5);
    relay.onAck(30);
    relay.onAck(40);
    expect(relay.status()).toMatchObject({ draining: false, progress: 1, backlog: 0 });
  });

  it('logs loudly, and changes nothing, when the backoffice asks for events it already acknowledged', () => {
    const clock = new ManualClock();
    const outbox = new MemoryOutbox();
    for (let i = 0; i < 20; i++) outbox.append();
    const logger = createRecordingLogger();
    const sent: number[] = [];
    const relay = new OutboxRelay(outbox, (b) => (sent.push(b[0]!.seq), true), clock, logger, { maxBatchEvents: 5, maxInflight: 1 });
    relay.start();
    relay.setOnline(true);
    relay.onAck(10);
    const before = sent.length;
    relay.onAck(10, 3);
    expect(sent.length).toBe(before);
    expect(outbox.deliveredUpTo()).toBe(10);
    expect(logger.records.some((r) => r.level === 'error' && String(r.msg).includes('already acknowledged'))).toBe(true);
  });

  it('a transport error while pumping after an append never reaches the ledger caller', () => {
    const clock = new ManualClock();
    const outbox = new MemoryOutbox();
    const logger = createRecordingLogger();
    const relay = new OutboxRelay(
      outbox,
      () => {
        throw new Error('socket gone');
      },
      clock,
      logger,
    );
    relay.start();
    expect(() => relay.setOnline(true)).not.toThrow();
    expect(() => outbox.append()).not.toThrow();
    expect(logger.records.some((r) => r.level === 'error')).toBe(true);
  });
});
