import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import {
  contractProblems,
  createKioskClient,
  ErrorSchema,
  kioskRoutes,
  type DropOffAnswer,
  type LockerAnswer,
  type LockersAnswer,
} from '../../controller/contract/kiosk/index.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * The parcel lockers, fridges and alarms at the kiosk, over real HTTP against a simulated point:
 * a wrong pickup code is refused and opens nothing, the keypad locks after 5 wrong codes and says
 * how long, bad bodies are 400, and a courier walks through the drop-off steps.
 */
describe('locker, fridge and alarm routes of a running simulated point', () => {
  let f: PointFixture;
  let base: string;

  beforeAll(async () => {
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    base = f.point.url!;
  });
  afterAll(async () => {
    await f.close();
  });

  async function post<T>(path: string, body: unknown, lang = 'de'): Promise<{ status: number; json: T; text: string }> {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': lang },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as T, text };
  }
  const get = async <T>(path: string): Promise<T> => (await (await fetch(base + path)).json()) as T;
  const openCompartments = async () => (await get<LockersAnswer>('/api/lockers')).compartments.filter((c) => c.status === 'open').map((c) => c.id);

  it("lists the profile's compartments, all free, and no drop-off in progress", async () => {
    const answer = await get<LockersAnswer>('/api/lockers');
    expect(contractProblems(kioskRoutes.lockers.response, answer)).toEqual([]);
    expect(answer.compartments.map((c) => `${c.id}:${c.size}:${c.status}`).slice(0, 2)).toEqual(['A1:S:free', 'A2:S:free']);
    expect(answer.compartments).toHaveLength(12);
    expect(answer.dropOff).toBeNull();
  });

  it('refuses a wrong pickup code in German, never echoes it, records the failure without it, and opens nothing', async () => {
    const code = '4711 0815 123';
    const before = f.point.ledger.lastSeq();
    const r = await post<LockerAnswer>('/api/lockers/pickup', { code });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: false, reason: 'code-invalid', message: 'Dieser Abholcode ist nicht gültig.' });
    expect(r.text).not.toContain('4711');
    const written = f.point.ledger.events(before + 1, 100);
    expect(written.map((e) => e.type)).toContain('pickup.failed');
    expect(JSON.stringify(written)).not.toContain('0815');
    expect(await openCompartments()).toEqual([]);
  });

  it('the 5th wrong code answers retryAfterMs; the next try is refused locked-out, saying how long', async () => {
    // one wrong code above already; a malformed one does not count (it cannot match)
    const malformed = await post<LockerAnswer>('/api/lockers/pickup', { code: '12' });
    expect(malformed.json).toMatchObject({ ok: false, reason: 'code-malformed' });
    for (let i = 0; i < 3; i++) {
      const r = await post<LockerAnswer>('/api/lockers/pickup', { code: `1000 0000 00${i}` });
      expect(r.json).toEqual({ ok: false, reason: 'code-invalid', message: 'Dieser Abholcode ist nicht gültig.' });
    }
    // the fifth wrong code locks the keypad, and its answer already says for how long
    const fifth = await post<LockerAnswer>('/api/lockers/pickup', { code: '1000 0000 003' });
    expect(fifth.json).toEqual({
      ok: false,
      reason: 'code-invalid',
      retryAfterMs: 60_000,
      message: 'Dieser Abholcode ist nicht gültig. Wieder möglich in 60 s.',
    });
    const locked = await post<LockerAnswer>('/api/lockers/pickup', { code: '1000 0000 009' }, 'en');
    expect(locked.json).toMatchObject({ ok: false, reason: 'locked-out', retryAfterMs: 60_000 });
    expect(locked.json.message).toBe('Too many wrong codes. Please try again later. Possible again in 60 s.');
    expect(await openCompartments()).toEqual([]);
    // the lock runs on the point's clock
    (f.clock as ManualClock).advance(60_000);
    expect((await post<LockerAnswer>('/api/lockers/pickup', { code: '1000 0000 009' })).json.reason).toBe('code-invalid');
  });

  it('answers malformed bodies with 400 in the error shape and records nothing', async () => {
    const before = f.point.ledger.lastSeq();
    for (const body of [{}, { code: '' }, { code: 4711 }, { code: '12345678901', via: 'keypad' }, '{"code":']) {
      const r = await post<unknown>('/api/lockers/pickup', body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(contractProblems(ErrorSchema, r.json)).toEqual([]);
    }
    for (const body of [{ step: 'start' }, { step: 'size', sessionId: 'x', size: 'XL' }, { step: 'teleport', sessionId: 'x' }]) {
      const r = await post<unknown>('/api/lockers/drop-off', body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
    expect(f.point.ledger.lastSeq()).toBe(before);
    expect(await openCompartments()).toEqual([]);
  });

  it("refuses a drop-off with a member's credential and keeps the point free for the next courier", async () => {
    const r = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'start', token: credentialOf(f, 'm-anna').token });
    expect(r.json).toMatchObject({ ok: false, reason: 'not-a-courier' });
    expect((await get<LockersAnswer>('/api/lockers')).dropOff).toBeNull();
  });

  it('walks a courier through start → reference → size; a step of another session is refused', async () => {
    const courier = credentialOf(f, 'c-paket').token!;
    const start = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'start', token: courier });
    expect(start.json).toMatchObject({ ok: true, state: 'awaitingReference', message: 'Angemeldet. Bitte die Sendungsnummer eingeben.' });
    const sessionId = start.json.sessionId!;
    expect((await get<LockersAnswer>('/api/lockers')).dropOff).toMatchObject({ sessionId, state: 'awaitingReference' });

    const second = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'start', token: courier });
    expect(second.json).toMatchObject({ ok: false, reason: 'session-active' });
    const stranger = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'reference', sessionId: 'dropoff-other', reference: 'JJD0001' });
    expect(stranger.json).toMatchObject({ ok: false, reason: 'wrong-step' });

    const badRef = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'reference', sessionId, reference: '!' });
    expect(badRef.json).toMatchObject({ ok: false, reason: 'reference-invalid', state: 'awaitingReference' });
    const ref = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'reference', sessionId, reference: 'JJD 0001 2345' });
    expect(ref.json).toMatchObject({ ok: true, state: 'awaitingSize', message: 'Bitte die Fachgröße wählen.' });

    // the demo point has no pickup codes from a backoffice yet: refused with the reason, nothing opens, an alarm for the operator
    const size = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'size', sessionId, size: 'S' });
    expect(size.json).toMatchObject({ ok: false, reason: 'no-pickup-code', state: 'awaitingSize' });
    expect(await openCompartments()).toEqual([]);
    const alarms = await get<{ alarms: Array<{ key: string; source: string }> }>('/api/alarms');
    expect(alarms.alarms).toContainEqual(expect.objectContaining({ key: 'locker.codes-exhausted', source: 'locker' }));

    const cancel = await post<DropOffAnswer>('/api/lockers/drop-off', { step: 'cancel', sessionId });
    expect(cancel.json).toMatchObject({ ok: true, state: 'ended', message: 'Einlieferung beendet.' });
    expect((await get<LockersAnswer>('/api/lockers')).dropOff).toBeNull();
  });

  it('shows the fridges with limit and reading, and a fridge door left open reaches /api/fridges', async () => {
    const before = await get<{ fridges: Array<{ id: string; limitTenths: number; doorOpen: boolean | null; blocked: unknown }> }>('/api/fridges');
    expect(before.fridges.map((x) => x.id)).toEqual(['molkerei', 'truhe', 'getraenke']);
    expect(before.fridges[0]).toMatchObject({ limitTenths: expect.any(Number), blocked: null });
    expect((await post('/api/sim/fridge', { fridge: 'molkerei', action: 'open-door' })).status).toBe(200);
    (f.clock as ManualClock).advance(1000);
    const after = await get<{ fridges: Array<{ id: string; doorOpen: boolean | null }> }>('/api/fridges');
    expect(after.fridges.find((x) => x.id === 'molkerei')?.doorOpen).toBe(true);
    const sim = await get<Array<{ id: string; doorOpen: boolean }>>('/api/sim/fridges');
    expect(sim.find((x) => x.id === 'molkerei')?.doorOpen).toBe(true);
    await post('/api/sim/fridge', { fridge: 'molkerei', action: 'close-door' });
    const unknown = await post<{ error: string }>('/api/sim/fridge', { fridge: 'kuehlhaus', action: 'cut-power' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('unknown-fridge');
  });

  it('lists a forced door as an open critical alarm with its German text, and closing ends it', async () => {
    f.sim.force();
    (f.clock as ManualClock).advance(1000);
    const open = await get<{ alarms: Array<{ key: string; severity: string; message: string }> }>('/api/alarms');
    expect(contractProblems(kioskRoutes.alarms.response, open)).toEqual([]);
    expect(open.alarms[0]).toMatchObject({ key: 'door:forced-open', severity: 'critical', message: 'Tür aufgebrochen' });
    f.sim.close();
    (f.clock as ManualClock).advance(1000);
    const after = await get<{ alarms: Array<{ key: string }> }>('/api/alarms');
    expect(after.alarms.map((a) => a.key)).not.toContain('door:forced-open');
  });

  it('is reachable through the typed kiosk client, which checks every answer against the contract', async () => {
    const client = createKioskClient({ baseUrl: base, lang: 'en' });
    expect((await client.lockers()).compartments).toHaveLength(12);
    expect((await client.fridges()).fridges).toHaveLength(3);
    expect((await client.sim.fridges()).map((x) => x.id)).toEqual(['molkerei', 'truhe', 'getraenke']);
    expect(await client.sim.fridge({ fridge: 'truhe', action: 'close-door' })).toEqual({ ok: true });
    expect(Array.isArray((await client.alarms()).alarms)).toBe(true);
    const r = await client.dropOff({ step: 'cancel', sessionId: 'dropoff-none' });
    expect(r).toMatchObject({ ok: false, reason: 'wrong-step', message: expect.stringMatching(/step/i) });
  });
});
