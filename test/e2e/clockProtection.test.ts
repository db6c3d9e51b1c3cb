import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { issueToken } from '../../controller/access/token.ts';
import { startPoint, type RunningPoint } from '../../controller/app.ts';
import { ensureDemoKeys, seedDemoLedger, type DemoKeys } from '../../controller/sim/demoData.ts';

const NOV_18_2026 = Date.UTC(2026, 10, 18, 9, 0, 0); // Wednesday, 10:00 Berlin
const DAY = 86_400_000;
// the profile's serial boards (and the fridges whose probes hang on them) are not needed here
const profile = { ...(await loadHardwareProfile(bundledProfilePath('simulated'))), boards: undefined, fridges: undefined };

/** DESIGN principle 4 through the composition root: the ledger's last wall time floors the decider's clock. */
describe('access decisions when the Pi clock is wrong at boot', () => {
  let dataDir: string;
  let keys: DemoKeys;
  const running: Array<{ point: RunningPoint; sim: SimulatedPoint }> = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-clock-'));
    keys = await ensureDemoKeys(dataDir);
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      await r.point.stop();
      r.sim.stop();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function boot(clock: ManualClock, isClockSynced?: () => boolean): Promise<RunningPoint> {
    const sim = new SimulatedPoint({ profile, clock });
    const point = await startPoint({
      siteId: 'clock-dorf',
      dataDir,
      profile,
      gpio: sim.gpio,
      publicKeyPem: keys.publicKeyPem,
      bundesland: 'BY',
      clock,
      logger: createSilentLogger(),
      seed: seedDemoLedger,
      isClockSynced,
    });
    running.push({ point, sim });
    return point;
  }
  async function shutDown(point: RunningPoint): Promise<void> {
    const i = running.findIndex((r) => r.point === point);
    const [r] = running.splice(i, 1);
    await r!.point.stop();
    r!.sim.stop();
  }
  const token = (memberId: string, issuedAtMs: number, expiresAtMs: number) =>
    issueToken(keys.privateKey, {
      role: 'member',
      age16: false,
      age18: false,
      memberId,
      credentialId: `cred-${memberId}`,
      issuedAt: Math.floor(issuedAtMs / 1000),
      expiresAt: Math.floor(expiresAtMs / 1000),
    });

  it('a Pi that boots at 1970 without network still lets a member in with a token issued last week', async () => {
    const first = await boot(new ManualClock(NOV_18_2026), () => true);
    first.ledger.append('door.closed', {});
    await shutDown(first);

    // power cut, no RTC, no network: the clock starts at 1970
    await boot(new ManualClock(30_000));
    const point = running[0]!.point;
    const d = await point.api.presentToken(token('m-anna', NOV_18_2026 - 7 * DAY, NOV_18_2026 + 300 * DAY));
    expect(d).toMatchObject({ granted: true, reason: 'granted' });
  });

  it('a clock set back cannot revive a token that expired before the last recorded event', async () => {
    const clock = new ManualClock(NOV_18_2026);
    const first = await boot(clock);
    clock.advance(10 * DAY); // the point kept working for ten days
    first.ledger.append('door.closed', {});
    await shutDown(first);

    // reboot with the clock wrongly back at day 0: the token (expired on day 2) must stay expired
    const point = await boot(new ManualClock(NOV_18_2026));
    const d = await point.api.presentToken(token('m-anna', NOV_18_2026 - 7 * DAY, NOV_18_2026 + 2 * DAY));
    expect(d).toMatchObject({ granted: false, reason: 'expired' });
  });

  it('records whether the clock was synced on every ledger event (isClockSynced)', async () => {
    let synced = false;
    const point = await boot(new ManualClock(NOV_18_2026), () => synced);
    const before = point.ledger.append('door.closed', {});
    synced = true;
    const after = point.ledger.append('door.closed', {});
    expect([before.clockSynced, after.clockSynced]).toEqual([false, true]);
  });
});
