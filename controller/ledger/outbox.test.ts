import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { ledgerFixture } from './testSupport.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

describe('outbox', () => {
  it('every appended event is pending, ascending, until acknowledged', () => {
    const l = fx.open();
    for (let i = 0; i < 5; i++) l.appendUnchecked('entry.granted', { i });
    expect(l.outboxCount()).toBe(5);
    expect(l.outboxPending(0, 10).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(l.outboxPending(2, 2).map((e) => e.seq)).toEqual([3, 4]);
    expect(l.outboxPending(0, 1)[0]).toEqual(l.events(1, 1)[0]);
    expect(l.deliveredUpTo()).toBe(0);
  });

  it('a cumulative ack removes everything up to it, idempotently, and survives reopen', () => {
    const l = fx.open();
    for (let i = 0; i < 5; i++) l.appendUnchecked('entry.granted', { i });
    expect(l.markDeliveredUpTo(3)).toBe(3);
    expect(l.markDeliveredUpTo(3)).toBe(0);
    expect(l.markDeliveredUpTo(2)).toBe(0); // a late, older ack changes nothing
    expect(l.deliveredUpTo()).toBe(3);
    expect(l.outboxCount()).toBe(2);
    expect(l.outboxPending(0, 10).map((e) => e.seq)).toEqual([4, 5]);
    // the log itself keeps everything
    expect(l.events(1, 10)).toHaveLength(5);
    l.close();
    const again = fx.open();
    expect(again.deliveredUpTo()).toBe(3);
    expect(again.outboxPending(0, 10).map((e) => e.seq)).toEqual([4, 5]);
  });

  it('an ack beyond lastSeq is clamped to lastSeq and logged; later events stay pending', () => {
    const records: ReturnType<typeof createRecordingLogger>['records'] = [];
    const l = fx.open({ logger: createRecordingLogger(records) });
    l.appendUnchecked('entry.granted', {});
    l.appendUnchecked('entry.granted', {});
    expect(l.markDeliveredUpTo(1000)).toBe(2);
    expect(l.deliveredUpTo()).toBe(2);
    expect(records.some((r) => r.level === 'warn' && /clamped/.test(r.msg ?? ''))).toBe(true);
    const e3 = l.appendUnchecked('entry.granted', {});
    expect(l.outboxPending(0, 10)).toEqual([e3]);
  });

  it('ignores a malformed ack (negative, fractional, NaN) without changing anything', () => {
    const l = fx.open();
    l.appendUnchecked('entry.granted', {});
    for (const bad of [-1, 1.5, Number.NaN]) expect(l.markDeliveredUpTo(bad)).toBe(0);
    expect(l.deliveredUpTo()).toBe(0);
    expect(l.outboxCount()).toBe(1);
  });
});
