/**
 * The kiosk's view of the parcel lockers, the fridges and the open alarms, and the bodies of the
 * locker actions (pickup by code, courier drop-off) and of the simulated fridge controls.
 * Response schemas are open (see snapshot.ts); request bodies are closed.
 */
import { Type, type Static } from 'typebox';
import { Code, EpochMs, NonNegInt } from './common.ts';

export const SizeSchema = Type.Union([Type.Literal('S'), Type.Literal('M'), Type.Literal('L')]);

/** A compartment as the lockers feature keeps it (controller/lockers/lockers.ts `CompartmentView`). */
export const LockerCompartmentSchema = Type.Object({
  id: Type.String(),
  size: SizeSchema,
  status: Type.Union([Type.Literal('free'), Type.Literal('reserved'), Type.Literal('occupied'), Type.Literal('open'), Type.Literal('out-of-service')]),
  /** Latch closed as the lock board last reported; null until read. */
  latched: Type.Union([Type.Boolean(), Type.Null()]),
  outOfServiceReason: Type.Union([Type.String(), Type.Null()]),
});
export type LockerCompartmentData = Static<typeof LockerCompartmentSchema>;

export const DropOffStateSchema = Type.Union([
  Type.Literal('awaitingCredential'),
  Type.Literal('awaitingReference'),
  Type.Literal('awaitingSize'),
  Type.Literal('opening'),
  Type.Literal('awaitingClose'),
  Type.Literal('ended'),
]);

/** The courier drop-off session in progress at this point (one at a time), else null. */
export const DropOffViewSchema = Type.Object({
  sessionId: Type.String(),
  state: DropOffStateSchema,
  compartment: Type.Union([Type.String(), Type.Null()]),
  deposited: NonNegInt,
});
export type DropOffViewData = Static<typeof DropOffViewSchema>;

/** `GET /api/lockers`. */
export const LockersAnswerSchema = Type.Object({
  compartments: Type.Array(LockerCompartmentSchema),
  dropOff: Type.Union([DropOffViewSchema, Type.Null()]),
});
export type LockersAnswer = Static<typeof LockersAnswerSchema>;

/** `POST /api/lockers/pickup`: keypad digits or the QR code's text; never echoed back. */
export const PickupBodySchema = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type PickupBody = Static<typeof PickupBodySchema>;

/**
 * A locker action's answer: `ok` and the compartment that opened, or why not (`reason`, a
 * machine code of controller/lockers/refusals.ts) with `retryAfterMs` while the keypad is locked
 * out. `message` is the translated text for the person at the kiosk.
 */
export const LockerAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  reason: Type.Optional(Code),
  retryAfterMs: Type.Optional(NonNegInt),
  compartment: Type.Optional(Type.String()),
  /** After a compartment failed during drop-off: the size that would be offered next. */
  offer: Type.Optional(SizeSchema),
});
export type LockerAnswer = Static<typeof LockerAnswerSchema>;

const SessionId = Type.String({ minLength: 1, maxLength: 100 });

/**
 * `POST /api/lockers/drop-off`, one step at a time: `start` with the courier's token (QR text),
 * then `reference` (the parcel number), then `size` (reserves and opens the best-fitting free
 * compartment; answers when it opened), then again `reference` for the next parcel, or `cancel`.
 */
export const DropOffBodySchema = Type.Union([
  Type.Object({ step: Type.Literal('start'), token: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
  Type.Object(
    { step: Type.Literal('reference'), sessionId: SessionId, reference: Type.String({ minLength: 1, maxLength: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object({ step: Type.Literal('size'), sessionId: SessionId, size: SizeSchema }, { additionalProperties: false }),
  Type.Object({ step: Type.Literal('cancel'), sessionId: SessionId }, { additionalProperties: false }),
]);
export type DropOffBody = Static<typeof DropOffBodySchema>;

/** The answer of a drop-off step: a LockerAnswer plus the session it belongs to and its state. */
export const DropOffAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  reason: Type.Optional(Code),
  compartment: Type.Optional(Type.String()),
  offer: Type.Optional(SizeSchema),
  sessionId: Type.Optional(Type.String()),
  state: Type.Optional(DropOffStateSchema),
});
export type DropOffAnswer = Static<typeof DropOffAnswerSchema>;

/** A fridge as the HACCP feature sees it (controller/fridges/fridges.ts `FridgeView`); temperatures in tenths of °C. */
export const FridgeViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  productGroup: Type.String(),
  limitTenths: Type.Integer(),
  last: Type.Union([Type.Object({ at: EpochMs, tenths: Type.Integer() }), Type.Null()]),
  above: Type.Boolean(),
  /** Cold chain broken: its products must not be sold until an operator's corrective action. */
  blocked: Type.Union([
    Type.Object({ cause: Type.Union([Type.Literal('breach'), Type.Literal('gap-breach')]), since: EpochMs, readAt: EpochMs, tenths: Type.Integer() }),
    Type.Null(),
  ]),
  doorOpen: Type.Union([Type.Boolean(), Type.Null()]),
  faultyProbes: Type.Array(Type.String()),
});
export type FridgeViewData = Static<typeof FridgeViewSchema>;

/** `GET /api/fridges`. */
export const FridgesAnswerSchema = Type.Object({ fridges: Type.Array(FridgeViewSchema) });
export type FridgesAnswer = Static<typeof FridgesAnswerSchema>;

const DetailValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/** An open alarm of the point's alarm model (controller/alarms/alarms.ts `OpenAlarm`). */
export const OpenAlarmSchema = Type.Object({
  key: Type.String(),
  source: Type.String(),
  kind: Type.String(),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]),
  /** English, for the operator. */
  reason: Type.String(),
  since: EpochMs,
  detail: Type.Optional(Type.Record(Type.String(), DetailValue)),
  seq: NonNegInt,
  acknowledged: Type.Union([Type.Object({ by: Type.String(), note: Type.Optional(Type.String()) }), Type.Null()]),
});
export type OpenAlarmData = Static<typeof OpenAlarmSchema>;

/** `GET /api/alarms`: open alarms, critical first, then oldest first; `message` the translated kind where the catalogue has one. */
export const AlarmsAnswerSchema = Type.Object({
  alarms: Type.Array(Type.Intersect([OpenAlarmSchema, Type.Object({ message: Type.String() })])),
});
export type AlarmsAnswer = Static<typeof AlarmsAnswerSchema>;

/** The simulated fridge's physical side (hardware/sim/fridgeSim.ts `FridgeSimView`). */
export const SimFridgeSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  airC: Type.Number(),
  setpointC: Type.Number(),
  ambientC: Type.Number(),
  compressorOn: Type.Boolean(),
  defrosting: Type.Boolean(),
  doorOpen: Type.Boolean(),
  powered: Type.Boolean(),
  compressorBroken: Type.Boolean(),
  probe: Type.String(),
});
export type SimFridgeData = Static<typeof SimFridgeSchema>;

/** `GET /api/sim/fridges`. */
export const SimFridgesAnswerSchema = Type.Array(SimFridgeSchema);

/** `POST /api/sim/fridge`: what a person (or a power cut) does to a simulated fridge. */
export const SimFridgeBodySchema = Type.Object(
  {
    fridge: Type.String({ minLength: 1, maxLength: 60 }),
    action: Type.Union([Type.Literal('open-door'), Type.Literal('close-door'), Type.Literal('cut-power'), Type.Literal('restore-power')]),
  },
  { additionalProperties: false },
);
export type SimFridgeBody = Static<typeof SimFridgeBodySchema>;
