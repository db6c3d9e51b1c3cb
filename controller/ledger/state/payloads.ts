import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { LedgerError } from '../errors.ts';

/** Payloads of the event types that change materialised state. Extra properties are allowed. */
const Id = Type.String({ minLength: 1, maxLength: 200 });
const RoleSchema = Type.Union([Type.Literal('member'), Type.Literal('courier'), Type.Literal('operator')]);
const EpochMsOrNull = Type.Union([Type.Integer(), Type.Null()]);

export const MemberUpserted = Type.Object({
  memberId: Id,
  name: Type.String({ maxLength: 500 }),
  role: RoleSchema,
  ageVerified: Type.Boolean(),
});
export const CredentialIssued = Type.Object({
  credentialId: Id,
  memberId: Id,
  kind: Type.Union([Type.Literal('token'), Type.Literal('card')]),
  cardUid: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  pinHash: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  role: RoleSchema,
  ageVerified: Type.Boolean(),
  expiresAt: EpochMsOrNull,
});
export const CredentialRevoked = Type.Object({ credentialId: Id, reason: Type.String({ maxLength: 500 }) });
export const OpeningRulesSet = Type.Object({ rules: Type.Object({}) });
export const DoorState = Type.Object({ state: Type.String({ minLength: 1, maxLength: 100 }) });
export const PinLockoutSet = Type.Object({
  credentialId: Id,
  failures: Type.Integer({ minimum: 0 }),
  lockedUntil: EpochMsOrNull,
});

export type MemberUpserted = Static<typeof MemberUpserted>;
export type CredentialIssued = Static<typeof CredentialIssued>;
export type CredentialRevoked = Static<typeof CredentialRevoked>;
export type OpeningRulesSet = Static<typeof OpeningRulesSet>;
export type DoorState = Static<typeof DoorState>;
export type PinLockoutSet = Static<typeof PinLockoutSet>;

const validators = {
  'member.upserted': Compile(MemberUpserted),
  'credential.issued': Compile(CredentialIssued),
  'credential.revoked': Compile(CredentialRevoked),
  'opening-rules.set': Compile(OpeningRulesSet),
  'door.state': Compile(DoorState),
  'pin.lockout': Compile(PinLockoutSet),
} as const;

export type StateEventType = keyof typeof validators;

export function isStateEventType(type: string): type is StateEventType {
  return Object.hasOwn(validators, type);
}

export interface StatePayloads {
  'member.upserted': MemberUpserted;
  'credential.issued': CredentialIssued;
  'credential.revoked': CredentialRevoked;
  'opening-rules.set': OpeningRulesSet;
  'door.state': DoorState;
  'pin.lockout': PinLockoutSet;
}

/** Validates a state event's data; throws LedgerError('invalid-event') naming the first problem. */
export function parsePayload<T extends StateEventType>(type: T, data: unknown): StatePayloads[T] {
  const v = validators[type];
  if (!v.Check(data)) {
    const first = v.Errors(data)[0];
    const where = first ? `data${first.instancePath.replaceAll('/', '.')}` : 'data';
    throw new LedgerError('invalid-event', `ledger event "${type}" ${where}: ${first?.message ?? 'invalid'}`);
  }
  const payload = data as StatePayloads[T];
  if (type === 'credential.issued') {
    const c = payload as CredentialIssued;
    if (c.kind === 'card' && (c.cardUid === undefined || c.pinHash === undefined)) {
      throw new LedgerError('invalid-event', 'ledger event "credential.issued" of kind card needs cardUid and pinHash');
    }
  }
  return payload;
}
