/**
 * Offline-verifiable credential tokens (QR on phone or on paper).
 *
 * Text form: `DP1.` + base64url(payload || signature), no padding.
 * Payload (big-endian):
 *   0      version (1)
 *   1      role (0 member, 1 courier, 2 operator)
 *   2      flags: bit0 age16, bit1 age18 (age18 implies age16 when issued); other bits must be 0
 *   3..6   issuedAt, epoch seconds (u32) — also "valid from"
 *   7..10  expiresAt, epoch seconds (u32)
 *   11     memberId length L (1..32), then L bytes [A-Za-z0-9_-]
 *   ..     credentialId length K (1..32), then K bytes [A-Za-z0-9_-]
 * Signature: Ed25519 over `dorfpunkt-credential\0` || payload (64 bytes).
 *
 * Decoding is strict (canonical base64url, exact length, no reserved bits), so a token has one
 * textual form; nothing here throws on bad input.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { MAX_TOKEN_TEXT_LENGTH } from '../contract/credentialFormats.ts';
import type { Role } from './ports.ts';

export const TOKEN_PREFIX = 'DP1.';
export const TOKEN_VERSION = 1;
export { MAX_TOKEN_TEXT_LENGTH };
const SIGNATURE_LENGTH = 64;
const FIXED_HEADER = 11;
const SIGNING_CONTEXT = Buffer.from('dorfpunkt-credential\0', 'latin1');
const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ROLES: readonly Role[] = ['member', 'courier', 'operator'];
const FLAG_AGE16 = 0b01;
const FLAG_AGE18 = 0b10;
const KNOWN_FLAGS = FLAG_AGE16 | FLAG_AGE18;
const U32_MAX = 0xffffffff;

export interface TokenClaims {
  role: Role;
  age16: boolean;
  age18: boolean;
  memberId: string;
  credentialId: string;
  /** Epoch seconds; the token is not valid before this instant. */
  issuedAt: number;
  /** Epoch seconds; the token is not valid from this instant on. */
  expiresAt: number;
}

export type TokenFailure = 'malformed' | 'unknown-version' | 'bad-signature';

export type DecodeResult =
  { ok: true; claims: TokenClaims; payload: Buffer; signature: Buffer } | { ok: false; reason: Exclude<TokenFailure, 'bad-signature'>; detail: string };

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenFailure; detail: string };

export class TokenIssueError extends Error {
  override readonly name = 'TokenIssueError';
}

function checkClaims(c: TokenClaims): void {
  if (!ROLES.includes(c.role)) throw new TokenIssueError(`role: must be one of ${ROLES.join(', ')}, got ${String(c.role)}`);
  if (typeof c.memberId !== 'string' || !ID_PATTERN.test(c.memberId)) {
    throw new TokenIssueError('memberId: must be 1-32 characters of A-Z a-z 0-9 _ -');
  }
  if (typeof c.credentialId !== 'string' || !ID_PATTERN.test(c.credentialId)) {
    throw new TokenIssueError('credentialId: must be 1-32 characters of A-Z a-z 0-9 _ -');
  }
  for (const field of ['issuedAt', 'expiresAt'] as const) {
    const v = c[field];
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) {
      throw new TokenIssueError(`${field}: must be whole epoch seconds between 0 and ${U32_MAX}`);
    }
  }
  if (c.expiresAt <= c.issuedAt) throw new TokenIssueError('expiresAt: must be after issuedAt');
}

export function encodePayload(c: TokenClaims): Buffer {
  checkClaims(c);
  const member = Buffer.from(c.memberId, 'latin1');
  const cred = Buffer.from(c.credentialId, 'latin1');
  const buf = Buffer.alloc(FIXED_HEADER + 1 + member.length + 1 + cred.length);
  buf.writeUInt8(TOKEN_VERSION, 0);
  buf.writeUInt8(ROLES.indexOf(c.role), 1);
  // age18 implies age16: someone verified as 18+ may buy what 16+ may buy.
  buf.writeUInt8((c.age16 || c.age18 ? FLAG_AGE16 : 0) | (c.age18 ? FLAG_AGE18 : 0), 2);
  buf.writeUInt32BE(c.issuedAt, 3);
  buf.writeUInt32BE(c.expiresAt, 7);
  let off = FIXED_HEADER;
  buf.writeUInt8(member.length, off++);
  member.copy(buf, off);
  off += member.length;
  buf.writeUInt8(cred.length, off++);
  cred.copy(buf, off);
  return buf;
}

/** Sign claims with the backoffice's Ed25519 private key. Throws TokenIssueError on bad claims. */
export function issueToken(privateKey: KeyObject, claims: TokenClaims): string {
  const payload = encodePayload(claims);
  const signature = sign(null, Buffer.concat([SIGNING_CONTEXT, payload]), privateKey);
  return TOKEN_PREFIX + Buffer.concat([payload, signature]).toString('base64url');
}

function fail(reason: 'malformed' | 'unknown-version', detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

function readId(buf: Buffer, off: number, end: number, name: string): { value: string; next: number } | string {
  if (off >= end) return `${name}: missing`;
  const len = buf.readUInt8(off);
  if (len < 1 || len > 32) return `${name}: length ${len} out of range 1-32`;
  if (off + 1 + len > end) return `${name}: truncated`;
  const value = buf.toString('latin1', off + 1, off + 1 + len);
  if (!ID_PATTERN.test(value)) return `${name}: contains characters outside A-Z a-z 0-9 _ -`;
  return { value, next: off + 1 + len };
}

/** Parse a token without checking its signature. Never throws. */
export function decodeToken(text: unknown): DecodeResult {
  if (typeof text !== 'string') return fail('malformed', 'token is not text');
  if (text.length > MAX_TOKEN_TEXT_LENGTH) return fail('malformed', 'token too long');
  const prefix = /^DP([0-9]{1,3})\./.exec(text);
  if (!prefix) return fail('malformed', 'token does not start with DP<version>.');
  if (prefix[0] !== TOKEN_PREFIX) return fail('unknown-version', `token version ${prefix[1] ?? '?'} is not supported`);
  const body = text.slice(TOKEN_PREFIX.length);
  if (!BASE64URL.test(body)) return fail('malformed', 'token body is not base64url');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.toString('base64url') !== body) return fail('malformed', 'token body is not canonical base64url');
  if (bytes.length < FIXED_HEADER + 4 + SIGNATURE_LENGTH) return fail('malformed', 'token too short');
  const end = bytes.length - SIGNATURE_LENGTH;
  const version = bytes.readUInt8(0);
  if (version !== TOKEN_VERSION) return fail('unknown-version', `payload version ${version} is not supported`);
  const roleByte = bytes.readUInt8(1);
  const role = ROLES[roleByte];
  if (role === undefined) return fail('malformed', `unknown role code ${roleByte}`);
  const flags = bytes.readUInt8(2);
  if ((flags & ~KNOWN_FLAGS) !== 0) return fail('malformed', `reserved flag bits set (0x${flags.toString(16)})`);
  const issuedAt = bytes.readUInt32BE(3);
  const expiresAt = bytes.readUInt32BE(7);
  const member = readId(bytes, FIXED_HEADER, end, 'memberId');
  if (typeof member === 'string') return fail('malformed', member);
  const cred = readId(bytes, member.next, end, 'credentialId');
  if (typeof cred === 'string') return fail('malformed', cred);
  if (cred.next !== end) return fail('malformed', 'unexpected bytes after credentialId');
  return {
    ok: true,
    claims: {
      role,
      age16: (flags & FLAG_AGE16) !== 0,
      age18: (flags & FLAG_AGE18) !== 0,
      memberId: member.value,
      credentialId: cred.value,
      issuedAt,
      expiresAt,
    },
    payload: bytes.subarray(0, end),
    signature: bytes.subarray(end),
  };
}

/** Parse and check the signature. Validity times are the caller's business (it owns the clock). */
export function verifyToken(text: unknown, publicKey: KeyObject): VerifyResult {
  const decoded = decodeToken(text);
  if (!decoded.ok) return decoded;
  let valid = false;
  try {
    valid = verify(null, Buffer.concat([SIGNING_CONTEXT, decoded.payload]), publicKey, decoded.signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad-signature', detail: 'signature does not match the public key' };
  return { ok: true, claims: decoded.claims };
}
