/** Schemas of the member routes (backoffice/members/): members, age verification, credentials, revocation. */
import { Type, type Static } from 'typebox';
import { CARD_UID_PATTERN_SOURCE, PIN_PATTERN_SOURCE } from '../../../controller/contract/credentialFormats.ts';
import { SITE_ID_PATTERN } from '../../../controller/contract/sync/index.ts';
import { EpochMs, Nullable } from './common.ts';

// Enums rather than unions of literals: a wrong value gets one clear message ("must be equal to one of the allowed values").
export const MemberRoleSchema = Type.Enum(['member', 'courier', 'operator']);

/** The points a member may enter: every point, or the listed ones. */
export const MemberSitesSchema = Type.Union([
  Type.Literal('all'),
  Type.Array(Type.String({ pattern: SITE_ID_PATTERN }), { minItems: 1, maxItems: 200, uniqueItems: true }),
]);

/** Age (18+) verified in person: how and on which day. Never an ID document or its number. */
export const AgeVerifiedSchema = Type.Object(
  {
    method: Type.Enum(['id-card-seen', 'passport-seen', 'known-personally']),
    date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, not in the future' }),
  },
  { additionalProperties: false },
);
export type AgeVerified = Static<typeof AgeVerifiedSchema>;

/** At least one non-blank character, at most 200. */
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

/** How to reach the member (phone or e-mail, free text, at most 200 characters); null or empty = none. Backoffice only. */
const Contact = Nullable(Type.String({ maxLength: 200 }));

export const CreateMemberBody = Type.Object(
  { name: Name, role: MemberRoleSchema, sites: MemberSitesSchema, contact: Type.Optional(Contact), ageVerified: Type.Optional(Nullable(AgeVerifiedSchema)) },
  { additionalProperties: false },
);
export type CreateMemberInput = Static<typeof CreateMemberBody>;

export const PatchMemberBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(MemberRoleSchema),
    sites: Type.Optional(MemberSitesSchema),
    contact: Type.Optional(Contact),
    ageVerified: Type.Optional(Nullable(AgeVerifiedSchema)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchMemberInput = Static<typeof PatchMemberBody>;

const Id = Type.String({ pattern: '^[0-9a-f]{32}$' });
export const MemberParams = Type.Object({ id: Id }, { additionalProperties: false });
export const CredentialParams = Type.Object({ id: Id, cid: Id }, { additionalProperties: false });

/**
 * `token`: a signed QR code (`validDays` default 730). `card`: `cardUid` required; `pin` 4-12 digits,
 * omitted = 6 random digits; shown once in the answer; `validDays` omitted = no expiry.
 */
export const IssueCredentialBody = Type.Object(
  {
    kind: Type.Enum(['token', 'card']),
    cardUid: Type.Optional(Type.String({ pattern: CARD_UID_PATTERN_SOURCE, description: '1-64 characters of A-Z a-z 0-9 : _ -' })),
    pin: Type.Optional(Type.String({ pattern: PIN_PATTERN_SOURCE, description: '4-12 digits' })),
    validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type IssueCredentialInput = Static<typeof IssueCredentialBody>;

export const RevokeBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false });

export const CredentialView = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    kind: Type.Enum(['token', 'card']),
    cardUid: Nullable(Type.String()),
    issuedAt: EpochMs,
    expiresAt: Nullable(EpochMs),
    revokedAt: Nullable(EpochMs),
    revokeReason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type CredentialViewBody = Static<typeof CredentialView>;

/** The member's account terms as last set (`PUT /api/members/:id/account`); null = never set. Integer cents. */
export const MemberAccountSchema = Type.Object(
  {
    mode: Type.Enum(['prepaid', 'invoice', 'none']),
    /** prepaid: the balance set; invoice: the credit limit. */
    limitCents: Type.Integer(),
    /** invoice: billed but not yet paid. */
    openCents: Type.Integer(),
    updatedAt: EpochMs,
  },
  { additionalProperties: false },
);
export type MemberAccount = Static<typeof MemberAccountSchema>;

export const MemberView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: MemberRoleSchema,
    sites: MemberSitesSchema,
    contact: Nullable(Type.String()),
    ageVerified: Nullable(AgeVerifiedSchema),
    createdAt: EpochMs,
    updatedAt: EpochMs,
    credentials: Type.Array(CredentialView),
    account: Nullable(MemberAccountSchema),
  },
  { additionalProperties: false },
);
export type MemberViewBody = Static<typeof MemberView>;

export const MembersList = Type.Object({ members: Type.Array(MemberView) }, { additionalProperties: false });

/** The issue answer: the token text (QR) or the card's PIN, shown this once and never again. */
export const IssuedCredential = Type.Object(
  { credential: CredentialView, token: Type.Optional(Type.String()), pin: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** `ids`: comma-separated member ids (1-40, one sheet per 10). Each card gets the member's newest valid QR token. */
export const CardsQuery = Type.Object(
  { ids: Type.String({ pattern: '^[0-9a-f]{32}(,[0-9a-f]{32}){0,39}$', description: 'comma-separated member ids' }) },
  { additionalProperties: false },
);

/** `PUT /api/members/:id/account`: prepaid balance, or monthly invoice with a credit limit; `none` closes the account. */
export const AccountBody = Type.Object(
  {
    mode: Type.Enum(['prepaid', 'invoice', 'none']),
    /** prepaid: the balance now; invoice: the credit limit. Integer cents. */
    limitCents: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    /** invoice: billed but not yet paid (counts against the limit). */
    openCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
export type AccountInput = Static<typeof AccountBody>;

export const AccountView = Type.Object(
  {
    memberId: Type.String(),
    mode: Type.String(),
    limitCents: Type.Integer(),
    openCents: Type.Integer(),
    /** The points the terms were sent to. */
    sites: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type AccountViewBody = Static<typeof AccountView>;
