import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerError } from './errors.ts';
import { ledgerFixture } from './testSupport.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

describe('ledger read queries for feature rebuilds', () => {
  it('eventsOfTypes returns only the named types, ascending, paged by seq', () => {
    const l = fx.open();
    for (let i = 0; i < 5; i++) {
      l.appendUnchecked('alarm.raised', { key: `k${i}` });
      l.append('door.opened', { via: 'grant' });
    }
    const first = l.eventsOfTypes(['alarm.raised', 'alarm.cleared'], 1, 3);
    expect(first.map((e) => [e.seq, e.data['key']])).toEqual([
      [1, 'k0'],
      [3, 'k1'],
      [5, 'k2'],
    ]);
    const rest = l.eventsOfTypes(['alarm.raised'], first.at(-1)!.seq + 1, 3);
    expect(rest.map((e) => e.data['key'])).toEqual(['k3', 'k4']);
    expect(l.eventsOfTypes([], 1, 10)).toEqual([]);
  });

  it('type lookups are answered from the type index, not by walking the whole log', () => {
    const l = fx.open();
    // A year of fridge readings is millions of rows; a rare event type must not cost a full scan.
    const plans = [
      'SELECT seq FROM events WHERE type = ? ORDER BY seq DESC LIMIT 1',
      'SELECT seq FROM events WHERE seq >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?',
    ].map((q) =>
      (l.db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...(q.includes('json_each') ? [1, '["a"]', 1] : ['a'])) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join(' | '),
    );
    for (const plan of plans) expect(plan).toMatch(/events_type_seq/);
  });

  it('latestEvent finds the newest event of a type, optionally by a data field', () => {
    const l = fx.open();
    l.appendUnchecked('fridge.readings', { fridgeId: 'a', n: 1 });
    l.appendUnchecked('fridge.readings', { fridgeId: 'b', n: 2 });
    l.appendUnchecked('fridge.readings', { fridgeId: 'a', n: 3 });
    l.append('door.opened', { via: 'exit' });
    expect(l.latestEvent('fridge.readings')?.data['n']).toBe(3);
    expect(l.latestEvent('fridge.readings', { field: 'fridgeId', equals: 'b' })?.data['n']).toBe(2);
    expect(l.latestEvent('fridge.readings', { field: 'fridgeId', equals: 'c' })).toBeUndefined();
    expect(l.latestEvent('fridge.gap')).toBeUndefined();
  });

  it('latestEvent refuses a field that is not a plain property name', () => {
    const l = fx.open();
    expect(() => l.latestEvent('x.y', { field: "a') OR 1=1 --", equals: 1 })).toThrow(LedgerError);
  });
});
