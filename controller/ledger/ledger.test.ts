import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { canonicalJson, eventHash, GENESIS_HASH } from './canonical.ts';
import { LedgerError } from './errors.ts';
import { dumpState } from './state/projection.ts';
import { ledgerFixture } from './testSupport.ts';
import type { LedgerEvent } from './types.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

describe('append', () => {
  it('numbers events contiguously from 1 across reopen and chains their hashes', () => {
    const a = fx.open();
    const e1 = a.appendUnchecked('entry.granted', { credentialId: 'c1' });
    fx.clock.advance(1000);
    const e2 = a.appendUnchecked('entry.granted', { credentialId: 'c2' });
    a.close();
    const b = fx.open();
    const e3 = b.appendUnchecked('entry.granted', { credentialId: 'c3' });
    expect([e1.seq, e2.seq, e3.seq]).toEqual([1, 2, 3]);
    expect(e1.prevHash).toBe(GENESIS_HASH);
    expect(e2.prevHash).toBe(e1.hash);
    expect(e3.prevHash).toBe(e2.hash);
    expect(e2.at - e1.at).toBe(1000);
    expect(b.lastSeq()).toBe(3);
    expect(b.events(1, 10)).toEqual([e1, e2, e3]);
    expect(b.events(2, 1)).toEqual([e2]);
    expect(b.verifyChain()).toEqual({ ok: true, count: 3 });
  });

  it('records whether the clock was synced at append time', () => {
    let synced = false;
    const l = fx.open({ isClockSynced: () => synced });
    const before = l.appendUnchecked('entry.granted', {});
    synced = true;
    const after = l.appendUnchecked('entry.granted', {});
    expect([before.clockSynced, after.clockSynced]).toEqual([false, true]);
    expect(l.events(1, 2).map((e) => e.clockSynced)).toEqual([false, true]);
  });

  it('hashes canonical data, so key order does not matter and the stored data is what listeners see', () => {
    const l = fx.open();
    const seen: LedgerEvent[] = [];
    l.onAppended((e) => seen.push(e));
    const e = l.appendUnchecked('sale.completed', { totalCents: 250, items: [{ b: 1, a: 2 }], skip: undefined });
    expect(e.data).toEqual({ items: [{ a: 2, b: 1 }], totalCents: 250 });
    expect(Object.keys(e.data)).toEqual(['items', 'totalCents']);
    expect(seen).toEqual([e]);
    expect(l.events(1, 1)[0]).toEqual(e);
  });

  it('calls listeners only after commit, and a throwing listener neither undoes the event nor stops others', () => {
    const records: ReturnType<typeof createRecordingLogger>['records'] = [];
    const l = fx.open({ logger: createRecordingLogger(records) });
    const seenInListener: number[] = [];
    l.onAppended(() => {
      // a fresh connection sees the event only if it is committed
      const other = new Database(fx.path, { readonly: true });
      seenInListener.push((other.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
      other.close();
      throw new Error('listener bug');
    });
    const second: number[] = [];
    const off = l.onAppended((e) => second.push(e.seq));
    l.appendUnchecked('entry.granted', {});
    off();
    l.appendUnchecked('entry.granted', {});
    expect(seenInListener).toEqual([1, 2]);
    expect(second).toEqual([1]);
    expect(records.some((r) => r.level === 'error' && /listener threw/.test(r.msg ?? ''))).toBe(true);
  });

  it('a throw inside alsoInTx rolls back event, outbox and state and consumes no seq', () => {
    const l = fx.open();
    l.appendUnchecked('door.state', { state: 'locked' });
    const stateBefore = dumpState(l.db);
    expect(() =>
      l.appendUnchecked('door.state', { state: 'open' }, (db) => {
        db.prepare("UPDATE ledger_meta SET value = 'touched' WHERE key = 'site_id'").run();
        throw new Error('feature table write failed');
      }),
    ).toThrow('feature table write failed');
    expect(l.lastSeq()).toBe(1);
    expect(l.outboxCount()).toBe(1);
    expect(dumpState(l.db)).toEqual(stateBefore);
    expect(l.state.doorState()?.state).toBe('locked');
    expect(l.db.prepare("SELECT value FROM ledger_meta WHERE key = 'site_id'").get()).toEqual({ value: 'site-test' });
    expect(l.appendUnchecked('door.state', { state: 'open' }).seq).toBe(2);
    expect(l.verifyChain()).toEqual({ ok: true, count: 2 });
  });

  it('refuses an append nested in another transaction (listeners must never see uncommitted events)', () => {
    const l = fx.open();
    const seen: number[] = [];
    l.onAppended((e) => seen.push(e.seq));
    expect(() => l.appendUnchecked('a.b', {}, () => void l.appendUnchecked('c.d', {}))).toThrow(/inside another transaction refused/);
    expect(() => l.db.transaction(() => l.appendUnchecked('a.b', {}))()).toThrow(/inside another transaction refused/);
    expect(l.lastSeq()).toBe(0);
    expect(seen).toEqual([]);
  });

  it('alsoInTx writes commit together with the event', () => {
    const l = fx.open({
      migrations: [{ id: 'test-0001-sales', up: (db) => db.exec('CREATE TABLE sales (seq INTEGER PRIMARY KEY, cents INTEGER)') }],
    });
    const e = l.appendUnchecked('sale.completed', { totalCents: 399 }, (db) => {
      db.prepare('INSERT INTO sales (seq, cents) VALUES ((SELECT max(seq) FROM events), 399)').run();
    });
    expect(l.db.prepare('SELECT seq, cents FROM sales').all()).toEqual([{ seq: e.seq, cents: 399 }]);
  });

  it.each([
    ['NaN', { totalCents: Number.NaN }, /data\.totalCents is not JSON-serialisable: NaN/],
    ['Infinity', { x: [1, Infinity] }, /data\.x\[1\] is not JSON-serialisable/],
    ['BigInt', { cents: 10n }, /data\.cents is not JSON-serialisable: a bigint/],
    ['function', { cb: () => 1 }, /data\.cb is not JSON-serialisable: a function/],
    ['Date', { when: new Date(0) }, /data\.when is not JSON-serialisable: a Date is not a plain object/],
    ['Map', { m: new Map() }, /data\.m .*a Map/],
    ['undefined in array', { a: [undefined] }, /data\.a\[0\]/],
  ])('refuses unserialisable data (%s) with a clear error and writes nothing', (_name, data, message) => {
    const l = fx.open();
    expect(() => l.appendUnchecked('sale.completed', data as Record<string, unknown>)).toThrow(message);
    expect(l.lastSeq()).toBe(0);
    expect(l.outboxCount()).toBe(0);
  });

  it('refuses cyclic data, a non-object payload and a malformed type', () => {
    const l = fx.open();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(() => l.appendUnchecked('x.y', cyclic)).toThrow(/data\.self .*cycle/);
    expect(() => l.appendUnchecked('x.y', [] as unknown as Record<string, unknown>)).toThrow(/must be a plain object/);
    expect(() => l.appendUnchecked('x.y', null as unknown as Record<string, unknown>)).toThrow(/must be a plain object/);
    expect(() => l.appendUnchecked('', {})).toThrow(/event type "" is not/);
    expect(() => l.appendUnchecked('Sale Completed', {})).toThrow(LedgerError);
    expect(l.lastSeq()).toBe(0);
  });

  it('refuses a state event whose payload is invalid, naming the field, and writes nothing', () => {
    const l = fx.open();
    expect(() => l.appendUnchecked('member.upserted', { memberId: 'm1', name: 'Anna', role: 'boss', ageVerified: true })).toThrow(
      /"member.upserted" data\.role/,
    );
    expect(() =>
      l.appendUnchecked('credential.issued', {
        credentialId: 'c1',
        memberId: 'm1',
        kind: 'card',
        role: 'member',
        ageVerified: false,
        expiresAt: null,
      }),
    ).toThrow(/kind card needs cardUid and pinHash/);
    expect(l.lastSeq()).toBe(0);
    expect(l.state.members()).toEqual([]);
  });
});

describe('append-only and tamper evidence', () => {
  it('refuses UPDATE and DELETE of events', () => {
    const l = fx.open();
    l.appendUnchecked('entry.granted', { credentialId: 'c1' });
    expect(() => l.db.prepare("UPDATE events SET type = 'x' WHERE seq = 1").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => l.db.prepare('DELETE FROM events').run()).toThrow(/append-only: DELETE refused/);
    expect(l.verifyChain()).toEqual({ ok: true, count: 1 });
  });

  it.each([
    ['data', 'UPDATE events SET data = \'{"credentialId":"c9"}\' WHERE seq = 2', 'hash does not match'],
    ['at', 'UPDATE events SET at = at + 1 WHERE seq = 2', 'hash does not match'],
    ['hash', 'UPDATE events SET hash = upper(hash) WHERE seq = 2', 'hash does not match'],
    ['deleted row', 'DELETE FROM events WHERE seq = 2', 'seq 2 is missing'],
  ])('verifyChain pinpoints a row tampered through a raw connection (%s)', (_name, sql, reason) => {
    const l = fx.open();
    for (let i = 1; i <= 4; i++) l.appendUnchecked('entry.granted', { credentialId: `c${i}` });
    const raw = new Database(fx.path);
    raw.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; PRAGMA foreign_keys = OFF');
    raw.exec(sql);
    raw.close();
    const result = l.verifyChain();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.seq).toBe(2);
      expect(result.reason).toContain(reason);
    }
  });

  it('a tamperer who recomputes the edited row hash breaks the link to the next event', () => {
    const l = fx.open();
    for (let i = 1; i <= 3; i++) l.appendUnchecked('entry.granted', { credentialId: `c${i}` });
    const e2 = l.events(2, 1)[0]!;
    const forged = canonicalJson({ credentialId: 'someone-else' });
    const hash = eventHash(e2.prevHash, 2, e2.type, e2.at, e2.clockSynced, forged);
    const raw = new Database(fx.path);
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare('UPDATE events SET data = ?, hash = ? WHERE seq = 2').run(forged, hash);
    raw.close();
    expect(l.verifyChain()).toEqual({ ok: false, seq: 3, reason: 'prevHash does not match the previous event hash' });
  });
});

describe('migrations and site binding', () => {
  it('applies core and feature migrations once each, in order, and records them', () => {
    const calls: string[] = [];
    const migrations = [
      { id: 'feat-0001', up: () => void calls.push('feat-0001') },
      { id: 'feat-0002', up: () => void calls.push('feat-0002') },
    ];
    fx.open({ migrations }).close();
    fx.open({ migrations }).close();
    expect(calls).toEqual(['feat-0001', 'feat-0002']);
    const l = fx.open({ migrations });
    const ids = (l.db.prepare('SELECT id FROM migrations ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toEqual([
      '0001-ledger-events-outbox',
      '0002-ledger-materialised-state',
      '0003-pin-lockout-monotonic',
      '0004-events-type-index',
      'feat-0001',
      'feat-0002',
    ]);
  });

  it('rolls back a failing migration, names it, and opens nothing', () => {
    const bad = {
      id: 'feat-broken',
      up: (db: Database.Database) => {
        db.exec('CREATE TABLE half (x)');
        throw new Error('boom');
      },
    };
    expect(() => fx.open({ migrations: [bad] })).toThrow(/migration "feat-broken" failed and was rolled back: boom/);
    const l = fx.open();
    expect(l.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
  });

  it('refuses duplicate migration ids and a ledger of another site', () => {
    const m = { id: 'dup', up: () => {} };
    expect(() => fx.open({ migrations: [m, m] })).toThrow(/"dup" is listed twice/);
    fx.open().close();
    expect(() => fx.open({ siteId: 'other-site' })).toThrow(/belongs to site "site-test", not "other-site"/);
  });
});

describe('appendMany', () => {
  let fx: ReturnType<typeof ledgerFixture>;
  beforeEach(() => {
    fx = ledgerFixture();
  });
  afterEach(() => fx.cleanup());

  it('records several events with consecutive seqs, chained, with their outbox rows and state, in one transaction', () => {
    const l = fx.open();
    const seen: number[] = [];
    l.onAppended((e) => seen.push(e.seq));
    const events = l.appendMany([
      { type: 'member.upserted', data: { memberId: 'm1', name: 'Anna', role: 'member', ageVerified: true } },
      { type: 'member.upserted', data: { memberId: 'm2', name: 'Bernd', role: 'member', ageVerified: false } },
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(seen).toEqual([1, 2]);
    expect(l.outboxCount()).toBe(2);
    expect(
      l.state
        .members()
        .map((m) => m.memberId)
        .sort(),
    ).toEqual(['m1', 'm2']);
    expect(l.verifyChain()).toEqual({ ok: true, count: 2 });
  });

  it('writes none of the events when one of them is invalid', () => {
    const l = fx.open();
    expect(() =>
      l.appendMany([
        { type: 'member.upserted', data: { memberId: 'm1', name: 'Anna', role: 'member', ageVerified: true } },
        { type: 'member.upserted', data: { memberId: 'm2', name: 'Bernd', role: 'king', ageVerified: false } },
      ]),
    ).toThrow(/role/);
    expect(l.lastSeq()).toBe(0);
    expect(l.state.members()).toEqual([]);
    expect(l.outboxCount()).toBe(0);
  });
});
