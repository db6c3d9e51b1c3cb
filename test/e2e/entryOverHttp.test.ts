import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { buildHttpServer, type App } from '../../controller/http/server.ts';
import { simControls } from '../../controller/sim/simControls.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';

describe('a simulated point over its HTTP API', () => {
  let f: PointFixture;
  let app: App;
  let clock: ManualClock;

  beforeEach(async () => {
    f = await startSimulatedPoint();
    clock = f.clock as ManualClock;
    app = await buildHttpServer({ point: f.point.api, sim: simControls(f.sim, f.credentials), logger: createSilentLogger(), servePages: true, clock });
  });
  afterEach(async () => {
    await app.close();
    await f.close();
  });

  const present = (token: string, lang = 'de') =>
    app.inject({ method: 'POST', url: '/api/entry/token', payload: { token }, headers: { 'accept-language': lang } });

  it('starts with the strike locked and the demo members in the ledger', async () => {
    const health = (await app.inject('/health')).json();
    expect(health.door.strikeReleased).toBe(false);
    expect(f.sim.strikeReleased).toBe(false);
    expect(health.ledger.lastSeq).toBeGreaterThan(5);
  });

  it('lets a member in with the printed QR code: strike released, door opens, entry logged, then relocks', async () => {
    const res = await present(credentialOf(f, 'm-anna').token!);
    expect(res.json()).toMatchObject({ granted: true, reason: 'granted', message: 'Willkommen! Die Tür ist offen.' });
    expect(f.sim.strikeReleased).toBe(true);
    expect(f.sim.push()).toBe(true);
    clock.advance(400);
    f.sim.close();
    clock.advance(400);
    expect(f.sim.strikeReleased).toBe(false);
    const types = f.point.ledger.events(1, 1000).map((e) => e.type);
    expect(types).toContain('access.decision');
    expect(types).toContain('entry');
    expect(f.point.entry.occupancy()).toBe(1);
  });

  it('refuses a revoked card and an expired one with their reasons, in German by default and English on request', async () => {
    expect((await present(credentialOf(f, 'm-clara').token!)).json()).toMatchObject({
      granted: false,
      reason: 'revoked',
      message: 'Dieser Ausweis ist gesperrt.',
    });
    expect((await present(credentialOf(f, 'm-erika').token!, 'en')).json()).toMatchObject({
      granted: false,
      reason: 'expired',
      message: 'This credential has expired.',
    });
    expect(f.sim.strikeReleased).toBe(false);
  });

  it('answers a garbage token with "malformed" and keeps running', async () => {
    const res = await present('DP1.%%%not-a-token');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ granted: false, reason: 'malformed' });
    expect((await app.inject('/health')).statusCode).toBe(200);
  });

  it('rejects a body with an unknown property instead of silently stripping it, and records nothing', async () => {
    const before = f.point.ledger.lastSeq();
    const res = await app.inject({ method: 'POST', url: '/api/entry/token', payload: { token: credentialOf(f, 'm-anna').token, door: 'back' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('Ungültige Anfrage.'); // translated for the person at the kiosk
    expect(res.json().detail).toMatch(/additional properties/); // technical detail for the technician
    expect(f.point.ledger.lastSeq()).toBe(before);
    expect(f.sim.strikeReleased).toBe(false);
  });

  it('rejects a PIN that is not digits before it reaches the decision', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/entry/card', payload: { uid: '04:A2:19:7C', pin: 12345 }, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ message: 'Bad request.', detail: expect.stringMatching(/pin/) });
  });

  it('opens for the member card with the right PIN', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/entry/card', payload: { uid: '04:A2:19:7C', pin: '4711' } });
    expect(res.json()).toMatchObject({ granted: true, memberId: 'm-dieter' });
    expect(f.sim.strikeReleased).toBe(true);
  });

  type LiveMessage = { type: string; state: { door: { alarms: string[] }; ledger: { lastSeq: number } } };

  /** Connects to the live channel; `next(pred)` resolves with the first later message matching it. */
  async function openLive(): Promise<{ ws: WebSocket; received: LiveMessage[]; next(pred: (m: LiveMessage) => boolean): Promise<LiveMessage> }> {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/live`);
    const received: LiveMessage[] = [];
    const waiters: Array<{ pred: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }> = [];
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as LiveMessage;
      received.push(m);
      for (const w of [...waiters]) if (w.pred(m)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(m);
    });
    const next = (pred: (m: LiveMessage) => boolean): Promise<LiveMessage> =>
      new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        ws.once('close', () => reject(new Error('live socket closed before the expected message')));
      });
    await next(() => true);
    return { ws, received, next };
  }

  it('shows a forced door as an alarm in the live state pushed over the WebSocket', async () => {
    const live = await openLive();
    expect(live.received[0]?.state.door.alarms).toEqual([]);
    const alarmed = live.next((m) => m.state.door.alarms.includes('forced-open'));
    await app.inject({ method: 'POST', url: '/api/sim/door/force' });
    clock.advance(1000);
    expect((await alarmed).state.door.alarms).toContain('forced-open');
    live.ws.terminate();
    expect(f.sim.sirenOn).toBe(true);
  });

  it('coalesces a burst of changes into one live message, sent when the injected clock reaches 50 ms', async () => {
    const live = await openLive();
    const before = live.received.length;
    const base = f.point.ledger.lastSeq();
    const timers = clock.pendingTimers();
    f.point.ledger.appendUnchecked('test.note', { n: 1 });
    f.point.ledger.appendUnchecked('test.note', { n: 2 });
    f.point.ledger.appendUnchecked('test.note', { n: 3 });
    expect(clock.pendingTimers()).toBe(timers + 1); // one coalescing timer, on the injected clock
    clock.advance(49);
    f.point.ledger.appendUnchecked('test.note', { n: 4 }); // still inside the window: must ride in the same message
    const coalesced = live.next((m) => m.state.ledger.lastSeq === base + 4);
    clock.advance(1);
    await coalesced;
    // one message for four changes; an early timer would have sent lastSeq base+3 first
    expect(live.received.slice(before).map((m) => m.state.ledger.lastSeq)).toEqual([base + 4]);
    live.ws.terminate();
  });

  it('serves the virtual point page', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('virtual-point.js');
  });
});
