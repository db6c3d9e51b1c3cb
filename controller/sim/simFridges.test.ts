import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createAlarms } from '../alarms/alarms.ts';
import { createFridges } from '../fridges/fridges.ts';
import { ledgerFixture } from '../ledger/testSupport.ts';
import { createSimFridges } from './simFridges.ts';

describe('simulated fridges from the simulated profile', () => {
  it('builds one thermal model per fridge that holds below its limit, with the profile’s probe ids', async () => {
    const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 18, 0));
    const sims = createSimFridges(clock, profile.fridges!);
    expect(sims.entries().map((e) => [e.config.id, e.ports.probes[0]!.id])).toEqual([
      ['molkerei', '28-0316a2790aff'],
      ['truhe', '28-0416b1e2c3ff'],
      ['getraenke', 'kuehl-fuehler#1'],
    ]);
    clock.advance(6 * 3_600_000);
    for (const e of sims.entries()) {
      const r = await e.ports.probes[0]!.read();
      expect(r.ok && r.celsius * 10 < e.config.limitTenths).toBe(true);
    }
  });

  it('upsets a fridge from the page and refuses an unknown fridge or a bad value, changing nothing', async () => {
    const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
    const sims = createSimFridges(new ManualClock(), profile.fridges!);
    sims.control('molkerei', { action: 'open-door' });
    expect(sims.view().find((v) => v.id === 'molkerei')?.doorOpen).toBe(true);
    expect(() => sims.control('kühlhaus', { action: 'cut-power' })).toThrow('no simulated fridge "kühlhaus" (known: molkerei, truhe, getraenke)');
    expect(() => sims.control('truhe', { action: 'set-ambient', celsius: 900 })).toThrow(/ambient must be a temperature between -30 and 50 °C, got 900/);
    expect(() => sims.control('truhe', { action: 'explode' } as never)).toThrow('unknown fridge control "explode"');
    expect(sims.view().find((v) => v.id === 'truhe')?.ambientC).toBe(21);
  });

  it('wired as the lead would: the simulated point’s three fridges run a day without any alarm, then a broken freezer compressor alarms', async () => {
    const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
    const fx = ledgerFixture();
    try {
      const clock = fx.clock;
      const ledger = fx.open();
      const alarms = createAlarms({ clock, logger: createSilentLogger(), ledger });
      alarms.start();
      const sims = createSimFridges(clock, profile.fridges!);
      const fridges = createFridges({ clock, logger: createSilentLogger(), ledger, alarms, fridges: sims.entries() });
      fridges.start();
      const run = async (ms: number) => {
        for (let t = 0; t < ms; t += 60_000) {
          await fridges.settled();
          clock.advance(60_000);
        }
        await fridges.settled();
      };
      await run(24 * 3_600_000);
      expect(alarms.open()).toEqual([]);
      expect(ledger.eventsOfTypes(['fridge.readings'], 1, 10_000).length).toBeGreaterThan(3 * 40);
      sims.control('truhe', { action: 'break-compressor' });
      await run(6 * 3_600_000);
      expect(alarms.open().map((a) => a.key)).toContain('fridge:truhe:temperature');
      await fridges.stop();
    } finally {
      fx.cleanup();
    }
  });
});
