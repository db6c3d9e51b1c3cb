import type { Role } from '../../access/ports.ts';
import { LedgerError } from '../errors.ts';

/**
 * Payloads of the event types that change materialised state, checked by small hand-written
 * validators (extra properties are allowed). Not TypeBox on purpose: these are internal payloads
 * (the sync boundary validates downlink data with the contract schemas before appending), and
 * loading TypeBox costs ~1 s of CPU per process under tsx, which the SIGKILL crash loop pays for
 * every restart.
 */
export interface MemberUpserted {
  memberId: string;
  name: string;
  role: Role;
  ageVerified: boolean;
}
export interface CredentialIssued {
  credentialId: string;
  memberId: string;
  kind: 'token' | 'card';
  cardUid?: string;
  pinHash?: string;
  role: Role;
  ageVerified: boolean;
  expiresAt: number | null;
}
export interface CredentialRevoked {
  credentialId: string;
  reason: string;
}
export interface OpeningRulesSet {
  rules: Record<string, unknown>;
}
export interface DoorState {
  state: string;
}
export interface PinLockoutSet {
  credentialId: string;
  failures: number;
  lockedUntil: number | null;
  /** Absent in events of older software (read as 0 / null). */
  lockMs?: number;
  bootId?: string | null;
  monoUntil?: number | null;
}

export interface StatePayloads {
  'member.upserted': MemberUpserted;
  'credential.issued': CredentialIssued;
  'credential.revoked': CredentialRevoked;
  'opening-rules.set': OpeningRulesSet;
  'door.state': DoorState;
  'pin.lockout': PinLockoutSet;
}

export type StateEventType = keyof StatePayloads;

type Field = (v: unknown) => string | undefined; // returns the problem, or undefined if fine

const str =
  (min: number, max: number): Field =>
  (v) =>
    typeof v !== 'string' ? 'must be a string' : v.length < min || v.length > max ? `must be a string of ${min}..${max} characters` : undefined;
const id = str(1, 200);
const bool: Field = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const oneOf =
  (...allowed: string[]): Field =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`;
const role = oneOf('member', 'courier', 'operator');
const int =
  (min: number): Field =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min ? undefined : `must be an integer >= ${min}`;
const intOrNull: Field = (v) => (v === null ? undefined : Number.isSafeInteger(v) ? undefined : 'must be an integer or null');
const optional =
  (f: Field): Field =>
  (v) =>
    v === undefined ? undefined : f(v);
const object: Field = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be an object');

const shapes: { [T in StateEventType]: Record<keyof StatePayloads[T], Field> } = {
  'member.upserted': { memberId: id, name: str(0, 500), role, ageVerified: bool },
  'credential.issued': {
    credentialId: id,
    memberId: id,
    kind: oneOf('token', 'card'),
    cardUid: optional(id),
    pinHash: optional(str(1, 1000)),
    role,
    ageVerified: bool,
    expiresAt: intOrNull,
  },
  'credential.revoked': { credentialId: id, reason: str(0, 500) },
  'opening-rules.set': { rules: object },
  'door.state': { state: str(1, 100) },
  'pin.lockout': {
    credentialId: id,
    failures: int(0),
    lockedUntil: intOrNull,
    lockMs: optional(int(0)),
    bootId: optional((v) => (v === null ? undefined : id(v))),
    monoUntil: optional(intOrNull),
  },
};

export function isStateEventType(type: string): type is StateEventType {
  return Object.hasOwn(shapes, type);
}

/** Validates a state event's data; throws LedgerError('invalid-event') naming the first problem. */
export function parsePayload<T extends StateEventType>(type: T, data: Record<string, unknown>): StatePayloads[T] {
  const shape = shapes[type] as Record<string, Field>;
  for (const [key, check] of Object.entries(shape)) {
    const problem = check(data[key]);
    if (problem !== undefined) {
      throw new LedgerError('invalid-event', `ledger event "${type}" data.${key} ${problem}`);
    }
  }
  if (type === 'credential.issued' && data['kind'] === 'card' && (data['cardUid'] === undefined || data['pinHash'] === undefined)) {
    throw new LedgerError('invalid-event', 'ledger event "credential.issued" of kind card needs cardUid and pinHash');
  }
  return data as unknown as StatePayloads[T];
}
