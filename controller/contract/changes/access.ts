/** Bodies of the access-related downlink changes: members with their credentials, revocations. */
import { Type, type Static } from 'typebox';
import { CARD_UID_PATTERN_SOURCE } from '../credentialFormats.ts';

export const Role = Type.Union([Type.Literal('member'), Type.Literal('courier'), Type.Literal('operator')]);
const Id = Type.String({ minLength: 1, maxLength: 200 });

export const MemberSchema = Type.Object(
  { memberId: Id, name: Type.String({ minLength: 1, maxLength: 200 }), role: Role, ageVerified: Type.Boolean() },
  { additionalProperties: false },
);

export const CredentialSchema = Type.Object(
  {
    credentialId: Id,
    memberId: Id,
    kind: Type.Union([Type.Literal('token'), Type.Literal('card')]),
    /** Card credentials: the card's UID and the salted scrypt hash of the PIN (never the PIN). */
    cardUid: Type.Optional(Type.String({ pattern: CARD_UID_PATTERN_SOURCE })),
    pinHash: Type.Optional(Type.String({ pattern: '^scrypt\\$', maxLength: 300 })),
    role: Role,
    ageVerified: Type.Boolean(),
    /** Epoch ms; null = no expiry. */
    expiresAt: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  },
  { additionalProperties: false },
);

/** `members`: upsert members and (optionally) issue credentials for members of this same change. */
export const MembersChangeSchema = Type.Object(
  {
    members: Type.Array(MemberSchema, { maxItems: 5000 }),
    credentials: Type.Optional(Type.Array(CredentialSchema, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);
export type MembersChange = Static<typeof MembersChangeSchema>;

/** `revocations`: credentials that no longer open anything (lost card, left the village). */
export const RevocationsChangeSchema = Type.Object(
  {
    revoke: Type.Array(Type.Object({ credentialId: Id, reason: Type.String({ maxLength: 200 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 5000,
    }),
  },
  { additionalProperties: false },
);
export type RevocationsChange = Static<typeof RevocationsChangeSchema>;
