/**
 * Issues the point's offline-verifiable credential tokens (`DP1.`), written against the format
 * documented in controller/access/README.md and controller/access/token.ts (the backoffice may
 * import only controller/contract). test/backoffice/memberToken.test.ts proves that the point's
 * `verifyToken` accepts what this signs. Ed25519 is deterministic: the same claims and key give
 * the same token, so a card can be reprinted from the stored claims.
 *
 * Payload (big-endian): version 1 | role (0 member, 1 courier, 2 operator) | flags (bit0 age16,
 * bit1 age18) | issuedAt u32 s | expiresAt u32 s | len + memberId | len + credentialId.
 * Text: `DP1.` + base64url(payload || Ed25519(`dorfpunkt-credential\0` || payload)).
 */
import { sign, type KeyObject } from 'node:crypto';
import type { MemberRole } from '../db/schema.ts';

const ROLES: readonly MemberRole[] = ['member', 'courier', 'operator'];
const SIGNING_CONTEXT = Buffer.from('dorfpunkt-credential\0', 'latin1');
const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const U32_MAX = 0xffffffff;

export interface MemberTokenClaims {
  role: MemberRole;
  /** Verified 18+ in person (sets both age flags: 18+ may buy what 16+ may buy). */
  adult: boolean;
  memberId: string;
  credentialId: string;
  /** Whole epoch seconds; also "valid from". */
  issuedAt: number;
  /** Whole epoch seconds; invalid from this instant on. */
  expiresAt: number;
}

export function issueMemberToken(privateKey: KeyObject, c: MemberTokenClaims): string {
  const role = ROLES.indexOf(c.role);
  if (role < 0) throw new Error(`token role must be one of ${ROLES.join(', ')}`);
  for (const [name, id] of [
    ['memberId', c.memberId],
    ['credentialId', c.credentialId],
  ] as const) {
    if (!ID_PATTERN.test(id)) throw new Error(`token ${name} must be 1-32 characters of A-Z a-z 0-9 _ -`);
  }
  for (const [name, v] of [
    ['issuedAt', c.issuedAt],
    ['expiresAt', c.expiresAt],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw new Error(`token ${name} must be whole epoch seconds`);
  }
  if (c.expiresAt <= c.issuedAt) throw new Error('token expiresAt must be after issuedAt');
  const member = Buffer.from(c.memberId, 'latin1');
  const cred = Buffer.from(c.credentialId, 'latin1');
  const header = Buffer.alloc(11);
  header.writeUInt8(1, 0);
  header.writeUInt8(role, 1);
  header.writeUInt8(c.adult ? 0b11 : 0, 2);
  header.writeUInt32BE(c.issuedAt, 3);
  header.writeUInt32BE(c.expiresAt, 7);
  const payload = Buffer.concat([header, Buffer.from([member.length]), member, Buffer.from([cred.length]), cred]);
  const signature = sign(null, Buffer.concat([SIGNING_CONTEXT, payload]), privateKey);
  return 'DP1.' + Buffer.concat([payload, signature]).toString('base64url');
}
