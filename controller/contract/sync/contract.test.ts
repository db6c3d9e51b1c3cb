import { describe, expect, it } from 'vitest';
import { decode, decodeMessage, encode, MAX_BYTES, MAX_EVENTS_PER_BATCH, parseTopic, topics, isValidSiteId, type EventBatch } from './index.ts';

const batch = (over: Partial<EventBatch> = {}): EventBatch => ({
  v: 1,
  siteId: 'dorf-1',
  session: 3,
  events: [
    { seq: 1, type: 'sale', at: 0, clockSynced: false, data: { cents: 199 } },
    { seq: 2, type: 'door.opened', at: 5, clockSynced: false, data: null },
  ],
  ...over,
});

describe('topics', () => {
  it('builds and parses every kind round-trip', () => {
    for (const t of [
      topics.upEvents('dorf-1'),
      topics.upState('dorf-1'),
      topics.upApplied('dorf-1'),
      topics.upCommandResults('dorf-1'),
      topics.downAck('dorf-1'),
      topics.downChanges('dorf-1'),
      topics.downCommands('dorf-1'),
    ]) {
      const p = parseTopic(t);
      expect(p.ok, t).toBe(true);
      if (p.ok) expect(p.value.siteId).toBe('dorf-1');
    }
    expect(topics.upEvents('dorf-1')).toBe('dorfpunkt/v1/dorf-1/up/events');
    expect(topics.shared('bo', 'events')).toBe('$share/bo/dorfpunkt/v1/+/up/events');
  });

  it('refuses unknown versions, wrong direction/kind pairs, bad site ids and other roots', () => {
    expect(parseTopic('dorfpunkt/v2/dorf-1/up/events')).toMatchObject({ ok: false, error: expect.stringContaining('version') });
    expect(parseTopic('dorfpunkt/v1/dorf-1/down/events').ok).toBe(false);
    expect(parseTopic('dorfpunkt/v1/Dorf_1/up/events').ok).toBe(false);
    expect(parseTopic('dorfpunkt/v1/+/up/events').ok).toBe(false);
    expect(parseTopic('other/v1/dorf-1/up/events').ok).toBe(false);
    expect(parseTopic('dorfpunkt/v1/dorf-1/up/events/x').ok).toBe(false);
    expect(parseTopic(42).ok).toBe(false);
  });

  it('validates site ids and refuses to build topics for bad ones', () => {
    expect(isValidSiteId('a1')).toBe(true);
    expect(isValidSiteId('-a')).toBe(false);
    expect(isValidSiteId('a/b')).toBe(false);
    expect(isValidSiteId('a+')).toBe(false);
    expect(isValidSiteId('x'.repeat(64))).toBe(false);
    expect(() => topics.upEvents('#')).toThrow(/invalid siteId/);
  });
});

describe('decode rejects bad payloads with a reason and never throws', () => {
  it('accepts a good batch', () => {
    const r = decode('events', encode('events', batch()));
    expect(r.ok).toBe(true);
  });
  it('malformed JSON', () => {
    expect(decode('events', Buffer.from('{"v":1,'))).toMatchObject({ ok: false, error: { code: 'not-json' } });
  });
  it('invalid UTF-8', () => {
    expect(decode('events', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ ok: false, error: { code: 'not-json' } });
  });
  it('wrong schema names the field', () => {
    const r = decode('events', JSON.stringify({ ...batch(), events: [{ seq: 0, type: 'sale', at: 0, clockSynced: false, data: 1 }] }));
    expect(r).toMatchObject({ ok: false, error: { code: 'schema', message: expect.stringContaining('/events/0/seq') } });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: '3' }))).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, extra: 1 }))).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decode('events', '[]')).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decode('events', 'null')).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
  it('oversize payload and too many events', () => {
    const big = Buffer.alloc(MAX_BYTES.events + 1, 0x20);
    expect(decode('events', big)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => ({ seq: i + 1, type: 'x', at: 0, clockSynced: true, data: 0 }));
    expect(decode('events', JSON.stringify(batch({ events })))).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
  it('unknown version', () => {
    expect(decode('events', JSON.stringify({ ...batch(), v: 2 }))).toMatchObject({ ok: false, error: { code: 'unsupported-version' } });
    expect(decode('state', JSON.stringify({ status: 'online', session: 1 }))).toMatchObject({ ok: false, error: { code: 'unsupported-version' } });
  });
  it('events out of order', () => {
    const events = [
      { seq: 2, type: 'x', at: 0, clockSynced: true, data: 0 },
      { seq: 2, type: 'x', at: 0, clockSynced: true, data: 0 },
    ];
    expect(decode('events', JSON.stringify(batch({ events })))).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });
  it('batch for another site than its topic', () => {
    expect(decodeMessage('dorfpunkt/v1/dorf-2/up/events', JSON.stringify(batch()))).toMatchObject({ ok: false, error: { code: 'site-mismatch' } });
    expect(decodeMessage('dorfpunkt/v9/dorf-1/up/events', JSON.stringify(batch()))).toMatchObject({ ok: false, error: { code: 'bad-topic' } });
  });
  it('ack carries an optional server time (epoch ms); acks without it (older backoffices) still validate', () => {
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, serverTime: 1_767_225_600_000 }))).toMatchObject({
      ok: true,
      value: { serverTime: 1_767_225_600_000 },
    });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3 })).ok).toBe(true);
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, serverTime: -1 }))).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, serverTime: '2026-01-01' }))).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
  it('ack carries an optional hash of the stored event at upTo (hex); acks without it (older backoffices) still validate', () => {
    const h = 'ab'.repeat(32);
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, upToHash: h }))).toMatchObject({ ok: true, value: { upToHash: h } });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, serverTime: 5 })).ok).toBe(true);
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, upToHash: 'XYZ' }))).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decode('ack', JSON.stringify({ v: 1, upTo: 3, upToHash: 42 }))).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
  it('command with inconsistent expiry and too long ttl', () => {
    const c = { v: 1, id: 'cmd-12345678', kind: 'door.release', issuedAt: 1000, ttlMs: 60000, expiresAt: 61000, session: 4, body: {} };
    expect(decode('commands', JSON.stringify(c)).ok).toBe(true);
    expect(decode('commands', JSON.stringify({ ...c, expiresAt: 99 }))).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(decode('commands', JSON.stringify({ ...c, ttlMs: 25 * 3600_000, expiresAt: undefined }))).toMatchObject({ ok: false, error: { code: 'schema' } });
  });
});
