import { afterEach, describe, expect, it } from 'vitest';
import { hashPin } from '../../controller/access/pin.ts';
import { changeEvents } from '../../controller/downlink/changes.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/** A card the backoffice may provision must be presentable at the reader, and every try logged. */
describe('card UID formats from the backoffice to the reader', () => {
  let f: PointFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  const presentCard = (uid: string, pin: string) =>
    f!.point.http!.inject({ method: 'POST', url: '/api/entry/card', payload: { uid, pin }, headers: { 'accept-language': 'de' } });
  const decisions = () => f!.point.ledger.events(1, 10_000).filter((e) => e.type === 'access.decision');

  it('an unknown card with an underscore in its UID (AB_12) reaches a decision and is logged, not a 400', async () => {
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    const before = decisions().length;
    const res = await presentCard('AB_12', '1234');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ granted: false, reason: 'unknown-card' });
    expect(decisions().length).toBe(before + 1);
  });

  it('a card AB_12 provisioned by a downlink members change lets its member in over HTTP', async () => {
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    const body = {
      members: [{ memberId: 'm-ab12', name: 'Karte Unterstrich', role: 'member', ageVerified: false }],
      credentials: [
        {
          credentialId: 'cred-ab12',
          memberId: 'm-ab12',
          kind: 'card',
          cardUid: 'AB_12',
          pinHash: await hashPin('2468'),
          role: 'member',
          ageVerified: false,
          expiresAt: null,
        },
      ],
    };
    const entries = changeEvents['members']!(body, { v: 1, version: 1, kind: 'members', body });
    f.point.ledger.appendMany(entries);
    const res = await presentCard('AB_12', '2468');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ granted: true, reason: 'granted' });
    expect(f.sim.strikeReleased).toBe(true);
  });

  it('still refuses a UID the formats do not allow (hostile input) with a 400 naming the field', async () => {
    f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    const res = await presentCard('AB 12; DROP', '1234');
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/uid/);
  });
});
