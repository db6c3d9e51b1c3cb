/**
 * Members from the backoffice to the door, through the embedded broker: an operator creates a
 * member, issues a QR credential and a card with a PIN, prints the card sheet; the QR code read
 * back from the PDF opens the point's door, the card + PIN too; after revoking, the point refuses
 * both. Real broker, real SQLite on both sides, the backoffice's signing key from its data dir.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../backoffice/credentials/signingKey.ts';
import { freePort } from '../support/services.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';
import { authedInject, signIn } from '../backoffice/authFixture.ts';
import { qrCodesInPdf } from '../backoffice/support/pdfQr.ts';

describe('member cards from the backoffice open the point, until revoked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-members-'));
  let office: Standalone;
  let f: PointFixture;
  const siteId = 'test-dorf';

  beforeAll(async () => {
    const clock = createSystemClock();
    const brokerPort = await freePort();
    office = await startStandalone({ dataDir: dir, brokerPort, clock, logger: createSilentLogger() });
    const password = await office.createSiteCredentials(siteId);
    // The point is configured with the backoffice's public key (the key file is created on first use).
    const { publicKeyPem } = loadOrCreateSigningKey(join(dir, SIGNING_KEY_FILE));
    f = await startSimulatedPoint({
      clock,
      siteId,
      publicKeyPem,
      sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 },
    });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a QR code and a card that open the door; revoked, the point refuses them', async () => {
    await expect.poll(() => f.point.sync?.status().connected, { timeout: 15_000 }).toBe(true);
    expect(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    const api = authedInject(office.backoffice.api, await signIn(office.backoffice.db, 'operator', Date.now()));
    const created = await api({
      method: 'POST',
      url: '/api/members',
      payload: { name: 'Erika Mustermann', role: 'member', sites: [siteId], ageVerified: { method: 'known-personally', date: '2026-12-01' } },
    });
    expect(created.statusCode, created.body).toBe(200);
    const memberId = (created.json() as { id: string }).id;
    const qr = await api({ method: 'POST', url: `/api/members/${memberId}/credentials`, payload: { kind: 'token' } });
    const card = await api({ method: 'POST', url: `/api/members/${memberId}/credentials`, payload: { kind: 'card', cardUid: '04:E2:7F:10', pin: '2468' } });
    expect([qr.statusCode, card.statusCode], qr.body + card.body).toEqual([200, 200]);
    const tokenId = (qr.json() as { credential: { id: string } }).credential.id;
    const cardId = (card.json() as { credential: { id: string } }).credential.id;

    const sheet = await api({ method: 'GET', url: `/api/members/cards.pdf?ids=${memberId}` });
    expect(sheet.statusCode).toBe(200);
    const [scanned] = qrCodesInPdf(sheet.rawPayload);
    expect(scanned).toBe((qr.json() as { token: string }).token);

    expect(await f.point.api.presentToken(scanned!)).toMatchObject({ granted: true });
    await expect.poll(() => f.point.ledger.state.members().map((m) => m.memberId), { timeout: 15_000 }).toContain(memberId);
    await expect.poll(async () => (await f.point.api.presentCard('04:E2:7F:10', '2468')).granted, { timeout: 15_000 }).toBe(true);

    for (const cid of [tokenId, cardId]) {
      const res = await api({ method: 'POST', url: `/api/members/${memberId}/credentials/${cid}/revoke`, payload: { reason: 'ausgezogen' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    await expect.poll(() => [f.point.ledger.state.isRevoked(tokenId), f.point.ledger.state.isRevoked(cardId)], { timeout: 15_000 }).toEqual([true, true]);
    expect(await f.point.api.presentToken(scanned!)).toMatchObject({ granted: false, reason: 'revoked' });
    expect(await f.point.api.presentCard('04:E2:7F:10', '2468')).toMatchObject({ granted: false, reason: 'revoked' });
  }, 60_000);
});
