import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createKioskClient, KioskContractError, KioskHttpError, type KioskClient } from '../../controller/contract/kiosk/index.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/** The typed browser client (controller/contract/kiosk/client.ts) against a simulated point over real HTTP. */
describe('the kiosk client against a running simulated point', () => {
  let f: PointFixture;
  let clock: ManualClock;
  let client: KioskClient;

  beforeAll(async () => {
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    clock = f.clock as ManualClock;
    client = createKioskClient({ baseUrl: f.point.url! });
  });
  afterAll(async () => {
    await f.close();
  });

  it('lets a member in with the printed QR code and shows the decision, with its ledger seq, in the next state', async () => {
    const answer = await client.presentToken({ token: credentialOf(f, 'm-anna').token! });
    expect(answer).toMatchObject({ granted: true, reason: 'granted', memberId: 'm-anna', role: 'member', message: 'Willkommen! Die Tür ist offen.' });
    expect(f.sim.strikeReleased).toBe(true);
    const state = await client.state();
    expect(state.door.state).toBe('granted');
    expect(state.recentDecisions[0]).toMatchObject({ memberId: 'm-anna', seq: answer.seq });
    clock.advance(30_000);
  });

  it('answers in English when the client asks for it, and reads the English catalogue', async () => {
    const en = createKioskClient({ baseUrl: f.point.url!, lang: 'en' });
    const answer = await en.presentCard({ uid: 'FF:FF:FF:FF', pin: '1234' });
    expect(answer).toMatchObject({ granted: false, reason: 'unknown-card' });
    expect(answer.message).toMatch(/card/i);
    const i18n = await en.i18n();
    expect(i18n.lang).toBe('en');
    expect(i18n.messages['reason.unknown-card']).toBe(answer.message);
    expect((await client.i18n({ lang: 'en' })).lang).toBe('en');
    expect((await client.i18n()).lang).toBe('de');
  });

  it('throws KioskHttpError with status, code, translated message and detail for a request the point refuses', async () => {
    const err = await client.presentCard({ uid: '04:A2:19:7C', pin: '12ab' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskHttpError);
    expect(err).toMatchObject({ status: 400, code: 'FST_ERR_VALIDATION', message: 'Ungültige Anfrage.', detail: expect.stringMatching(/pin/) });
    expect(f.sim.strikeReleased).toBe(false);

    const unknownBoard = await client.sim.cable({ board: 'no-such-board', plugged: false }).catch((e: unknown) => e);
    expect(unknownBoard).toMatchObject({ name: 'KioskHttpError', status: 404, code: 'unknown-board' });
  });

  it('drives the simulated door: exit button, push, force raises the alarm, fire releases the strike', async () => {
    expect(await client.sim.push()).toMatchObject({ opened: false, message: expect.any(String) });
    expect(await client.sim.exit()).toEqual({ ok: true });
    clock.advance(400);
    expect((await client.state()).door.state).toBe('egress');
    clock.advance(30_000);
    expect(await client.sim.force()).toEqual({ ok: true });
    clock.advance(1000);
    expect((await client.health()).door.alarms).toContain('forced-open');
    expect(await client.sim.close()).toEqual({ ok: true });
    expect(await client.sim.fire({ active: true })).toEqual({ ok: true });
    clock.advance(1000); // past the fire input's debounce
    expect((await client.state()).door.strikeReleased).toBe(true);
    await client.sim.fire({ active: false });
    clock.advance(1000);
  });

  it('lists hardware, compartments and the demo credentials with their typed shapes', async () => {
    const hw = await client.hardware();
    expect(hw.entries.map((e) => e.status)).not.toContain('lost');
    expect(hw.compartments.length).toBeGreaterThan(0);
    expect(['S', 'M', 'L']).toContain(hw.compartments[0]!.size);
    const creds = await client.sim.credentials();
    expect(creds.find((c) => c.memberId === 'm-dieter')).toMatchObject({ cardUid: '04:A2:19:7C', pin: '4711' });
  });

  it('pulls and replugs a simulated board cable', async () => {
    const board = f.boards.cables()[0]!.boards[0]!;
    expect(await client.sim.cable({ board, plugged: false })).toEqual({ ok: true, plugged: false });
    expect((await client.state()).sim?.cables?.find((c) => c.boards.includes(board))?.plugged).toBe(false);
    expect(await client.sim.cable({ board, plugged: true })).toEqual({ ok: true, plugged: true });
  });

  /** A point that answers something else than the contract says (another version, a bug in between). */
  function clientOver(rewrite: (path: string, body: string) => string): KioskClient {
    return createKioskClient({
      baseUrl: f.point.url!,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const body = rewrite(new URL(String(input)).pathname, await res.text());
        return new Response(body, { status: res.status, headers: res.headers });
      },
    });
  }

  it('refuses a state whose door is in a state the contract does not know, naming the field', async () => {
    const odd = clientOver((_, body) => body.replace(/"state":"[a-zA-Z]+"/, '"state":"ajar"'));
    const err = await odd.state().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskContractError);
    expect((err as KioskContractError).route).toBe('GET /api/state');
    expect((err as Error).message).toMatch(/\/door\/state/);
  });

  it('refuses a decision without its granted flag, an answer that is not JSON, and an error of another shape', async () => {
    const noGranted = clientOver((_, body) => body.replace(/"granted":(true|false),/, ''));
    await expect(noGranted.presentCard({ uid: 'FF:FF:FF:FF', pin: '1234' })).rejects.toThrow(/POST \/api\/entry\/card .*granted/);
    const html = clientOver(() => '<html>proxy error</html>');
    await expect(html.health()).rejects.toThrow(/not JSON/);
    const oddError = clientOver((_, body) => body.replace('"message"', '"text"'));
    const err = await oddError.presentCard({ uid: 'x y', pin: '1234' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskContractError);
    expect(err).toMatchObject({ status: 400, problems: [expect.stringMatching(/message/)] });
  });
});
