import { fridgeLimitC, type DefrostWindow, type FridgesProfile, type ProductGroup } from '../../hardware/profile/fridgesSchema.ts';
import { ZonedTime } from '../access/berlinTime.ts';

/** One fridge as the HACCP feature sees it (ports excluded): all temperatures in tenths of °C. */
export interface FridgeConfig {
  id: string;
  name: string;
  productGroup: ProductGroup;
  limitTenths: number;
  hysteresisTenths: number;
  samplingMs: number;
  readingsPerRecord: number;
  alarmAfterMs: number;
  blockAfterMs: number;
  maxGapMs: number;
  lostAfterReadings: number;
  doorOpenAlarmMs: number;
  defrost: readonly DefrostWindow[];
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether an instant falls inside one of the daily defrost windows, in Europe/Berlin wall time
 * (a window across midnight wraps; on DST days the wall-clock window is kept, as the fridge's
 * own timer would after it was set to local time).
 */
export function defrostChecker(windows: readonly DefrostWindow[], zone: ZonedTime = new ZonedTime('Europe/Berlin')): (at: number) => boolean {
  if (windows.length === 0) return () => false;
  const spans = windows.map((w) => ({ start: toMinutes(w.start), minutes: w.minutes }));
  return (at) => {
    const m = zone.local(at).minuteOfDay;
    return spans.some((s) => (m - s.start + 1440) % 1440 < s.minutes);
  };
}

/** The profile's `fridges` section as per-fridge configs (the profile was validated: every limit exists). */
export function fridgeConfigsFromProfile(section: FridgesProfile): FridgeConfig[] {
  return section.units.map((u) => {
    const limitC = fridgeLimitC(section, u);
    if (limitC === undefined) throw new Error(`fridge ${u.id}: no limit for product group ${u.productGroup} (the profile checks should have refused this)`);
    return {
      id: u.id,
      name: u.name,
      productGroup: u.productGroup,
      limitTenths: Math.round(limitC * 10),
      hysteresisTenths: Math.round(section.hysteresisC * 10),
      samplingMs: section.samplingMs,
      readingsPerRecord: section.readingsPerRecord,
      alarmAfterMs: section.alarmAfterMs,
      blockAfterMs: section.blockAfterMs,
      maxGapMs: section.maxGapMs,
      lostAfterReadings: section.lostAfterReadings,
      doorOpenAlarmMs: section.doorOpenAlarmMs,
      defrost: u.defrost,
    };
  });
}
