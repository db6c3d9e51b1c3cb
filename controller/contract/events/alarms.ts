import { Type } from 'typebox';
import { defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

/**
 * The point's one alarm model (controller/alarms): every alarm of every feature (door, locker,
 * fridge, hardware, access brute force) is raised, acknowledged and cleared through these three
 * events. `key` names one alarm condition (e.g. `fridge:kuehl-1:temperature`); raising a key that
 * is already open writes nothing, so a key is open from its `alarm.raised` to its next
 * `alarm.cleared`.
 */

export const AlarmSource = Type.Enum(['door', 'locker', 'fridge', 'hardware', 'access', 'sync', 'point']);
export const AlarmSeverity = Type.Enum(['critical', 'warning', 'info']);
/** Alarm key: `<source>:<subject>:<kind>`-like, printable, no spaces. */
export const AlarmKey = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:#-]{0,159}$' });
const Kind = Type.String({ pattern: '^[a-z][a-z0-9-]{0,59}$' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
/** Free machine-readable context (numbers and short strings only). */
const Detail = Type.Record(Type.String({ maxLength: 60 }), Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]), {
  maxProperties: 20,
});

export const alarmEvents = defineEvents({
  'alarm.raised': {
    summary: 'An alarm condition started (one event per open alarm; re-raising an open key writes nothing).',
    versions: [
      Type.Object(
        {
          key: AlarmKey,
          source: AlarmSource,
          kind: Kind,
          severity: AlarmSeverity,
          /** Why, in plain words for the operator (English; the UI translates by source/kind). */
          reason: Reason,
          /** When the condition started (may be before the event's `at`, e.g. a fridge above its limit since then). */
          since: EpochMs,
          detail: Type.Optional(Detail),
        },
        { additionalProperties: false },
      ),
    ],
  },
  'alarm.acknowledged': {
    summary: 'Someone took note of an open alarm; it stays open until its condition clears.',
    versions: [Type.Object({ key: AlarmKey, by: Id, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })],
  },
  'alarm.cleared': {
    summary: 'An open alarm ended (v1: the door machine before the alarm model, no key).',
    versions: [
      // v1: written by the door machine (doorMachine.ts) before the one alarm model existed.
      Type.Object({ alarm: Type.Enum(['held-open', 'forced-open']), cause: Type.Enum(['closed', 'fire']) }, { additionalProperties: false }),
      Type.Object({ v: Type.Literal(2), key: AlarmKey, reason: Reason }, { additionalProperties: false }),
    ],
  },
});

export type AlarmPayloads = PayloadsOf<typeof alarmEvents>;
