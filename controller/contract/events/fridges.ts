import { Type } from 'typebox';
import { DurationMs, defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

/**
 * HACCP record of the point's fridges (controller/fridges). Temperatures are integer tenths of
 * a degree Celsius (42 = 4.2 °C), never floats. A reading that is not a plausible temperature
 * (probe fault, DS18B20 power-on value, out of range) is never recorded as a temperature.
 */

const FridgeId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' });
/** Tenths of a degree Celsius, within the plausible range (−40.0 .. 60.0 °C). */
export const Tenths = Type.Integer({ minimum: -400, maximum: 600 });

export const fridgeEvents = defineEvents({
  'fridge.configured': {
    summary:
      "The point's fridges with their names and limits as its profile declares them (written at start when they differ from the last such event; none written while a point never had any).",
    versions: [
      Type.Object(
        {
          fridges: Type.Array(
            Type.Object(
              {
                fridgeId: FridgeId,
                name: Type.String({ minLength: 1, maxLength: 60 }),
                productGroup: Type.String({ minLength: 1, maxLength: 40 }),
                /** Upper limit in tenths of °C: above it the fridge is too warm (as `fridge.crossed` limitTenths). */
                limitTenths: Tenths,
                /** Back below the limit only at limit - hysteresis (tenths of °C). */
                hysteresisTenths: Type.Integer({ minimum: 0, maximum: 200 }),
                /** Above the limit this long raises the alarm. */
                alarmAfterMs: DurationMs,
                /** Above the limit this long blocks the cold chain. */
                blockAfterMs: DurationMs,
                /** Daily defrost windows (Europe/Berlin wall time, HH:MM). */
                defrost: Type.Array(
                  Type.Object(
                    { start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }), minutes: Type.Integer({ minimum: 1, maximum: 180 }) },
                    { additionalProperties: false },
                  ),
                  { maxItems: 8 },
                ),
              },
              { additionalProperties: false },
            ),
            { maxItems: 32 },
          ),
        },
        { additionalProperties: false },
      ),
    ],
  },
  'fridge.readings': {
    summary: 'Consecutive readings of one fridge (warmest plausible probe), compact: start time, offsets and tenths.',
    versions: [
      Type.Object(
        {
          fridgeId: FridgeId,
          /** Time of the first reading. */
          firstAt: EpochMs,
          /** Per reading: ms after `firstAt` (first is 0), ascending. */
          offsetsMs: Type.Array(Type.Integer({ minimum: 0, maximum: 86_400_000 }), { minItems: 1, maxItems: 120 }),
          /** Per reading: the temperature in tenths of °C (same length as offsetsMs). */
          tenths: Type.Array(Tenths, { minItems: 1, maxItems: 120 }),
        },
        { additionalProperties: false },
      ),
    ],
  },
  'fridge.crossed': {
    summary: 'A fridge crossed its limit: above (value > limit) or back below (value <= limit - hysteresis).',
    versions: [
      Type.Object(
        {
          fridgeId: FridgeId,
          direction: Type.Enum(['above', 'below']),
          /** Time of the reading that crossed. */
          readAt: EpochMs,
          tenths: Tenths,
          limitTenths: Tenths,
          /** The reading fell inside a configured defrost window (no alarm timer runs there). */
          inDefrost: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ],
  },
  'fridge.gap': {
    summary: 'No readings were taken for a while (power cut, stopped controller); recorded as is, never interpolated.',
    versions: [Type.Object({ fridgeId: FridgeId, fromAt: EpochMs, toAt: EpochMs, lengthMs: DurationMs }, { additionalProperties: false })],
  },
  'fridge.probe-fault': {
    summary: 'A probe stopped giving plausible temperatures (fault or implausible value); the value is not a temperature.',
    versions: [
      Type.Object(
        {
          fridgeId: FridgeId,
          probeId: Id,
          fault: Type.Enum(['crc', 'power-on-value', 'missing', 'read-error', 'implausible', 'timeout']),
          detail: Type.String({ maxLength: 500 }),
        },
        { additionalProperties: false },
      ),
    ],
  },
  'fridge.blocked': {
    summary: 'Cold chain broken: every product assigned to the fridge is blocked until a corrective action.',
    versions: [
      Type.Object(
        {
          fridgeId: FridgeId,
          /** breach: above the limit longer than blockAfterMs; gap-breach: a long gap followed by a reading above the limit. */
          cause: Type.Enum(['breach', 'gap-breach']),
          /** Since when the fridge was above its limit (or the start of the gap). */
          since: EpochMs,
          readAt: EpochMs,
          tenths: Tenths,
          limitTenths: Tenths,
        },
        { additionalProperties: false },
      ),
    ],
  },
  'fridge.corrective-action': {
    summary: 'An operator recorded a corrective action (downlink change); it lifts the block once per actionId.',
    versions: [
      Type.Object(
        {
          fridgeId: FridgeId,
          actionId: Type.String({ minLength: 1, maxLength: 200 }),
          by: Type.String({ minLength: 1, maxLength: 200 }),
          note: Type.String({ minLength: 1, maxLength: 2000 }),
          /** Whether the fridge was blocked and this action lifted it. */
          lifted: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ],
  },
});

export type FridgePayloads = PayloadsOf<typeof fridgeEvents>;
