/** Schemas of sign-in, session, TOTP enrolment, user management and audit routes. */
import { Type, type Static } from 'typebox';
import { Nullable } from './common.ts';

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('technician'), Type.Literal('accountant')]);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    totp: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: RoleSchema,
    totpEnabled: Type.Boolean(),
    disabled: Type.Boolean(),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { additionalProperties: false },
);

/**
 * The signed-in state (login answer and `GET /api/auth/me`). `csrfToken` goes into the
 * `x-csrf-token` header of every POST/PATCH/PUT/DELETE. `enrolmentRequired`: the role needs TOTP
 * and none is set up yet; only /api/auth/* is open until `totp/confirm` succeeds.
 */
export const SessionAnswer = Type.Object(
  { user: UserSchema, csrfToken: Type.String(), enrolmentRequired: Type.Boolean(), totpVerified: Type.Boolean() },
  { additionalProperties: false },
);
export type SessionAnswerBody = Static<typeof SessionAnswer>;

export const OkAnswer = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });

export const TotpSetupAnswer = Type.Object({ uri: Type.String(), secret: Type.String() }, { additionalProperties: false });
export const TotpConfirmBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });

export const PasswordBody = Type.Object(
  { current: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 12, maxLength: 200 }) },
  { additionalProperties: false },
);

export const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 40 }),
    displayName: Type.String({ maxLength: 100 }),
    role: RoleSchema,
    password: Type.String({ minLength: 12, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    role: Type.Optional(RoleSchema),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
    resetTotp: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UsersList = Type.Object({ users: Type.Array(UserSchema) }, { additionalProperties: false });

export const AuditQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }, { additionalProperties: false });

export const AuditList = Type.Object(
  {
    entries: Type.Array(
      Type.Object({
        id: Type.String(),
        at: Type.Number(),
        userId: Nullable(Type.String()),
        username: Nullable(Type.String()),
        role: Nullable(Type.String()),
        action: Type.String(),
        outcome: Type.String(),
        siteId: Nullable(Type.String()),
        target: Nullable(Type.String()),
        detail: Type.Record(Type.String(), Type.Unknown()),
        clientAddress: Nullable(Type.String()),
      }),
    ),
  },
  { additionalProperties: false },
);
