/** Schemas of the sites, rejected-messages and health routes (importable by the backoffice UI). */
import { Type, type Static } from 'typebox';
import { SITE_ID_PATTERN } from '../../../controller/contract/sync/index.ts';
import { Nullable } from './common.ts';

const N = Type.Number();

export const SiteParams = Type.Object({ id: Type.String({ pattern: SITE_ID_PATTERN }) }, { additionalProperties: false });
export const ResolveBody = Type.Object({ action: Type.Union([Type.Literal('archive'), Type.Literal('dismiss')]) }, { additionalProperties: false });
export const RejectedQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }, { additionalProperties: false });

export const SiteView = Type.Object(
  {
    siteId: Type.String(),
    progress: Type.Object({ upTo: N, eventsStored: N, lastBatchAt: Nullable(N) }),
    presence: Type.Object({ status: Type.String(), session: N, lastSeenAt: Nullable(N), statusAt: Nullable(N) }),
    backlog: Nullable(Type.Object({ pending: N, lastSeq: Nullable(N), missing: Nullable(N) })),
    downlink: Type.Object({ changeVersion: N, appliedVersion: N }),
    software: Nullable(Type.String()),
    divergence: Nullable(Type.Object({ since: N, reason: Nullable(Type.String()) })),
    epoch: N,
  },
  { additionalProperties: false },
);
export type SiteViewBody = Static<typeof SiteView>;

export const SitesList = Type.Object({ sites: Type.Array(SiteView) }, { additionalProperties: false });

export const ResolveAnswer = Type.Object(
  { siteId: Type.String(), action: Type.Union([Type.Literal('archive'), Type.Literal('dismiss')]), archived: N, epoch: N },
  { additionalProperties: false },
);

export const RejectedList = Type.Object(
  {
    total: N,
    rejected: Type.Array(
      Type.Object({
        id: Type.String(),
        siteId: Nullable(Type.String()),
        topic: Type.String(),
        code: Type.String(),
        reason: Type.String(),
        payloadBytes: N,
        receivedAt: N,
      }),
    ),
  },
  { additionalProperties: false },
);

/** `GET /health`, unauthenticated (load balancer probe): only whether the database answers. */
export const PublicHealth = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false });

/** `GET /api/health`, signed in: broker connection and ingest counters. */
export const DetailedHealth = Type.Object(
  {
    ok: Type.Boolean(),
    mqtt: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
    ingest: Type.Object({
      messages: N,
      batches: N,
      eventsStored: N,
      duplicates: N,
      held: N,
      resendRequests: N,
      acksSent: N,
      rejected: N,
      rejectedByCode: Type.Record(Type.String(), N),
      dbErrors: N,
      divergences: N,
      divergedBatches: N,
      /** Since start; flaggedTotal counts every flagged event in the database. */
      flaggedEvents: N,
    }),
    /** Stored events that do not decode with the event catalogue, all time (flagged_events). */
    flaggedTotal: N,
    /** Embedded broker only: failed broker logins and locks (backoffice/broker/loginLimiter.ts). */
    brokerLogins: Type.Optional(
      Type.Object({ failures: N, refusedWhileLocked: N, lockouts: N, lockedUsernames: Type.Array(Type.String()), lockedAddresses: Type.Array(Type.String()) }),
    ),
  },
  { additionalProperties: false },
);
