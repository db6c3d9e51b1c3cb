/** Schemas of the requests routes (routes/requests.ts): open help and age-check requests, the answers to them. */
import { Type, type Static } from 'typebox';
import { SITE_ID_PATTERN } from '../../../controller/contract/sync/index.ts';
import { MAX_REMOTE_RELEASE_MS } from '../../../controller/contract/commands/index.ts';
import { EpochMs } from './common.ts';

const SiteId = Type.String({ pattern: SITE_ID_PATTERN });

export const RequestsView = Type.Object(
  {
    /** The backoffice's time of this answer (the web app counts deadlines down from it). */
    now: EpochMs,
    help: Type.Array(
      Type.Object({ siteId: Type.String(), seq: Type.Integer({ minimum: 1 }), at: EpochMs, screen: Type.String() }, { additionalProperties: false }),
    ),
    ageChecks: Type.Array(
      Type.Object(
        {
          siteId: Type.String(),
          checkId: Type.String(),
          saleId: Type.String(),
          requiredAge: Type.Integer(),
          requestedAt: EpochMs,
          deadlineAt: EpochMs,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type RequestsViewBody = Static<typeof RequestsView>;

export const AgeCheckParams = Type.Object(
  { id: SiteId, checkId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' }) },
  { additionalProperties: false },
);
export const DecisionBody = Type.Object({ approved: Type.Boolean() }, { additionalProperties: false });
export const HelpParams = Type.Object({ id: SiteId, seq: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) }, { additionalProperties: false });
export const HelpAnsweredBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const DoorReleaseBody = Type.Object(
  {
    durationMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: MAX_REMOTE_RELEASE_MS })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** A command on its way to the point: it is applied there only before `expiresAt`. */
export const CommandSent = Type.Object({ commandId: Type.String(), expiresAt: EpochMs }, { additionalProperties: false });
export type CommandSentBody = Static<typeof CommandSent>;
export const HelpAnswered = Type.Object({ siteId: Type.String(), seq: Type.Integer(), answeredAt: EpochMs }, { additionalProperties: false });
