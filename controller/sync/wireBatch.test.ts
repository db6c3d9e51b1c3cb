import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decode, encode } from '../contract/sync/index.ts';
import { ledgerFixture } from '../ledger/testSupport.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { eventBatchHeader, jsonEventsPipe, toWire } from './wireBatch.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

/** The generic (object) encoding of the same selection: the reference the SQL path must match. */
function reference(l: Ledger, afterSeq: number, limit: number): Buffer {
  return encode('events', { v: 1, siteId: 'site-test', session: 3, events: l.outboxPending(afterSeq, limit).map(toWire) });
}

function fast(l: Ledger, afterSeq: number, limit: number): Buffer | undefined {
  const sent: Buffer[] = [];
  const pipe = jsonEventsPipe(
    l,
    () => eventBatchHeader('site-test', 3),
    (p) => (sent.push(p), true),
  );
  const batch = pipe.read(afterSeq, limit, 1 << 30);
  if (!batch) return undefined;
  pipe.send(batch);
  return sent[0];
}

describe('pre-serialised outbox batches (Ledger.outboxPendingJson + jsonEventsPipe)', () => {
  it('are byte-identical to the contract encoder for the same events, and decode', () => {
    const l = fx.open();
    l.appendUnchecked('sale', { cents: 199, note: 'Äpfel "süß" \\ \n\t\u2028 😀', items: [{ sku: 'a-1', qty: 2 }], ok: true, none: null });
    fx.clock.setWall(1_700_000_000_123);
    l.append('door.opened', { via: 'exit' });
    l.appendUnchecked('temp.reading', { celsius: -3.25, big: 1e21, tiny: 5e-7 });
    const payload = fast(l, 0, 10)!;
    expect(payload.equals(reference(l, 0, 10))).toBe(true);
    const d = decode('events', payload);
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.value.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('match the object encoding for arbitrary JSON data (same decoded value)', () => {
    const l = fx.open();
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 5 }), (datas) => {
        const after = l.lastSeq();
        for (const data of datas) l.appendUnchecked('fuzz.event', JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
        const got = JSON.parse(fast(l, after, 100)!.toString('utf8')) as unknown;
        expect(got).toEqual(JSON.parse(reference(l, after, 100).toString('utf8')));
      }),
      { seed: 20261121, numRuns: 60 },
    );
  });

  it('carry the stored canonical data text verbatim, so the receiver could recompute the hash', () => {
    const l = fx.open();
    // Integer-like keys: a JSON.parse/stringify round trip would reorder them; the SQL path does not.
    l.appendUnchecked('sale', { '10': 'x', '9': 'y', a: 1 });
    const row = l.db.prepare('SELECT data FROM events WHERE seq = 1').get() as { data: string };
    expect(fast(l, 0, 1)!.toString('utf8')).toContain(`"data":${row.data},"hash":`);
  });

  it('write a timestamp before 1970 as 0, as the object encoding does', () => {
    const l = fx.open();
    fx.clock.setWall(-5_000);
    l.appendUnchecked('sale', { i: 1 });
    const d = decode('events', fast(l, 0, 1)!);
    expect(d.ok && d.value.events[0]!.at).toBe(0);
    expect(fast(l, 0, 1)!.equals(reference(l, 0, 1))).toBe(true);
  });

  it('select exactly what outboxPending selects: after the cursor, undelivered, at most limit', () => {
    const l = fx.open();
    for (let i = 0; i < 10; i++) l.appendUnchecked('sale', { i });
    l.markDeliveredUpTo(4);
    expect(l.outboxPendingJson(0, 3)).toMatchObject({ first: 5, last: 7, count: 3 });
    expect(l.outboxPendingJson(8, 100)).toMatchObject({ first: 9, last: 10, count: 2 });
    expect(l.outboxPendingJson(10, 100)).toBeUndefined();
    expect(l.outboxPendingJson(0, 0)).toBeUndefined();
    expect(fast(l, 0, 100)!.equals(reference(l, 0, 100))).toBe(true);
  });

  it('bound a batch by encoded bytes; one event larger than the bound goes alone', () => {
    const l = fx.open();
    for (let i = 0; i < 20; i++) l.appendUnchecked('sale', { i, pad: 'p'.repeat(50) });
    l.appendUnchecked('sale', { huge: 'h'.repeat(5_000) });
    const pipe = jsonEventsPipe(
      l,
      () => eventBatchHeader('site-test', 1),
      () => true,
    );
    const one = pipe.read(0, 500, 1_000)!;
    expect(one.first).toBe(1);
    expect(one.count).toBeGreaterThan(1);
    expect(one.json.length - 1).toBeLessThanOrEqual(1_000);
    const next = pipe.read(one.last, 500, 1_000)!;
    expect(next.first).toBe(one.last + 1);
    const huge = pipe.read(20, 500, 1_000)!;
    expect(huge).toMatchObject({ first: 21, last: 21, count: 1 });
    expect(pipe.size(huge)).toBeGreaterThan(5_000);
  });
});
