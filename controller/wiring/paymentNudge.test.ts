import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import type { Change } from '../contract/sync/index.ts';
import { ChangeRejected, type ChangeEventMapper } from '../sync/changeApplier.ts';
import { nudgeOnPaymentChanges } from './paymentNudge.ts';

const change = {} as Change;

describe('payment changes nudge the sale they name', () => {
  const applied: ChangeEventMapper = () => [{ type: 'payment.webhook-applied', data: {} }];
  const refused: ChangeEventMapper = () => {
    throw new ChangeRejected('payment.webhook evt_1 replayed: already applied once');
  };

  it('an applied change nudges its sale once, after its events are returned (recorded)', () => {
    const clock = new ManualClock();
    const nudged: string[] = [];
    const m = nudgeOnPaymentChanges({ 'payment.webhook': applied, 'payment.phone': applied }, (s) => nudged.push(s), clock);
    expect(m['payment.webhook']!({ saleId: 'S-1' }, change)).toHaveLength(1);
    expect(nudged).toEqual([]);
    clock.advance(0);
    expect(nudged).toEqual(['S-1']);
    m['payment.phone']!({ saleId: 'S-2' }, change);
    clock.advance(0);
    expect(nudged).toEqual(['S-1', 'S-2']);
  });

  it('a refused change (replayed, unknown, forged) stays refused and nudges nothing', () => {
    const clock = new ManualClock();
    const nudged: string[] = [];
    const m = nudgeOnPaymentChanges({ 'payment.webhook': refused }, (s) => nudged.push(s), clock);
    expect(() => m['payment.webhook']!({ saleId: 'S-1' }, change)).toThrow(ChangeRejected);
    clock.advance(1000);
    expect(nudged).toEqual([]);
  });

  it('other change kinds pass through untouched', () => {
    const other: ChangeEventMapper = () => [];
    expect(nudgeOnPaymentChanges({ 'account-terms': other }, () => undefined, new ManualClock())['account-terms']).toBe(other);
  });
});
