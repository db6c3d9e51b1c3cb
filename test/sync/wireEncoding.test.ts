import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../controller/contract/sync/index.ts';
import { encodeEventBatch, toWire } from '../../controller/sync/syncClient.ts';

describe('up/events encoding', () => {
  it('the pre-serialised batch is byte-identical to the contract encoder and decodes', () => {
    const events = [
      { seq: 1, type: 'sale', at: 0, clockSynced: false, data: { cents: 199, note: 'Äpfel "süß"' }, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) },
      { seq: 2, type: 'door.opened', at: 1_700_000_000_000, clockSynced: true, data: {}, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) },
    ];
    const fast = encodeEventBatch(
      'dorf-1',
      7,
      events.map((e) => JSON.stringify(toWire(e))),
    );
    const reference = encode('events', { v: 1, siteId: 'dorf-1', session: 7, events: events.map(toWire) });
    expect(fast.equals(reference)).toBe(true);
    const d = decode('events', fast);
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.value.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('sends only contract fields (no prevHash) and never a negative timestamp', () => {
    const w = toWire({ seq: 3, type: 'sale', at: -5, clockSynced: false, data: {}, prevHash: 'x' } as never);
    expect(Object.keys(w).sort()).toEqual(['at', 'clockSynced', 'data', 'seq', 'type']);
    expect(w.at).toBe(0);
  });
});
