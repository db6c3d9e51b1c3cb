/**
 * The point snapshot the kiosk reads (`GET /api/state`, and every live `state` message): door,
 * occupancy, ledger, hardware, sync, the simulation (sim mode only) and the recent decisions.
 *
 * Response schemas are open (no `additionalProperties: false`): a client keeps working when a
 * newer controller adds a field. The server side cannot drift silently: the point's types are
 * `Static<>` of these schemas, and fastify serialises with them (fields not in the schema are
 * dropped), which `test/e2e/kioskContract.test.ts` guards.
 */
import { Type, type Static } from 'typebox';
import { Code, EpochMs, NonNegInt } from './common.ts';

/** The door machine's states (controller/machines/door/doorMachine.ts `DoorStateName`). */
export const DoorStateSchema = Type.Union([
  Type.Literal('boot'),
  Type.Literal('locked'),
  Type.Literal('granted'),
  Type.Literal('egress'),
  Type.Literal('open'),
  Type.Literal('heldOpen'),
  Type.Literal('forcedOpen'),
  Type.Literal('fireClosed'),
  Type.Literal('fireOpen'),
]);
export type DoorState = Static<typeof DoorStateSchema>;

export const DoorAlarmSchema = Type.Union([Type.Literal('held-open'), Type.Literal('forced-open'), Type.Literal('fire')]);
export type DoorAlarm = Static<typeof DoorAlarmSchema>;

/** The door as the door controller sees it (controller/machines/door/doorController.ts `DoorView`). */
export const DoorViewSchema = Type.Object({
  state: DoorStateSchema,
  alarms: Type.Array(DoorAlarmSchema),
  strikeReleased: Type.Boolean(),
  sirenOn: Type.Boolean(),
  contactOpen: Type.Boolean(),
  /** The grant being served (released strike), else null. */
  grantId: Type.Union([NonNegInt, Type.Null()]),
  /** The door machine kept failing: fail-safe outputs, no grants, until restart; /health is not ok. */
  faulted: Type.Boolean(),
});
export type DoorViewData = Static<typeof DoorViewSchema>;

/** The link to the backoffice (controller/sync/syncClient.ts `status()`). */
export const SyncStatusSchema = Type.Object({
  connected: Type.Boolean(),
  /** Events still to send (outbox rows not acknowledged). */
  backlog: NonNegInt,
  /** Highest seq the backoffice acknowledged (0 = none). */
  lastAckSeq: NonNegInt,
  lastAckAt: Type.Union([EpochMs, Type.Null()]),
  session: NonNegInt,
  /** A backlog is draining; `progress` runs from 0 to 1. */
  draining: Type.Boolean(),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  /** The backoffice's acks do not match this ledger (replaced ledger): an operator must resolve it. */
  diverged: Type.Boolean(),
});
export type SyncStatusData = Static<typeof SyncStatusSchema>;

/** One link or board (and the GPIO backend): only `lost` makes the point not ok. */
export const HardwareEntrySchema = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('lost')]),
  detail: Type.Optional(Type.String()),
});
export type HardwareEntryData = Static<typeof HardwareEntrySchema>;

/** A locker compartment and its last read state (null = not read yet). */
export const CompartmentSchema = Type.Object({
  id: Type.String(),
  board: Type.String(),
  lock: NonNegInt,
  size: Type.Union([Type.Literal('S'), Type.Literal('M'), Type.Literal('L')]),
  /** Latch closed (door shut and locked). */
  latched: Type.Union([Type.Boolean(), Type.Null()]),
  /** Infrared: something inside. */
  occupied: Type.Union([Type.Boolean(), Type.Null()]),
});
export type Compartment = Static<typeof CompartmentSchema>;

/**
 * Machine reasons of an access decision known today (controller/access/decide.ts). The schema
 * takes any code so an older kiosk keeps working when a reason is added; show `message`.
 */
export const DECISION_REASONS = [
  'granted',
  'malformed',
  'bad-signature',
  'unknown-version',
  'expired',
  'not-yet-valid',
  'revoked',
  'outside-hours',
  'unknown-card',
  'wrong-pin',
  'pin-locked',
  'replayed',
  'internal-error',
] as const;
export type KnownDecisionReason = (typeof DECISION_REASONS)[number];

const decisionFields = {
  granted: Type.Boolean(),
  /** Machine reason, see DECISION_REASONS. */
  reason: Code,
  memberId: Type.Optional(Type.String()),
  /** `member`, `courier` or `operator` today. */
  role: Type.Optional(Type.String()),
  /** pin-locked / wrong-pin with a lockout / replayed: milliseconds until a retry can succeed. */
  retryAfterMs: Type.Optional(NonNegInt),
  /** Ledger sequence of the decision's `access.decision` event. */
  seq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
};

/** An access decision as the point keeps it (no text: the kiosk translates `reason`). */
export const DecisionViewSchema = Type.Object(decisionFields);
export type DecisionViewData = Static<typeof DecisionViewSchema>;

/** A decision in the snapshot's recent list, with when it was made. */
export const RecentDecisionSchema = Type.Object({ ...decisionFields, at: EpochMs });
export type RecentDecision = Static<typeof RecentDecisionSchema>;

/** The answer to presenting a credential: the decision plus its text in the asked language. */
export const DecisionAnswerSchema = Type.Object({ ...decisionFields, message: Type.String() });
export type DecisionAnswer = Static<typeof DecisionAnswerSchema>;

/** A serial link of the simulated point and the boards on it (sim mode only). */
export const SimCableSchema = Type.Object({
  /** The link address in the hardware profile (a placeholder the simulation rewrote). */
  profileLink: Type.String(),
  /** Where the board simulator listens. */
  url: Type.String(),
  port: NonNegInt,
  protocol: Type.String(),
  boards: Type.Array(Type.String()),
  plugged: Type.Boolean(),
});
export type SimCable = Static<typeof SimCableSchema>;

/** The simulated point's physical side (hardware/sim/simulatedPoint.ts snapshot, plus its cables). */
export const SimSnapshotSchema = Type.Object({
  pointId: Type.String(),
  strikeReleased: Type.Boolean(),
  sirenOn: Type.Boolean(),
  doorOpen: Type.Boolean(),
  /** Raw (undebounced) contact level; differs from doorOpen while the contact bounces. */
  contactActive: Type.Boolean(),
  exitPressed: Type.Boolean(),
  fireAlarm: Type.Boolean(),
  probes: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      celsius: Type.Union([Type.Number(), Type.Null()]),
      fault: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** Electrical level per wired signal (null = pin never driven). */
  pins: Type.Array(
    Type.Object({
      signal: Type.String(),
      bcm: NonNegInt,
      activeLow: Type.Boolean(),
      level: Type.Union([Type.Literal(0), Type.Literal(1), Type.Null()]),
    }),
  ),
  cables: Type.Optional(Type.Array(SimCableSchema)),
});
export type SimSnapshot = Static<typeof SimSnapshotSchema>;

/** The point's latest help request from the kiosk and whether an operator answered it (controller/help/helpState.ts). */
export const HelpRequestViewSchema = Type.Object({
  /** Ledger seq of its `help.requested` event (the kiosk's `POST /api/help` answer carries the same seq). */
  seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  requestedAt: EpochMs,
  /** When an operator released the door remotely after the request (`door.remote-release`), else null. */
  answeredAt: Type.Union([EpochMs, Type.Null()]),
  /** The operator who released it, else null. */
  answeredBy: Type.Union([Type.String(), Type.Null()]),
});
export type HelpRequestView = Static<typeof HelpRequestViewSchema>;

/** Help at this point: the latest request, the operators' phone number (if configured) and how long to wait before offering it. */
export const HelpViewSchema = Type.Object({
  request: Type.Union([HelpRequestViewSchema, Type.Null()]),
  /** Shown when nobody answered in time; null: not configured. */
  phone: Type.Union([Type.String(), Type.Null()]),
  /** Without an answer after this long the kiosk offers the phone number (or to try again). */
  answerWithinMs: NonNegInt,
});
export type HelpViewData = Static<typeof HelpViewSchema>;

/** Everything the kiosk shows, as one value. */
export const PointSnapshotSchema = Type.Object({
  siteId: Type.String(),
  /** When the snapshot was taken (the point's wall clock). */
  at: EpochMs,
  door: DoorViewSchema,
  /** People inside by the entry count. */
  occupancy: NonNegInt,
  ledger: Type.Object({ lastSeq: NonNegInt, outbox: NonNegInt }),
  hardware: Type.Array(HardwareEntrySchema),
  /** null when the point runs without a backoffice link. */
  sync: Type.Union([SyncStatusSchema, Type.Null()]),
  /** null unless the point is simulated. */
  sim: Type.Union([SimSnapshotSchema, Type.Null()]),
  /** Newest first. */
  recentDecisions: Type.Array(RecentDecisionSchema),
  /** A technician took the kiosk out of service (customers see the out-of-service screen); absent: in service. */
  service: Type.Optional(Type.Object({ outOfService: Type.Boolean(), since: Type.Union([EpochMs, Type.Null()]) })),
  /** Help requests and their answers; absent: this point cannot call for help. */
  help: Type.Optional(HelpViewSchema),
});
export type PointSnapshotData = Static<typeof PointSnapshotSchema>;
