import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import type { PointSnapshotData } from '../../controller/contract/kiosk/index.ts';
import { freePort } from '../support/services.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * The kiosk learns that an operator answered a help request: a remote door release from the
 * backoffice after the request marks it answered in the point's live state (`GET /api/state`, the
 * live snapshot); a release without a request answers nothing. Real backoffice, embedded broker,
 * simulated point on the system clock.
 */
describe('a remote door release answers the kiosk’s help request (backoffice → point over MQTT)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-help-answer-'));
  const siteId = 'dorf-hilfe';
  let office: Standalone;
  let f: PointFixture;
  let url: string;
  const state = async (): Promise<PointSnapshotData> => (await fetch(`${url}/api/state`)).json() as Promise<PointSnapshotData>;
  const release = async (operator: string): Promise<void> => {
    const before = f.point.ledger.eventsOfTypes(['door.remote-release'], 0, 100).length;
    await office.backoffice.downlink.sendCommand(siteId, 'door.release', { operator, durationMs: 1000 }, 30_000);
    await expect.poll(() => f.point.ledger.eventsOfTypes(['door.remote-release'], 0, 100).length, { timeout: 15_000 }).toBe(before + 1);
  };

  beforeAll(async () => {
    const clock = createSystemClock();
    const brokerPort = await freePort();
    office = await startStandalone({ dataDir: dir, brokerPort, clock, logger: createSilentLogger() });
    const password = await office.createSiteCredentials(siteId);
    const port = await freePort();
    f = await startSimulatedPoint({
      clock,
      siteId,
      http: { host: '127.0.0.1', port },
      sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 },
      help: { phone: '+49 5555 123456', answerWithinMs: 120_000 },
    });
    url = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a release without a help request shows no answered help, and the configured phone number is in the state', async () => {
    await expect.poll(() => f.point.sync?.status().connected, { timeout: 15_000 }).toBe(true);
    await release('op-meier');
    expect((await state()).help).toEqual({ request: null, phone: '+49 5555 123456', answerWithinMs: 120_000 });
  });

  it('a help request is waiting until the operator releases the door; the release marks it answered, by whom', async () => {
    const seq = f.point.api.requestHelp!('welcome');
    const waiting = (await state()).help?.request;
    expect(waiting).toEqual({ seq, requestedAt: expect.any(Number), answeredAt: null, answeredBy: null });

    await release('anna');
    const answered = (await state()).help?.request;
    expect(answered).toEqual({ seq, requestedAt: waiting!.requestedAt, answeredAt: expect.any(Number), answeredBy: 'anna' });
    expect(answered!.answeredAt!).toBeGreaterThanOrEqual(waiting!.requestedAt);
    // the live snapshot the kiosk gets says the same
    expect(f.point.api.snapshot().help?.request).toEqual(answered);
  });

  it('a new help request after an answered one waits again', async () => {
    const seq = f.point.api.requestHelp!('shop');
    expect((await state()).help?.request).toEqual({ seq, requestedAt: expect.any(Number), answeredAt: null, answeredBy: null });
  });
});
