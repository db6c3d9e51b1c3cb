import { describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { createSilentLogger } from '../platform/logger.ts';
import { LinkDownError, describeLinkStatus, type LinkStatus } from './link.ts';
import { createMemoryLinkPair } from './memoryLink.ts';
import { ReconnectingLink } from './reconnectingLink.ts';

const flush = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('reconnecting link', () => {
  it('reports connected, then reconnecting with the backoff delay after the cable is pulled, then connected again', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock, backoff: { initialMs: 200, factor: 2, maxMs: 1600, jitter: 0 } });
    const seen: LinkStatus[] = [];
    pair.host.onStatus((s) => seen.push(s));
    await pair.host.start();
    await pair.device.start();
    expect(pair.host.status).toEqual({ state: 'connected' });

    pair.unplug();
    expect(pair.host.status).toEqual({ state: 'reconnecting', inMs: 200, attempt: 1, lastError: 'cable unplugged' });
    clock.advance(200);
    await flush();
    expect(pair.host.status).toMatchObject({ state: 'reconnecting', inMs: 400, attempt: 2, lastError: expect.stringMatching(/unplugged/) });
    clock.advance(400);
    await flush();
    clock.advance(800);
    await flush();
    clock.advance(1600);
    await flush();
    expect(pair.host.status).toMatchObject({ state: 'reconnecting', inMs: 1600, attempt: 5 });
    pair.plug();
    clock.advance(1600);
    await flush();
    expect(pair.host.status).toEqual({ state: 'connected' });
    expect(seen.map((s) => s.state)).toContain('reconnecting');
    await pair.host.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('writes while down reject with LinkDownError and are not delivered later', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock, backoff: { initialMs: 100, maxMs: 100, jitter: 0 } });
    const got: Buffer[] = [];
    pair.device.onData((c) => got.push(c));
    await pair.host.start();
    await pair.device.start();
    pair.unplug();
    await expect(pair.host.write(Buffer.from([1, 2, 3]))).rejects.toBeInstanceOf(LinkDownError);
    pair.plug();
    clock.advance(100);
    await flush();
    await pair.host.write(Buffer.from([9]));
    await flush();
    expect(Buffer.concat(got)).toEqual(Buffer.from([9]));
    await pair.host.stop();
  });

  it('gives up and reports lost after giveUpAfter failed attempts', async () => {
    const clock = new ManualClock();
    const link = new ReconnectingLink({
      name: 'dead',
      clock,
      logger: createSilentLogger(),
      backoff: { initialMs: 10, maxMs: 10, jitter: 0 },
      giveUpAfter: 3,
      connector: async () => {
        throw new Error('ENOENT: /dev/ttyUSB9');
      },
    });
    await link.start();
    clock.advance(10);
    await flush();
    clock.advance(10);
    await flush();
    expect(link.status).toEqual({ state: 'lost', reason: 'ENOENT: /dev/ttyUSB9' });
    expect(describeLinkStatus(link.status)).toBe('lost: ENOENT: /dev/ttyUSB9');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop() cancels a pending reconnect timer and reports lost: stopped', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock });
    await pair.host.start();
    pair.unplug();
    expect(clock.pendingTimers()).toBe(1);
    await pair.host.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(pair.host.status).toEqual({ state: 'lost', reason: 'stopped' });
  });

  it('describes a scheduled reconnect for people', () => {
    expect(describeLinkStatus({ state: 'reconnecting', inMs: 3500, attempt: 4 })).toBe('reconnecting in 4 s (attempt 4)');
    expect(describeLinkStatus({ state: 'reconnecting', inMs: 0, attempt: 1, lastError: 'ENOENT' })).toBe('connecting (attempt 1): ENOENT');
  });
});

describe('reconnecting link: connection that dies during the handshake', () => {
  it('a close reported before connect() resolved is not mistaken for a live connection', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const link = new ReconnectingLink({
      name: 'flaky',
      clock,
      logger: createSilentLogger(),
      backoff: { initialMs: 50, maxMs: 50, jitter: 0 },
      connector: async (h) => {
        attempts++;
        if (attempts === 1) h.onClose('reset during open');
        return { write: async () => {}, close: async () => {} };
      },
    });
    await link.start();
    expect(link.status).toMatchObject({ state: 'reconnecting', lastError: 'reset during open' });
    clock.advance(50);
    await flush();
    expect(link.status).toEqual({ state: 'connected' });
    await link.stop();
  });
});
