import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { freePort } from '../support/services.ts';
import { ensureDemoKeys } from '../../controller/sim/demoData.ts';
import { issueToken } from '../../controller/access/token.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';
import { authedInject, signIn } from '../backoffice/authFixture.ts';

/** Store a change row (next version) without the downlink's body check; returns its version. */
async function storeUncheckedChange(office: Standalone, siteId: string, kind: string, body: unknown): Promise<number> {
  return office.backoffice.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sites')
      .set((eb) => ({ change_version: eb('change_version', '+', 1) }))
      .where('site_id', '=', siteId)
      .execute();
    const { change_version: version } = await trx.selectFrom('sites').select('change_version').where('site_id', '=', siteId).executeTakeFirstOrThrow();
    await trx
      .insertInto('changes')
      .values({
        id: `unchecked-${siteId}-${version}`,
        site_id: siteId,
        version,
        kind,
        body: JSON.stringify(body),
        created_at: Date.now(),
        applied_at: null,
        outcome: null,
      })
      .execute();
    return Number(version);
  });
}

/**
 * What `npm start` runs, in one test: the embedded broker and backoffice, and a simulated point
 * connected with its own broker credentials. Real broker, real SQLite on both sides.
 */
describe('backoffice ⇄ point through the embedded broker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-bo2pt-'));
  let office: Standalone;
  let f: PointFixture;
  const siteId = 'test-dorf';

  beforeAll(async () => {
    const clock = createSystemClock();
    const brokerPort = await freePort();
    office = await startStandalone({ dataDir: dir, brokerPort, clock, logger: createSilentLogger() });
    const password = await office.createSiteCredentials(siteId);
    f = await startSimulatedPoint({ clock, siteId, sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 } });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with its own broker credentials', async () => {
    await expect.poll(() => f.point.sync?.status().connected, { timeout: 15_000 }).toBe(true);
  });

  it('delivers the point’s ledger to the backoffice and empties the outbox on its acknowledgement', async () => {
    f.point.ledger.appendUnchecked('door.test-ping', { n: 1 });
    const last = f.point.ledger.lastSeq();
    await expect.poll(() => f.point.ledger.deliveredUpTo(), { timeout: 15_000 }).toBe(last);
    expect(f.point.ledger.outboxCount()).toBe(0);
    const site = (await authedInject(office.backoffice.api, await signIn(office.backoffice.db, 'accountant', Date.now()))(`/api/sites/${siteId}`)).json();
    expect(site.progress.upTo).toBe(last);
  });

  it('applies a revocation from the backoffice: the credential is refused at the door afterwards', async () => {
    const bernd = credentialOf(f, 'm-bernd').token!;
    await office.backoffice.downlink.publishChange(siteId, 'revocations', { revoke: [{ credentialId: 'cred-bernd-1', reason: 'reported lost' }] });
    await expect.poll(() => f.point.ledger.state.isRevoked('cred-bernd-1'), { timeout: 15_000 }).toBe(true);
    const d = await f.point.api.presentToken(bernd);
    expect(d).toMatchObject({ granted: false, reason: 'revoked' });
    expect(f.sim.strikeReleased).toBe(false);
  });

  it('rejects an invalid change without applying any of it, and still applies the next one', async () => {
    const membersBefore = f.point.ledger.state.members().length;
    // The backoffice refuses to publish such a body (typed and checked), so the test stores it as an
    // older backoffice would have, and the resend round puts it on the broker.
    const bad = await storeUncheckedChange(office, siteId, 'members', { members: [{ memberId: 'm-x', name: 'X', role: 'king', ageVerified: true }] });
    await office.backoffice.downlink.resendUnapplied(siteId);
    await office.backoffice.downlink.publishChange(siteId, 'members', {
      members: [{ memberId: 'm-neu', name: 'Neu Mitglied', role: 'member', ageVerified: false }],
    });
    await expect.poll(() => f.point.ledger.state.members().map((m) => m.memberId), { timeout: 15_000 }).toContain('m-neu');
    expect(f.point.ledger.state.members().map((m) => m.memberId)).not.toContain('m-x');
    expect(f.point.ledger.state.members().length).toBe(membersBefore + 1);
    const outcome = async () =>
      (await office.backoffice.db.selectFrom('changes').select('outcome').where('site_id', '=', siteId).where('version', '=', bad).executeTakeFirstOrThrow())
        .outcome;
    await expect.poll(outcome, { timeout: 15_000 }).toBe('rejected');
  });

  it('releases the door on an operator’s remote command, once', async () => {
    expect(f.sim.strikeReleased).toBe(false);
    await office.backoffice.downlink.sendCommand(siteId, 'door.release', { operator: 'op-meier', durationMs: 5000 }, 30_000);
    await expect.poll(() => f.sim.strikeReleased, { timeout: 15_000 }).toBe(true);
    const releases = f.point.ledger.events(1, 10_000).filter((e) => e.type === 'door.remote-release');
    expect(releases).toHaveLength(1);
    expect(releases[0]!.data).toMatchObject({ operator: 'op-meier' });
  });

  it('shows the link on the point’s live state', () => {
    const s = f.point.api.snapshot();
    expect(s.sync).toMatchObject({ connected: true });
  });
});

describe('a point whose clock says 1970 (no RTC, no NTP yet)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-1970-'));
  let office: Standalone;
  let f: PointFixture;
  const siteId = 'test-dorf-1970';

  beforeAll(async () => {
    const real = createSystemClock();
    const brokerPort = await freePort();
    office = await startStandalone({ dataDir: dir, brokerPort, clock: real, logger: createSilentLogger() });
    const password = await office.createSiteCredentials(siteId);
    const offset = real.now() - Date.UTC(1970, 2, 1);
    const clock1970 = { ...real, now: () => real.now() - offset };
    f = await startSimulatedPoint({
      clock: clock1970,
      isClockSynced: () => false,
      siteId,
      sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 },
    });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the backoffice’s time from its acknowledgements and then accepts a valid credential', async () => {
    const keys = await ensureDemoKeys(f.dataDir);
    const nowSec = Math.floor(Date.now() / 1000);
    const token = issueToken(keys.privateKey, {
      role: 'member',
      age16: true,
      age18: true,
      memberId: 'm-anna',
      credentialId: 'cred-anna-2',
      issuedAt: nowSec - 3600,
      expiresAt: nowSec + 86_400,
    });
    await expect.poll(() => f.point.ledger.deliveredUpTo(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await f.point.api.presentToken(token)).toMatchObject({ granted: true, reason: 'granted' });
  });
});
