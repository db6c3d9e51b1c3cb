/** Schemas of the parcel routes (routes/parcels.ts): parcels lying in a point's compartments, and taking one back remotely. */
import { Type, type Static } from 'typebox';
import { SITE_ID_PATTERN } from '../../../controller/contract/sync/index.ts';
import { EpochMs, Nullable } from './common.ts';

export const ParcelsList = Type.Object(
  {
    siteId: Type.String(),
    parcels: Type.Array(
      Type.Object(
        {
          compartment: Type.String(),
          parcelId: Nullable(Type.String()),
          size: Nullable(Type.String()),
          since: EpochMs,
          /** The point flagged it: not collected within the pickup time. */
          uncollected: Type.Boolean(),
          inService: Type.Boolean(),
          door: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ParcelsListBody = Static<typeof ParcelsList>;

export const LockerParams = Type.Object(
  { id: Type.String({ pattern: SITE_ID_PATTERN }), compartment: Type.String({ pattern: '^[A-Z][0-9]{1,3}$' }) },
  { additionalProperties: false },
);

/** Why the compartment is opened (kept in the audit log and the point's ledger). */
export const OpenCompartmentBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) }, { additionalProperties: false });

export const OpenCompartmentAnswer = Type.Object({ commandId: Type.String(), expiresAt: EpochMs }, { additionalProperties: false });
