import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { decodeEvent } from '../contract/events/decode.ts';
import { buildSimulatedPoint, type BuiltSimulatedPoint } from './simulatedPointBuilder.ts';

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);
const DAY = 86_400_000;

describe('demo history of a simulated point (npm start fleet)', () => {
  let dir: string | undefined;
  let built: BuiltSimulatedPoint | undefined;
  afterEach(async () => {
    await built?.stop();
    built = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (scenario: 'shop' | 'farm' | 'parcels', clock = new ManualClock(NOW)) =>
    buildSimulatedPoint({ siteId: `hist-${scenario}`, dataDir: dir!, clock, logger: createSilentLogger(), demoPickupCodes: true, demoHistory: scenario });

  it('records days of visits, card sales and fridge readings back-dated in order, on an intact hash chain, ending just before now', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-hist-'));
    built = await start('shop');
    const ledger = built.point.ledger;
    expect(ledger.verifyChain().ok).toBe(true);
    const events = ledger.events(1, 100_000);
    // every event is one the backoffice decodes with the catalogue (none would be flagged there)
    expect(events.map((e) => decodeEvent(e.type, e.data)).filter((d) => !d.ok)).toEqual([]);
    expect(events[0]!.at).toBeLessThanOrEqual(NOW - 3 * DAY);
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    const sales = events.filter((e) => e.type === 'sale.committed');
    expect(sales.length).toBeGreaterThan(30);
    expect(events.filter((e) => e.type === 'door.opened').length).toBeGreaterThan(40);
    expect(events.some((e) => e.type === 'fridge.readings' && e.at > NOW - 3_600_000)).toBe(true);
    // a past door alarm, acknowledged and cleared: nothing open now
    expect(events.some((e) => e.type === 'alarm.acknowledged')).toBe(true);
    expect(built.point.alarms.open()).toEqual([]);
    // two parcels wait in their compartments with their pickup codes; the first one was collected
    expect(
      built.point.lockers
        .view()
        .filter((c) => c.status === 'occupied')
        .map((c) => c.id),
    ).toEqual(['A2', 'A3']);
  });

  it('leaves the farm shop’s dairy fridge blocked with its alarm open after a warm night, as its features rebuild it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-hist-'));
    built = await start('farm');
    expect(built.point.ledger.events(1, 100_000).filter((e) => !decodeEvent(e.type, e.data).ok)).toEqual([]);
    expect(built.point.fridges.isBlocked('molkerei')).toBe(true);
    expect(built.point.alarms.open().map((a) => [a.key, a.severity])).toEqual([['fridge:molkerei:blocked', 'critical']]);
  });

  it('is recorded once: a second start of the same data folder adds no history', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-hist-'));
    built = await start('parcels');
    expect(built.point.ledger.events(1, 100_000).filter((e) => !decodeEvent(e.type, e.data).ok)).toEqual([]);
    const first = built.point.ledger.events(1, 100_000).filter((e) => e.type === 'parcel.deposited').length;
    expect(first).toBe(6);
    await built.stop();
    built = await start('parcels', new ManualClock(NOW + 60_000));
    expect(built.point.ledger.events(1, 100_000).filter((e) => e.type === 'parcel.deposited').length).toBe(first);
    expect(built.point.lockers.view().filter((c) => c.status === 'occupied')).toHaveLength(5);
  });
});
