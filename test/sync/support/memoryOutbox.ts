import type { OutboxEvent, OutboxSource } from '../../../controller/sync/outboxSource.ts';

/** In-memory OutboxSource for relay unit tests. */
export class MemoryOutbox implements OutboxSource {
  readonly events: OutboxEvent[] = [];
  private delivered = 0;
  private readonly listeners = new Set<(e: OutboxEvent) => void>();

  append(type = 'sale', data: Record<string, unknown> = {}): OutboxEvent {
    const e: OutboxEvent = { seq: this.events.length + 1, type, at: 0, clockSynced: false, data };
    this.events.push(e);
    for (const l of this.listeners) l(e);
    return e;
  }
  lastSeq(): number {
    return this.events.length;
  }
  outboxPending(afterSeq: number, limit: number): OutboxEvent[] {
    const from = Math.max(afterSeq, this.delivered);
    return this.events.slice(from, from + limit);
  }
  markDeliveredUpTo(seq: number): void {
    this.delivered = Math.max(this.delivered, Math.min(seq, this.events.length));
  }
  deliveredUpTo(): number {
    return this.delivered;
  }
  onAppended(listener: (e: OutboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
