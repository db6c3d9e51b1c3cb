/**
 * TypeBox schemas for every sync payload (wire version 1). Types are derived from the schemas.
 *
 * Rules both sides rely on (see README.md in this folder for the full protocol):
 * - `seq` is the point's ledger sequence, per site, starting at 1, contiguous, never reused.
 * - `at` is the point's wall clock in ms; it may be wrong. `clockSynced` says whether it was
 *   synchronised (NTP) when the event was recorded. Order by `seq`, never by `at`.
 * - `down/ack.upTo` is cumulative: every seq <= upTo is committed at the backoffice.
 * - `down/changes.version` is per site, starting at 1, contiguous; `up/applied.version` is cumulative.
 * - Commands expire by server-issued validity, see CommandSchema.
 */
import { Type, type Static } from 'typebox';
import { SITE_ID_PATTERN } from './topics.ts';

export const WIRE_VERSION = 1;

/** Bounds: a batch has at most this many events and its JSON at most MAX_BYTES.events bytes. */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BYTES = {
  events: 256 * 1024,
  state: 8 * 1024,
  applied: 4 * 1024,
  'command-results': 64 * 1024,
  ack: 4 * 1024,
  changes: 1024 * 1024,
  commands: 64 * 1024,
} as const;

/** Largest allowed command validity (24 h). */
export const MAX_COMMAND_TTL_MS = 24 * 60 * 60 * 1000;

const Version = Type.Literal(WIRE_VERSION);
const SiteId = Type.String({ pattern: SITE_ID_PATTERN });
const Seq = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const NonNegInt = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** Wall-clock milliseconds since the epoch (may be 1970 on an unsynced Pi). */
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Name = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' });
const Reason = Type.String({ maxLength: 500 });

export const EventSchema = Type.Object(
  {
    seq: Seq,
    type: Name,
    at: EpochMs,
    clockSynced: Type.Boolean(),
    data: Type.Unknown(),
    /** Hash-chain value of the ledger row (hex), if the ledger keeps one. */
    hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16,128}$' })),
  },
  { additionalProperties: false },
);
export type SyncEvent = Static<typeof EventSchema>;

/** `up/events`: events in strictly ascending seq order (checked by decode). */
export const EventBatchSchema = Type.Object(
  {
    v: Version,
    siteId: SiteId,
    /** The session counter of the connection that sent this batch (same as in the birth message). */
    session: NonNegInt,
    events: Type.Array(EventSchema, { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }),
  },
  { additionalProperties: false },
);
export type EventBatch = Static<typeof EventBatchSchema>;

/**
 * `down/ack`: cumulative acknowledgement after the backoffice's commit. `upTo` = highest seq such
 * that every seq <= upTo is stored (0 = nothing yet). The point may delete outbox rows <= upTo.
 * `resendFrom` (always upTo + 1) asks the point to resend from that seq: the backoffice saw a gap.
 * The backoffice also sends an ack when it sees a point's birth, so a point learns the progress
 * after a backoffice crash between commit and ack.
 * `serverTime` (optional, so older backoffices still validate): the backoffice's wall clock (epoch
 * ms) when it sent the ack. A point uses it as server-issued time (DESIGN principle 4), together
 * with its monotonic clock, never trusting its own wall clock for it.
 * `upToHash` (optional, so older backoffices still validate): the hash of the backoffice's stored
 * event at `upTo`; absent when upTo = 0 or that event was stored without a hash. A point compares
 * it with its own event at `upTo` BEFORE marking anything delivered: a mismatch (or an `upTo`
 * beyond its last seq) means its ledger is not the one the backoffice stored (replaced SD card),
 * so it marks nothing and resends, letting the backoffice see the differing duplicate hashes.
 */
export const AckSchema = Type.Object(
  {
    v: Version,
    upTo: NonNegInt,
    resendFrom: Type.Optional(Seq),
    serverTime: Type.Optional(EpochMs),
    upToHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16,128}$' })),
  },
  { additionalProperties: false },
);
export type Ack = Static<typeof AckSchema>;

/**
 * `up/state` (retained): birth on every connect with `status: 'online'` and a session counter the
 * point increments on every connect (persisted); the Last Will is the same message with
 * `status: 'offline'` and the same session. The backoffice ignores an `offline` whose session is
 * older than the last `online` it saw (a late Will of a previous connection).
 */
export const StateSchema = Type.Object(
  {
    v: Version,
    status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    session: NonNegInt,
    at: Type.Optional(EpochMs),
    clockSynced: Type.Optional(Type.Boolean()),
    software: Type.Optional(Type.String({ maxLength: 64 })),
    /** What the point still has to send: pending outbox rows and its last written seq. */
    backlog: Type.Optional(Type.Object({ pending: NonNegInt, lastSeq: NonNegInt }, { additionalProperties: false })),
    /** Highest downlink change version applied (so the backoffice can resend what is missing). */
    appliedVersion: Type.Optional(NonNegInt),
  },
  { additionalProperties: false },
);
export type SiteState = Static<typeof StateSchema>;

/** Known change kinds; a point refuses (outcome 'rejected') kinds it does not know, and moves on. */
export const CHANGE_KINDS = ['catalog', 'prices', 'members', 'revocations', 'parcels', 'opening-rules', 'config'] as const;

/**
 * `down/changes`: versioned change. Apply version == applied + 1 only, once, in one transaction,
 * then publish `up/applied`. version <= applied: duplicate, re-send `up/applied` with the current
 * version. version > applied + 1: gap, ignore (the backoffice resends every unapplied version).
 */
export const ChangeSchema = Type.Object(
  {
    v: Version,
    version: Seq,
    kind: Name,
    body: Type.Unknown(),
  },
  { additionalProperties: false },
);
export type Change = Static<typeof ChangeSchema>;

/** `up/applied`: cumulative, every version <= `version` is applied (or rejected, which also advances). */
export const AppliedSchema = Type.Object(
  {
    v: Version,
    version: NonNegInt,
    outcome: Type.Optional(Type.Union([Type.Literal('applied'), Type.Literal('rejected')])),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type Applied = Static<typeof AppliedSchema>;

/**
 * `down/commands`. The point's clock cannot be trusted, so validity is server-issued:
 * - `issuedAt` (server wall clock ms), `ttlMs` (<= 24 h), `expiresAt` = issuedAt + ttlMs.
 * - `session`: the point session the backoffice saw online when it issued the command. The point
 *   refuses ('stale-session') a command whose session differs from its current one, so a command
 *   queued during an earlier connection never fires after a reconnect.
 * - The point notes its monotonic time at receipt; it refuses ('expired') if the monotonic time
 *   elapsed since receipt exceeds ttlMs before execution, or, only when its clock is synced,
 *   if its wall clock is past `expiresAt`. An unsynced clock never makes a command valid.
 * - Applied once by `id`: a replayed id is not executed again; its stored result is re-sent.
 */
export const CommandSchema = Type.Object(
  {
    v: Version,
    id: Id,
    kind: Name,
    issuedAt: EpochMs,
    ttlMs: Type.Integer({ minimum: 1, maximum: MAX_COMMAND_TTL_MS }),
    expiresAt: Type.Optional(EpochMs),
    session: Type.Optional(NonNegInt),
    body: Type.Unknown(),
  },
  { additionalProperties: false },
);
export type Command = Static<typeof CommandSchema>;

export const COMMAND_STATUSES = ['done', 'failed', 'refused'] as const;
/** Reasons a point uses with status 'refused'. */
export const COMMAND_REFUSALS = ['expired', 'stale-session', 'unknown-kind', 'invalid-body'] as const;

/** `up/command-results`: one per command id (re-sent unchanged on a replayed command). */
export const CommandResultSchema = Type.Object(
  {
    v: Version,
    id: Id,
    status: Type.Union([Type.Literal('done'), Type.Literal('failed'), Type.Literal('refused')]),
    reason: Type.Optional(Reason),
    at: Type.Optional(EpochMs),
    clockSynced: Type.Optional(Type.Boolean()),
    result: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type CommandResult = Static<typeof CommandResultSchema>;

export const SCHEMAS = {
  events: EventBatchSchema,
  ack: AckSchema,
  state: StateSchema,
  changes: ChangeSchema,
  applied: AppliedSchema,
  commands: CommandSchema,
  'command-results': CommandResultSchema,
} as const;

export interface PayloadByKind {
  events: EventBatch;
  ack: Ack;
  state: SiteState;
  changes: Change;
  applied: Applied;
  commands: Command;
  'command-results': CommandResult;
}
