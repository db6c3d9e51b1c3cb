import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TIME_FLOOR_WINDOW } from './ledger.ts';
import { ledgerFixture } from './testSupport.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

describe('Ledger.timeFloorMs (a wall time known to have passed)', () => {
  it('is 0 for an empty ledger', () => {
    expect(fx.open().timeFloorMs()).toBe(0);
  });

  it('is the last event time, and survives a reopen', () => {
    fx.clock.setWall(Date.UTC(2026, 10, 18));
    const l = fx.open();
    l.append('door.closed', {});
    fx.clock.advance(5000);
    const last = l.append('door.closed', {});
    l.close();
    expect(fx.open().timeFloorMs()).toBe(last.at);
  });

  it('keeps the latest time when a few events were written after the clock fell back to 1970', () => {
    fx.clock.setWall(Date.UTC(2026, 10, 18));
    const l = fx.open();
    const good = l.append('door.closed', {});
    fx.clock.setWall(12_000); // power cut, no RTC
    l.append('door.open-at-boot', {});
    l.append('door.closed', {});
    expect(l.timeFloorMs()).toBe(good.at);
  });

  it('looks only at the most recent window of events (bounded cost at start)', () => {
    fx.clock.setWall(Date.UTC(2030, 0, 1)); // one event from a clock once set far ahead
    const l = fx.open();
    l.append('door.closed', {});
    fx.clock.setWall(Date.UTC(2026, 10, 18));
    l.appendMany(Array.from({ length: TIME_FLOOR_WINDOW }, () => ({ type: 'door.closed', data: {} })));
    expect(l.timeFloorMs()).toBe(Date.UTC(2026, 10, 18));
  });
});
