import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import {
  contractProblems,
  decodeLiveMessage,
  ErrorSchema,
  kioskRoutes,
  liveUrl,
  type KioskRouteName,
  type LiveMessage,
  type PointSnapshotData,
} from '../../controller/contract/kiosk/index.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * The kiosk contract against a running simulated point over real HTTP: every route's real
 * answer matches its schema, errors have the one error shape, and nothing the point knows is
 * lost on the way (fastify serialises with the response schema and drops what it does not name).
 */
describe('the kiosk contract, checked against a running simulated point', () => {
  let f: PointFixture;
  let clock: ManualClock;
  let base: string;

  beforeAll(async () => {
    // a backoffice link that cannot connect (nothing listens on port 9): the snapshot carries a sync status
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 }, sync: { brokerUrl: 'mqtt://127.0.0.1:9' } });
    clock = f.clock as ManualClock;
    base = f.point.url!;
  });
  afterAll(async () => {
    await f.close();
  });

  async function request(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  }

  const dieterCard = { uid: '04:A2:19:7C', pin: '4711' };

  it('serves on /api/state exactly the snapshot the point holds: door, sync, hardware, compartments, sim and decisions with seq and retryAfterMs', async () => {
    await request('POST', '/api/entry/token', { token: credentialOf(f, 'm-anna').token });
    // wrong PINs until the card is locked out: a decision with retryAfterMs
    for (let i = 0; i < 10; i++) {
      const r = (await request('POST', '/api/entry/card', { ...dieterCard, pin: '0000' })).json as { retryAfterMs?: number };
      if (r.retryAfterMs !== undefined) break;
    }
    clock.advance(30_000); // Anna's grant expires unused: the strike locks again
    f.sim.force();
    clock.advance(1000);

    const served = (await request('GET', '/api/state')).json as PointSnapshotData;
    const held = JSON.parse(JSON.stringify(f.point.api.snapshot())) as PointSnapshotData;
    expect(served).toStrictEqual(held);
    expect(contractProblems(kioskRoutes.state.response, served)).toEqual([]);

    // the comparison covered the nested shapes, not empty ones
    expect(served.door.alarms).toContain('forced-open');
    expect(served.sync).toMatchObject({ connected: false, diverged: false });
    expect(served.sim?.cables?.[0]).toMatchObject({ profileLink: expect.any(String), port: expect.any(Number), plugged: true });
    expect(served.sim?.pins.length).toBeGreaterThan(0);
    expect(served.hardware.length).toBeGreaterThan(1);
    const anna = served.recentDecisions.find((d) => d.memberId === 'm-anna');
    expect(anna).toMatchObject({ granted: true, reason: 'granted', role: 'member', seq: expect.any(Number), at: clock.now() - 31_000 });
    expect(served.recentDecisions[0]).toMatchObject({ granted: false, retryAfterMs: expect.any(Number), seq: expect.any(Number) });
    f.sim.close();
    clock.advance(1000);
  });

  /** One valid request per route; the record type makes a new route in the table fail to compile here until it is covered. */
  const validRequests: Record<KioskRouteName, { body?: unknown; query?: string }> = {
    health: {},
    state: {},
    hardware: {},
    i18n: { query: '?lang=en' },
    presentToken: { body: { token: 'DP1.not-a-real-token' } },
    presentCard: { body: dieterCard },
    lockers: {},
    pickup: { body: { code: '1234 5678 901' } }, // a wrong code: refused, in the answer's shape
    dropOff: { body: { step: 'start', token: 'DP1.not-a-real-token' } },
    fridges: {},
    alarms: {},
    help: { body: { screen: 'welcome' } },
    simPush: {},
    simForce: {},
    simClose: {},
    simExit: {},
    simFire: { body: { active: false } },
    simCredentials: {},
    simCable: { body: { board: '', plugged: true } }, // board filled in below
    simFridges: {},
    simFridge: { body: { fridge: 'molkerei', action: 'close-door' } },
    simReader: { body: { action: 'present' } }, // no reader simulated here: refused, in the answer's shape
    simScan: { body: { code: demoGtin('Spülmittel') } },
    simProducts: {},
    simPrinter: {},
    simPaper: { body: { paper: 'ok' } },
    service: {},
    technicianSignIn: { body: { pin: '0000' } }, // wrong: refused, in the answer's shape
    technicianStatus: { body: { session: 'no-such-session' } },
    technicianService: { body: { session: 'no-such-session', outOfService: true } },
    checkoutReceipt: {}, // the sale is not done: refused, in the answer's shape
    checkoutPrint: {},
    // the checkout routes with `:id` run on one sale begun below: a scan, a loose item, a wrong
    // total (refused, in the answer's shape), a payment out of turn (refused), the sale, the abort
    checkoutBegin: {},
    checkoutScan: { body: { code: demoGtin('Vollmilchschokolade') } },
    checkoutLoose: { body: { plu: '1001', qty: 2 } },
    catalogLoose: {},
    checkoutConfirm: { body: { totalCents: 1 } },
    checkoutAge: { body: { method: 'remote' } }, // no age check open: refused
    checkoutPay: { body: { method: 'card' } },
    checkoutSale: {},
    checkoutAbort: {},
  };

  it('answers every route with a body that matches its response schema', async () => {
    const board = f.boards.cables()[0]!.boards[0]!;
    const saleId = ((await request('POST', '/api/checkout')).json as { sale: { saleId: string } }).sale.saleId;
    const checked: string[] = [];
    for (const [name, route] of Object.entries(kioskRoutes) as Array<[KioskRouteName, (typeof kioskRoutes)[KioskRouteName]]>) {
      const req = name === 'simCable' ? { body: { board, plugged: true } } : validRequests[name];
      const res = await request(route.method, route.path.replace(':id', saleId) + (req.query ?? ''), req.body);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect({ name, problems: contractProblems(route.response, res.json) }).toEqual({ name, problems: [] });
      checked.push(name);
    }
    expect(checked.sort()).toEqual(Object.keys(kioskRoutes).sort());
  });

  it('answers malformed requests with 400 in the one error shape, translated, naming the field, and records nothing', async () => {
    const before = f.point.ledger.lastSeq();
    const bad: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/entry/token', { token: 42 }, /token/],
      ['POST', '/api/entry/token', '{"token": "DP1.', /JSON/i],
      ['POST', '/api/entry/card', { uid: '04:A2:19:7C', pin: '47a1' }, /pin/],
      ['POST', '/api/entry/card', { uid: '04:A2:19:7C', pin: '4711', door: 'back' }, /additional/],
      ['POST', '/api/sim/fire', { active: 'yes' }, /active/],
      ['POST', '/api/sim/cable', { board: 'x', plugged: 'no' }, /plugged/],
      ['GET', '/api/i18n?lang=' + 'e'.repeat(17), undefined, /lang/],
      ['POST', '/api/lockers/pickup', { code: 12345678901 }, /code/],
      ['POST', '/api/lockers/pickup', { code: '12345678901', compartment: 'A1' }, /additional|code/],
      ['POST', '/api/lockers/drop-off', { step: 'size', sessionId: 's', size: 'XL' }, /./],
      ['POST', '/api/sim/fridge', { fridge: 'molkerei', action: 'explode' }, /action/],
      ['POST', '/api/help', { screen: 'Welcome!' }, /screen/],
      ['POST', '/api/checkout/any/scan', { code: 4001234000604 }, /code/],
      ['POST', '/api/checkout/any/loose', { plu: '1001', qty: 0 }, /qty/],
      ['POST', '/api/checkout/any/confirm', { totalCents: 12.5 }, /totalCents/],
      ['POST', '/api/checkout/any/pay', { method: 'cash' }, /method/],
      ['POST', '/api/checkout/any/age', { method: 'passport' }, /method/],
      ['POST', '/api/checkout/any/pay', { method: 'account', memberCredential: { cardUid: '04:A2:19:7C', pin: 'abcd' } }, /pin/],
    ];
    for (const [method, path, body, field] of bad) {
      const res = await request(method as 'GET' | 'POST', path, body, { 'accept-language': 'en' });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(contractProblems(ErrorSchema, res.json)).toEqual([]);
      expect(res.json).toMatchObject({ error: expect.any(String), message: 'Bad request.', detail: expect.stringMatching(field) });
    }
    expect(f.point.ledger.lastSeq()).toBe(before);
  });

  it('answers a cable command for a board the simulation does not have with 404 unknown-board in the error shape', async () => {
    const res = await request('POST', '/api/sim/cable', { board: 'no-such-board', plugged: false });
    expect(res.status).toBe(404);
    expect(contractProblems(ErrorSchema, res.json)).toEqual([]);
    expect(res.json).toMatchObject({ error: 'unknown-board', message: expect.any(String) });
  });

  it('sends live state messages that decode with the contract and carry the same snapshot as /api/state', async () => {
    const ws = new WebSocket(liveUrl(base));
    const decoded: LiveMessage[] = [];
    const waiters: Array<(m: LiveMessage) => void> = [];
    ws.on('message', (raw: Buffer) => {
      const d = decodeLiveMessage(raw.toString());
      if (!d.ok) throw new Error(d.error.message);
      decoded.push(d.value);
      waiters.shift()?.(d.value);
    });
    const next = (): Promise<LiveMessage> => new Promise((resolve) => waiters.push(resolve));
    try {
      const first = await next();
      if (first.type !== 'state') throw new Error(`first live message is ${first.type}`);
      expect(first.state).toStrictEqual(JSON.parse(JSON.stringify(f.point.api.snapshot())));

      const second = next();
      const answer = (await request('POST', '/api/entry/card', dieterCard)).json as { seq: number; reason: string };
      clock.advance(50); // the live channel's coalescing window, on the injected clock
      const m = await second;
      if (m.type !== 'state') throw new Error(`live message is ${m.type}`);
      // (the card is still locked out by the wrong PINs above)
      expect(m.state.recentDecisions[0]).toMatchObject({ memberId: 'm-dieter', reason: answer.reason, seq: answer.seq });
    } finally {
      ws.terminate();
    }
  });
});
