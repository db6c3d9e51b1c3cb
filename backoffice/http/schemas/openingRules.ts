/** Schemas of the opening rules routes (routes/openingRules.ts): the rules document of the contract, who saved it, the preview. */
import { Type, type Static } from 'typebox';
import { OpeningRulesSchema } from '../../../controller/contract/changes/openingRules.ts';
import { EpochMs, Nullable } from './common.ts';

export { OpeningRulesSchema };

export const SavedInfo = Type.Object(
  {
    at: EpochMs,
    by: Nullable(Type.String()),
    /** The downlink change version that carried the rules to the point. */
    version: Type.Integer({ minimum: 1 }),
    /** The point confirmed it applied that version (or a later one). */
    applied: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const SiteOpeningRules = Type.Object(
  {
    siteId: Type.String(),
    rules: OpeningRulesSchema,
    /** Null: nothing sent yet; `rules` are then the point's defaults (Niedersachsen's shape). */
    saved: Nullable(SavedInfo),
  },
  { additionalProperties: false },
);
export type SiteOpeningRulesBody = Static<typeof SiteOpeningRules>;

const Segment = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    audience: Type.Enum(['everyone', 'members', 'closed']),
  },
  { additionalProperties: false },
);

export const OpeningPreview = Type.Object(
  {
    siteId: Type.String(),
    timeZone: Type.Literal('Europe/Berlin'),
    days: Type.Array(
      Type.Object(
        {
          date: Type.String(),
          weekday: Type.Enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
          holiday: Nullable(Type.String()),
          exception: Type.Boolean(),
          segments: Type.Array(Segment),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type OpeningPreviewBody = Static<typeof OpeningPreview>;

/** `from`: epoch ms (default now); `days`: 1-31 (default 14). Strings: the API does not coerce. */
export const PreviewQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'epoch ms' })),
    days: Type.Optional(Type.String({ pattern: '^([1-9]|[12][0-9]|3[01])$', description: '1-31' })),
  },
  { additionalProperties: false },
);
