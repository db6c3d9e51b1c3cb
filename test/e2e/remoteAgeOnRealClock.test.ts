/**
 * The remote age check's deadline in real processes on the system clock: a simulated point
 * (`controller/main.ts --sim --remote-age-ms 3000`) linked over MQTT to a real backoffice.
 *
 * - The request reaches the backoffice with the point's deadline; once it has passed, the point
 *   records the check as expired, the backoffice refuses the operator's approval with a clear
 *   message, and an approval that reaches the point anyway (sent straight through the downlink)
 *   is refused there as expired: the sale still waits at the age step.
 * - The deadline does not survive `kill -9`: the restarted point ends the interrupted sale, its
 *   check is `ended` in the backoffice (no longer open), and an approval for it is refused by both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { signIn, type SignedIn } from '../backoffice/authFixture.ts';
import { freePort } from '../support/services.ts';
import { startPointProcess, type PointProcess } from '../support/pointProcess.ts';

const SITE = 'dorf-frist';
const REMOTE_AGE_MS = 3000;

describe('remote age check deadline in a real point process on the system clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-remote-age-'));
  const dataDir = join(dir, 'point');
  let office: Standalone;
  let brokerPort: number;
  let passwordFile: string;
  let point: PointProcess | null = null;
  let anna: SignedIn;
  let url: string;

  const startPoint = async (): Promise<PointProcess> =>
    startPointProcess({
      dataDir,
      args: [
        '--mqtt',
        `mqtt://127.0.0.1:${brokerPort}`,
        '--mqtt-username',
        SITE,
        '--mqtt-password-file',
        passwordFile,
        '--remote-age-ms',
        String(REMOTE_AGE_MS),
      ],
      env: { DORFPUNKT_SITE: SITE },
    });
  const office$ = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { ...anna.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const siteOnline = async (): Promise<void> => {
    await expect
      .poll(async () => (await office.backoffice.db.selectFrom('sites').select('status').where('site_id', '=', SITE).executeTakeFirst())?.status, {
        timeout: 30_000,
      })
      .toBe('online');
  };
  const ageCheckRow = (checkId: string) =>
    office.backoffice.db.selectFrom('p_age_checks').selectAll().where('site_id', '=', SITE).where('check_id', '=', checkId).executeTakeFirst();
  const commandOutcome = async (id: string) => office.backoffice.db.selectFrom('commands').select(['status', 'reason']).where('id', '=', id).executeTakeFirst();

  /** A sale of one beer waiting for a remote age check; its sale id and check id (from the backoffice's list). */
  async function beerWaiting(p: PointProcess): Promise<{ saleId: string; checkId: string; deadlineAt: number }> {
    const begun = await p.post('/api/checkout', {});
    const saleId = (begun.body['sale'] as { saleId: string }).saleId;
    const scanned = await p.post(`/api/checkout/${saleId}/scan`, { code: demoGtin('Pils') });
    const total = (scanned.body['sale'] as { totalCents: number }).totalCents;
    expect((await p.post(`/api/checkout/${saleId}/confirm`, { totalCents: total })).body).toMatchObject({ ok: true, sale: { state: 'ageCheck' } });
    const asked = await p.post(`/api/checkout/${saleId}/age`, { method: 'remote' });
    expect(asked.body).toMatchObject({ ok: true, sale: { state: 'ageCheck', remoteAge: { status: 'waiting' } } });
    const remote = (asked.body['sale'] as { remoteAge: { checkId: string; deadlineAt: number } }).remoteAge;
    await expect
      .poll(async () => (await office$('GET', '/api/requests')).body['ageChecks'].map((c: { checkId: string }) => c.checkId), { timeout: 15_000 })
      .toContain(remote.checkId);
    return { saleId, checkId: remote.checkId, deadlineAt: remote.deadlineAt };
  }

  beforeAll(async () => {
    brokerPort = await freePort();
    office = await startStandalone({
      dataDir: join(dir, 'office'),
      brokerPort,
      http: { port: 0 },
      auth: { secureCookie: false },
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    url = office.backoffice.httpUrl!;
    passwordFile = join(dir, 'mqtt-password');
    writeFileSync(passwordFile, await office.createSiteCredentials(SITE));
    anna = await signIn(office.backoffice.db, 'operator', Date.now(), { secureCookie: false, username: 'anna' });
  }, 60_000);

  afterAll(async () => {
    await point?.kill9().catch(() => undefined);
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the deadline: expired at the point, refused by the backoffice with a clear message, and refused by the point if it arrives anyway', async () => {
    point = await startPoint();
    await siteOnline();
    const { saleId, checkId, deadlineAt } = await beerWaiting(point);
    const listed = (await office$('GET', '/api/requests')).body['ageChecks'].find((c: { checkId: string }) => c.checkId === checkId);
    expect(listed.deadlineAt).toBe(deadlineAt);
    // the deadline is the configured time after the request (the event's time is taken a moment later)
    expect(deadlineAt - listed.requestedAt).toBeGreaterThan(REMOTE_AGE_MS - 200);
    expect(deadlineAt - listed.requestedAt).toBeLessThanOrEqual(REMOTE_AGE_MS);

    // The point's own timer ends the check; its decision reaches the backoffice.
    await expect
      .poll(async () => ((await point!.get(`/api/checkout/${saleId}`))['remoteAge'] as { status: string }).status, { timeout: 10_000 })
      .toBe('expired');
    await expect.poll(async () => (await ageCheckRow(checkId))?.status, { timeout: 10_000 }).toBe('expired');
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineAt);
    expect((await office$('GET', '/api/requests')).body['ageChecks']).toEqual([]);

    const late = await office$('POST', `/api/sites/${SITE}/age-checks/${checkId}/decision`, { approved: true });
    expect(late.status).toBe(409);
    expect(late.body['error']).toBe('not-open');

    // An approval that reaches the point anyway is refused there: nothing changes.
    const sent = await office.backoffice.downlink.sendCommand(SITE, 'age-check.decide', { saleId, checkId, approved: true, operator: 'anna' }, 10_000);
    await expect.poll(async () => await commandOutcome(sent.id), { timeout: 10_000 }).toMatchObject({ status: 'refused', reason: 'age-approval-expired' });
    expect(await point.get(`/api/checkout/${saleId}`)).toMatchObject({ state: 'ageCheck', agePassed: false });
  });

  it('the backoffice refuses a decision once the deadline has passed by its own clock, before the point has reported anything', async () => {
    const { checkId, deadlineAt } = await beerWaiting(point!);
    // Simulate a point whose expiry has not synced yet: the read model still says open.
    await expect.poll(() => Date.now() > deadlineAt, { timeout: REMOTE_AGE_MS + 2000, interval: 100 }).toBe(true);
    await office.backoffice.db.updateTable('p_age_checks').set({ status: 'open' }).where('check_id', '=', checkId).execute();
    const late = await office$('POST', `/api/sites/${SITE}/age-checks/${checkId}/decision`, { approved: true });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: 'deadline-passed' });
    expect(late.body['message']).toMatch(/Frist für diese Altersprüfung ist um \d\d:\d\d:\d\d UTC abgelaufen/);
    const sent = await office.backoffice.db
      .selectFrom('commands')
      .select('id')
      .where('kind', '=', 'age-check.decide')
      .where('body', 'like', `%${checkId}%`)
      .execute();
    expect(sent).toEqual([]);
  });

  it('across kill -9 the waiting check does not survive: the restarted point ends the sale, the check is ended, an approval is refused', async () => {
    const { saleId, checkId } = await beerWaiting(point!);
    await point!.kill9();
    point = await startPoint();
    await siteOnline();
    // The interrupted sale is aborted at start; the backoffice's check is ended, no longer open.
    await expect.poll(async () => (await ageCheckRow(checkId))?.status, { timeout: 15_000 }).toBe('ended');
    expect((await office$('GET', '/api/requests')).body['ageChecks']).toEqual([]);
    const viaRoute = await office$('POST', `/api/sites/${SITE}/age-checks/${checkId}/decision`, { approved: true });
    expect([viaRoute.status, viaRoute.body['error']]).toEqual([409, 'not-open']);
    // Straight to the point: unknown there, nothing sold.
    const sent = await office.backoffice.downlink.sendCommand(SITE, 'age-check.decide', { saleId, checkId, approved: true, operator: 'anna' }, 10_000);
    await expect.poll(async () => await commandOutcome(sent.id), { timeout: 10_000 }).toMatchObject({ status: 'refused', reason: 'age-approval-unknown' });
    expect((await point!.get(`/api/checkout/${saleId}`))['state']).toBeUndefined();
  });
});
