/**
 * Ledger events of access decisions and the entry flow (controller/access, controller/entry),
 * and of the state the backoffice sends down (members, credentials, revocations, opening rules)
 * and the point keeps (PIN lockouts). Never a PIN, a token text or a card number beyond its UID.
 */
import { Type } from 'typebox';
import { CredentialSchema, MemberSchema, Role } from '../changes/access.ts';
import { defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const Reason = Type.String({ minLength: 1, maxLength: 40 });
const GrantId = Type.Integer({ minimum: 0 });
const Who = { memberId: Type.Optional(Id), credentialId: Type.Optional(Id), role: Type.Optional(Role) };

export const accessEvents = defineEvents({
  'access.decision': {
    summary: 'A credential was decided: granted or the reason for the refusal (wrong-pin, pin-locked, replayed, …).',
    versions: [
      obj({
        kind: Type.Union([Type.Literal('token'), Type.Literal('card'), Type.Literal('unknown')]),
        granted: Type.Boolean(),
        reason: Reason,
        doorId: Type.String({ minLength: 1, maxLength: 40 }),
        ...Who,
        /** For a grant: boot id and monotonic ms, so the replay window survives a restart. */
        replay: Type.Optional(obj({ bootId: Type.String({ minLength: 1, maxLength: 80 }), mono: Type.Integer({ minimum: 0 }) })),
      }),
    ],
  },
  entry: { summary: 'The door opened within a credential grant: someone came in.', versions: [obj({ ...Who, grantId: GrantId })] },
  'entry.granted-not-used': {
    summary: 'A grant ended without the door opening (the replay window for the credential is lifted).',
    versions: [obj({ ...Who, grantId: GrantId, outcome: Type.String({ minLength: 1, maxLength: 40 }) })],
  },
  'door.remote-release': {
    summary: "An operator's remote door release arrived as a command.",
    versions: [
      obj({ commandId: Id, operator: Type.String({ minLength: 1, maxLength: 200 }), note: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]) }),
    ],
  },
  'member.upserted': { summary: 'A member was created or changed (downlink `members`).', versions: [MemberSchema] },
  'credential.issued': { summary: 'A credential was issued (downlink `members`): QR token or card + PIN hash.', versions: [CredentialSchema] },
  'credential.revoked': {
    summary: 'A credential was revoked (downlink `revocations`).',
    versions: [obj({ credentialId: Id, reason: Type.String({ maxLength: 500 }) })],
  },
  'opening-rules.set': {
    summary: 'New opening rules are in force (downlink `opening-rules`); the document itself.',
    versions: [obj({ rules: Type.Object({}, { additionalProperties: true }) })],
  },
  'pin.lockout': {
    summary: "A card's consecutive wrong PINs and its lock (monotonic deadline with its boot id).",
    versions: [
      obj({
        credentialId: Id,
        failures: Type.Integer({ minimum: 0 }),
        lockedUntil: Type.Union([EpochMs, Type.Null()]),
        lockMs: Type.Optional(Type.Integer({ minimum: 0 })),
        bootId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])),
        monoUntil: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
      }),
    ],
  },
  'pickup.guard': {
    summary: "The point's pickup-code guard: consecutive wrong codes, its lock, and the failures of the last hour (monotonic stamps).",
    versions: [
      obj({
        failures: Type.Integer({ minimum: 0 }),
        lockedUntil: Type.Union([EpochMs, Type.Null()]),
        lockMs: Type.Integer({ minimum: 0 }),
        bootId: Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()]),
        monoUntil: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
        hourBootId: Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()]),
        stamps: Type.Array(Type.Integer(), { maxItems: 1000 }),
      }),
    ],
  },
});
export type AccessPayloads = PayloadsOf<typeof accessEvents>;
