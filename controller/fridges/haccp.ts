import type { TemperatureReading } from '../../hardware/ports.ts';
import { formatTenths, plausibleTenths, type ProbeFault } from './plausibility.ts';

/**
 * The HACCP judgement of one fridge as a pure reducer: `step(config, state, input)` returns the
 * next state and the effects (what to record, which alarm to raise or clear, when to block).
 * The runtime (fridges.ts) feeds it readings on the injected clock and carries the effects out;
 * tests and property tests drive it directly.
 *
 * Rules (issue 9 item 4):
 * - A reading is the warmest plausible probe; implausible values are faults, never temperatures.
 * - Crossing above: value > limit. Back below: value <= limit − hysteresis (no flapping).
 * - The exceedance clock runs only outside defrost windows: a reading inside one resets it, so
 *   neither a spike nor a defrost raises anything. Alarm after `alarmAfterMs` of continuous
 *   exceedance, block after `blockAfterMs`.
 * - A gap longer than `maxGapMs` followed by a first reading (outside defrost) above the limit
 *   is a breach: the fridge is blocked at once (the cold chain cannot be shown).
 * - A probe without a plausible value for `lostAfterReadings` readings in a row alarms.
 * - A corrective action lifts the block; if still above, the breach clock restarts then.
 * - A wall-clock jump restarts the breach clock (principle 4: the Pi's clock lies).
 */

export interface HaccpConfig {
  limitTenths: number;
  hysteresisTenths: number;
  alarmAfterMs: number;
  blockAfterMs: number;
  maxGapMs: number;
  lostAfterReadings: number;
  inDefrost: (at: number) => boolean;
}

export interface ProbeState {
  faultRun: number;
  /** Fault of the current run (null while the probe reads plausibly). */
  fault: ProbeFault | null;
  alarmed: boolean;
}

export interface HaccpState {
  above: boolean;
  /** Start of the exceedance that counts towards alarm and block (null: not counting). */
  countingSince: number | null;
  alarmed: boolean;
  blocked: boolean;
  /** A gap longer than maxGapMs waiting for its first reading outside defrost. */
  pendingGap: { fromAt: number; toAt: number } | null;
  probes: Record<string, ProbeState>;
}

export type HaccpInput =
  | { type: 'sample'; at: number; readings: readonly TemperatureReading[] }
  | { type: 'gap'; fromAt: number; toAt: number }
  | { type: 'corrective-action'; at: number; lifts: boolean }
  /** The wall clock jumped (NTP after a boot at 1970, a manual set): durations across it are unknown. */
  | { type: 'clock-jump'; at: number };

export type HaccpEffect =
  | { type: 'reading'; at: number; tenths: number }
  | { type: 'crossed'; direction: 'above' | 'below'; readAt: number; tenths: number; inDefrost: boolean }
  | { type: 'probe-fault'; probeId: string; fault: ProbeFault; detail: string }
  | { type: 'raise'; alarm: 'temperature'; since: number; reason: string; tenths: number }
  | { type: 'raise'; alarm: 'probe'; probeId: string; fault: ProbeFault; reason: string }
  | { type: 'clear'; alarm: 'temperature'; reason: string }
  | { type: 'clear'; alarm: 'probe'; probeId: string; reason: string }
  | { type: 'block'; cause: 'breach' | 'gap-breach'; since: number; readAt: number; tenths: number };

export function initialHaccpState(): HaccpState {
  return { above: false, countingSince: null, alarmed: false, blocked: false, pendingGap: null, probes: {} };
}

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

export function step(config: HaccpConfig, state: HaccpState, input: HaccpInput): { state: HaccpState; effects: HaccpEffect[] } {
  const s: HaccpState = { ...state, probes: { ...state.probes } };
  const effects: HaccpEffect[] = [];
  switch (input.type) {
    case 'gap':
      if (input.toAt - input.fromAt > config.maxGapMs) s.pendingGap = { fromAt: input.fromAt, toAt: input.toAt };
      return { state: s, effects };
    case 'corrective-action':
      if (input.lifts) {
        s.blocked = false;
        s.pendingGap = null;
        if (s.countingSince !== null) s.countingSince = input.at;
      }
      return { state: s, effects };
    case 'clock-jump':
      // an exceedance measured across a jump would be nonsense (56 years above the limit): restart it
      if (s.countingSince !== null) s.countingSince = input.at;
      return { state: s, effects };
    case 'sample':
      break;
  }

  const { at } = input;
  let warmest: number | null = null;
  for (const r of input.readings) {
    const p = plausibleTenths(r);
    const prev = s.probes[r.probeId] ?? { faultRun: 0, fault: null, alarmed: false };
    if (p.ok) {
      if (warmest === null || p.tenths > warmest) warmest = p.tenths;
      if (prev.alarmed) effects.push({ type: 'clear', alarm: 'probe', probeId: r.probeId, reason: `probe ${r.probeId} reads ${formatTenths(p.tenths)} again` });
      s.probes[r.probeId] = { faultRun: 0, fault: null, alarmed: false };
      continue;
    }
    const next: ProbeState = { faultRun: prev.faultRun + 1, fault: p.fault, alarmed: prev.alarmed };
    if (prev.fault === null) effects.push({ type: 'probe-fault', probeId: r.probeId, fault: p.fault, detail: p.reason.slice(0, 500) });
    if (!next.alarmed && next.faultRun >= config.lostAfterReadings) {
      next.alarmed = true;
      effects.push({
        type: 'raise',
        alarm: 'probe',
        probeId: r.probeId,
        fault: p.fault,
        reason: `no plausible reading for ${next.faultRun} readings: ${p.reason}`,
      });
    }
    s.probes[r.probeId] = next;
  }
  if (warmest === null) return { state: s, effects };

  const v = warmest;
  const inDefrost = config.inDefrost(at);
  effects.push({ type: 'reading', at, tenths: v });

  if (!s.above && v > config.limitTenths) {
    s.above = true;
    effects.push({ type: 'crossed', direction: 'above', readAt: at, tenths: v, inDefrost });
  } else if (s.above && v <= config.limitTenths - config.hysteresisTenths) {
    s.above = false;
    effects.push({ type: 'crossed', direction: 'below', readAt: at, tenths: v, inDefrost });
  }

  if (inDefrost || !s.above) s.countingSince = null;
  else s.countingSince ??= at;

  if (s.pendingGap && !inDefrost) {
    const gap = s.pendingGap;
    s.pendingGap = null;
    if (v > config.limitTenths && !s.blocked) {
      s.blocked = true;
      effects.push({ type: 'block', cause: 'gap-breach', since: gap.fromAt, readAt: at, tenths: v });
    }
  }

  if (s.countingSince !== null) {
    const over = at - s.countingSince;
    if (!s.alarmed && over >= config.alarmAfterMs) {
      s.alarmed = true;
      effects.push({
        type: 'raise',
        alarm: 'temperature',
        since: s.countingSince,
        tenths: v,
        reason: `${formatTenths(v)} is above the limit ${formatTenths(config.limitTenths)} for ${minutes(over)}`,
      });
    }
    if (!s.blocked && over >= config.blockAfterMs) {
      s.blocked = true;
      effects.push({ type: 'block', cause: 'breach', since: s.countingSince, readAt: at, tenths: v });
    }
  }
  if (!s.above && s.alarmed) {
    s.alarmed = false;
    effects.push({
      type: 'clear',
      alarm: 'temperature',
      reason: `back to ${formatTenths(v)}, at or below ${formatTenths(config.limitTenths - config.hysteresisTenths)}`,
    });
  }
  return { state: s, effects };
}
