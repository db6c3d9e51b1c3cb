import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { alarmEvents } from '../contract/events/alarms.ts';
import { catalogueProblems } from '../contract/events/decodeForTests.ts';
import { ledgerFixture } from '../ledger/testSupport.ts';
import type { Ledger } from '../ledger/index.ts';
import { AlarmInputError, createAlarms } from './alarms.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

function rig(ledger: Ledger = fx.open()) {
  const alarms = createAlarms({ clock: fx.clock, logger: createSilentLogger(), ledger });
  alarms.start();
  return { ledger, alarms, types: () => ledger.events(1, 1000).map((e) => e.type) };
}

const fridgeHot = { source: 'fridge', kind: 'temperature', severity: 'critical', reason: 'Kühlschrank 1 above 7.0 °C for 30 min' } as const;

describe('alarm model', () => {
  it('raising an open alarm again records nothing new (a feature may re-raise on every check)', () => {
    const { alarms, types } = rig();
    alarms.raise('fridge:k1:temperature', fridgeHot);
    alarms.raise('fridge:k1:temperature', { ...fridgeHot, reason: 'still hot' });
    expect(types()).toEqual(['alarm.raised']);
    expect(alarms.open().map((a) => a.key)).toEqual(['fridge:k1:temperature']);
  });

  it('goes raised -> acknowledged -> cleared, one event each, and a second ack or clear changes nothing', () => {
    const { alarms, types } = rig();
    const seen: number[] = [];
    alarms.onChange((open) => seen.push(open.length));
    alarms.raise('door:held-open', { source: 'door', kind: 'held-open', severity: 'warning', reason: 'door open for 30 s' });
    expect(alarms.acknowledge('door:held-open', 'op-anna', 'on my way')).toBe(true);
    expect(alarms.acknowledge('door:held-open', 'op-bert')).toBe(false);
    expect(alarms.open()[0]?.acknowledged).toEqual({ by: 'op-anna', note: 'on my way' });
    alarms.clear('door:held-open', 'door closed');
    alarms.clear('door:held-open', 'door closed');
    expect(alarms.acknowledge('door:held-open', 'op-anna')).toBe(false);
    expect(types()).toEqual(['alarm.raised', 'alarm.acknowledged', 'alarm.cleared']);
    expect(alarms.open()).toEqual([]);
    expect(seen).toEqual([1, 1, 0]);
  });

  it('lists critical alarms before warnings, oldest first', () => {
    const { alarms } = rig();
    alarms.raise('hw:board', { source: 'hardware', kind: 'board-lost', severity: 'warning', reason: 'lock board silent' });
    fx.clock.advance(1000);
    alarms.raise('fridge:k1:temperature', fridgeHot);
    expect(alarms.open().map((a) => a.severity)).toEqual(['critical', 'warning']);
  });

  it('open alarms and their acknowledgement survive a restart (rebuilt from the ledger, as after kill -9)', () => {
    const first = rig();
    first.alarms.raise('fridge:k1:temperature', fridgeHot);
    first.alarms.raise('fridge:k2:door-open', { source: 'fridge', kind: 'door-open', severity: 'warning', reason: 'door open 3 min' });
    first.alarms.raise('access:pin', { source: 'access', kind: 'brute-force', severity: 'warning', reason: '10 wrong PINs in an hour' });
    first.alarms.acknowledge('fridge:k1:temperature', 'op-anna');
    first.alarms.clear('fridge:k2:door-open', 'door closed');
    first.ledger.close();

    const second = rig(fx.open());
    expect(second.alarms.open().map((a) => [a.key, a.acknowledged?.by ?? null])).toEqual([
      ['fridge:k1:temperature', 'op-anna'],
      ['access:pin', null],
    ]);
    // the restarted fridge feature re-raises its still-hot fridge: nothing new is written
    const before = second.ledger.lastSeq();
    second.alarms.raise('fridge:k1:temperature', fridgeHot);
    expect(second.ledger.lastSeq()).toBe(before);
  });

  it("ignores the door's pre-model alarm.cleared events (no key) when rebuilding", () => {
    const ledger = fx.open();
    ledger.append('alarm.held-open', { openForMs: 30000 });
    ledger.appendChecked('alarm.cleared', { alarm: 'held-open', cause: 'closed' });
    const { alarms } = rig(ledger);
    expect(alarms.open()).toEqual([]);
  });

  it('refuses a malformed key, kind or empty reason with a clear error and records nothing', () => {
    const { alarms, ledger } = rig();
    expect(() => alarms.raise('has space', fridgeHot)).toThrow(AlarmInputError);
    expect(() => alarms.raise('k', { ...fridgeHot, kind: 'Not Kebab' })).toThrow(/kind/);
    expect(() => alarms.raise('k', { ...fridgeHot, reason: '' })).toThrow(/reason/);
    expect(ledger.lastSeq()).toBe(0);
    expect(alarms.open()).toEqual([]);
  });

  it('refuses raising before start, so a wiring order mistake is loud', () => {
    const alarms = createAlarms({ clock: fx.clock, logger: createSilentLogger(), ledger: fx.open() });
    expect(() => alarms.raise('k', fridgeHot)).toThrow(/before alarms.start/);
  });

  it('still shows an alarm whose event could not be written (disk full)', () => {
    const ledger = fx.open();
    const failing = {
      append: () => {
        throw new Error('SQLITE_FULL');
      },
      eventsOfTypes: ledger.eventsOfTypes.bind(ledger),
    };
    const alarms = createAlarms({ clock: fx.clock, logger: createSilentLogger(), ledger: failing });
    alarms.start();
    alarms.raise('fridge:k1:temperature', fridgeHot);
    expect(alarms.isOpen('fridge:k1:temperature')).toBe(true);
  });

  it('writes events that decode with the declared catalogue', () => {
    const { alarms, ledger } = rig();
    alarms.raise('fridge:k1:probe', {
      source: 'fridge',
      kind: 'probe-lost',
      severity: 'critical',
      reason: 'no reading for 3 intervals',
      detail: { probeId: '28-0316a2790aff', fault: 'missing' },
    });
    alarms.acknowledge('fridge:k1:probe', 'op-anna');
    alarms.clear('fridge:k1:probe', 'probe reads again');
    const events = ledger.events(1, 100);
    expect(events).toHaveLength(3);
    for (const e of events) expect(catalogueProblems(alarmEvents, e.type, e.data)).toEqual([]);
  });
});
