import { describe, expect, it } from 'vitest';
import { decodeLiveMessage, MAX_LIVE_MESSAGE_CHARS, type PointSnapshotData } from './index.ts';

const snapshot: PointSnapshotData = {
  siteId: 'dorf-1',
  at: 1_790_000_000_000,
  door: { state: 'locked', alarms: [], strikeReleased: false, sirenOn: false, contactOpen: false, grantId: null, faulted: false },
  occupancy: 0,
  ledger: { lastSeq: 12, outbox: 12 },
  hardware: [{ name: 'GPIO (fake)', status: 'ok' }],
  sync: { connected: true, backlog: 0, lastAckSeq: 12, lastAckAt: 1_790_000_000_000, session: 3, draining: false, progress: 1, diverged: false },
  sim: null,
  recentDecisions: [{ granted: false, reason: 'pin-locked', memberId: 'm-dieter', role: 'member', retryAfterMs: 29_500, seq: 12, at: 1_790_000_000_000 }],
};

describe('decodeLiveMessage', () => {
  it('decodes a state message into the typed snapshot', () => {
    const d = decodeLiveMessage(JSON.stringify({ type: 'state', state: snapshot }));
    expect(d).toEqual({ ok: true, value: { type: 'state', state: snapshot } });
  });

  it('reports a message type this client does not know as unknown-type, so a kiosk can ignore it', () => {
    const d = decodeLiveMessage(JSON.stringify({ type: 'locker-opened', compartment: 'A1' }));
    expect(d).toMatchObject({ ok: false, error: { code: 'unknown-type', message: expect.stringContaining('locker-opened') } });
  });

  it('refuses a state whose door state is not in the contract, naming the field', () => {
    const bad = { type: 'state', state: { ...snapshot, door: { ...snapshot.door, state: 'ajar' } } };
    expect(decodeLiveMessage(JSON.stringify(bad))).toMatchObject({
      ok: false,
      error: { code: 'schema', message: expect.stringContaining('/state/door/state') },
    });
  });

  it('refuses a decision whose retryAfterMs is not a whole number of ms', () => {
    const bad = { type: 'state', state: { ...snapshot, recentDecisions: [{ ...snapshot.recentDecisions[0], retryAfterMs: 1.5 }] } };
    expect(decodeLiveMessage(JSON.stringify(bad))).toMatchObject({ ok: false, error: { code: 'schema', message: expect.stringContaining('retryAfterMs') } });
  });

  it('refuses garbage without throwing: not JSON, not an object, no type, too large', () => {
    expect(decodeLiveMessage('{"type":')).toMatchObject({ ok: false, error: { code: 'not-json' } });
    expect(decodeLiveMessage('[1,2]')).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decodeLiveMessage('null')).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(decodeLiveMessage('{"state":{}}')).toMatchObject({ ok: false, error: { code: 'schema', message: expect.stringContaining('type') } });
    expect(decodeLiveMessage('{"type":"__proto__"}')).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(decodeLiveMessage(' '.repeat(MAX_LIVE_MESSAGE_CHARS + 1))).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });
});
