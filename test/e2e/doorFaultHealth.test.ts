import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import type { GpioBackend } from '../../hardware/ports.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { startPoint, type RunningPoint } from '../../controller/app.ts';
import { ensureDemoKeys, seedDemoLedger } from '../../controller/sim/demoData.ts';

const profile = { ...(await loadHardwareProfile(bundledProfilePath('simulated'))), boards: undefined, fridges: undefined };

/** A point whose siren relay driver dies after start: the door machine keeps failing. */
describe('a point whose door state machine keeps failing', () => {
  let point: RunningPoint | undefined;
  let sim: SimulatedPoint | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await point?.stop();
    sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports not ok on /health, records the failures, and the fire alarm still releases the strike', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 18, 9));
    dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-doorfault-'));
    const keys = await ensureDemoKeys(dataDir);
    const s = new SimulatedPoint({ profile, clock });
    sim = s;
    let sirenBroken = false;
    const gpio: GpioBackend = {
      kind: 'fake',
      output: (name, bcm, options) => {
        const out = s.gpio.output(name, bcm, options);
        if (name !== 'siren') return out;
        return {
          name,
          read: () => out.read(),
          write: (active) => {
            if (sirenBroken) throw new Error('EIO: siren relay');
            out.write(active);
          },
        };
      },
      input: (name, bcm, options) => s.gpio.input(name, bcm, options),
      stop: (options) => s.gpio.stop(options),
    };
    point = await startPoint({
      siteId: 'fault-dorf',
      dataDir,
      profile,
      gpio,
      publicKeyPem: keys.publicKeyPem,
      bundesland: 'BY',
      clock,
      logger: createSilentLogger(),
      http: { host: '127.0.0.1', port: 0 },
      seed: seedDemoLedger,
    });
    expect((await point.http!.inject('/health')).json()).toMatchObject({ ok: true });

    sirenBroken = true;
    s.force(); // forced door -> siren -> failure, and every restart fails at boot
    clock.advance(profile.door.timing.contactDebounceMs);

    const health = (await point.http!.inject('/health')).json();
    expect(health.ok).toBe(false);
    expect(health.door).toMatchObject({ faulted: true, strikeReleased: false });
    const errors = point.ledger.events(1, 10_000).filter((e) => e.type === 'door.machine-error');
    expect(errors.map((e) => e.data['action'])).toEqual(['restarted', 'restarted', 'restarted', 'faulted']);

    s.setFireAlarm(true);
    clock.advance(profile.fireAlarm.debounceMs);
    expect(s.strikeReleased).toBe(true);
    const stopping = point.stop();
    point = undefined;
    await expect(stopping).rejects.toThrow(/siren: EIO/); // the broken siren is reported
    expect(s.strikeReleased).toBe(true); // and shutdown during the fire keeps the strike released
  });
});
