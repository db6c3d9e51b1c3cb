import { generateKeyPairSync } from 'node:crypto';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateKeyPem,
  exportPrivateKeyRaw,
  exportPublicKeyPem,
  exportPublicKeyRaw,
  generateSigningKeyPair,
  importPrivateKeyPem,
  importPrivateKeyRaw,
  importPublicKeyPem,
  importPublicKeyRaw,
  KeyFormatError,
} from './keys.ts';
import { decodeToken, issueToken, TOKEN_PREFIX, TokenIssueError, verifyToken, type TokenClaims } from './token.ts';

const claims: TokenClaims = {
  role: 'member',
  age16: false,
  age18: true,
  memberId: 'M10042',
  credentialId: 'c7Hq2LmX9aZb',
  issuedAt: 1_790_000_000,
  expiresAt: 1_821_536_000,
};

describe('credential token', () => {
  const keys = generateSigningKeyPair();

  it('round-trips claims and marks age18 holders as 16+ too', () => {
    const text = issueToken(keys.privateKey, claims);
    expect(text.startsWith(TOKEN_PREFIX)).toBe(true);
    const result = verifyToken(text, keys.publicKey);
    expect(result).toEqual({ ok: true, claims: { ...claims, age16: true } });
  });

  it('is short enough for a version-8 QR code at error correction M', () => {
    const text = issueToken(keys.privateKey, claims);
    expect(text.length).toBe(131);
    expect(QRCode.create(text, { errorCorrectionLevel: 'M' }).version).toBe(8);
  });

  it('refuses a token signed by another key as bad-signature', () => {
    const other = generateSigningKeyPair();
    const text = issueToken(other.privateKey, claims);
    expect(verifyToken(text, keys.publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a token whose payload was altered (member id changed) as bad-signature', () => {
    const text = issueToken(keys.privateKey, claims);
    const bytes = Buffer.from(text.slice(4), 'base64url');
    bytes.write('M10043', 12, 'latin1');
    const forged = TOKEN_PREFIX + bytes.toString('base64url');
    expect(decodeToken(forged)).toMatchObject({ ok: true });
    expect(verifyToken(forged, keys.publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('reports an unknown prefix version and an unknown payload version as unknown-version', () => {
    const text = issueToken(keys.privateKey, claims);
    expect(decodeToken('DP2.' + text.slice(4))).toMatchObject({ ok: false, reason: 'unknown-version' });
    const bytes = Buffer.from(text.slice(4), 'base64url');
    bytes[0] = 2;
    expect(decodeToken(TOKEN_PREFIX + bytes.toString('base64url'))).toMatchObject({ ok: false, reason: 'unknown-version' });
  });

  it('refuses non-canonical base64url, padding, reserved flags and trailing bytes as malformed', () => {
    const text = issueToken(keys.privateKey, claims);
    expect(decodeToken(text + '=')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeToken(text.slice(0, -1) + 'B')).toMatchObject({ ok: false, reason: 'malformed' }); // 131 chars: last char carries 2 spare bits
    const bytes = Buffer.from(text.slice(4), 'base64url');
    const flagged = Buffer.from(bytes);
    flagged[2] = 0x80;
    expect(decodeToken(TOKEN_PREFIX + flagged.toString('base64url'))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringContaining('reserved flag'),
    });
    const longer = Buffer.concat([bytes.subarray(0, bytes.length - 64), Buffer.from([0]), bytes.subarray(bytes.length - 64)]);
    expect(decodeToken(TOKEN_PREFIX + longer.toString('base64url'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeToken(42)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeToken('DP1.' + 'A'.repeat(600))).toMatchObject({ ok: false, reason: 'malformed', detail: 'token too long' });
  });

  it('refuses to issue tokens with bad claims, naming the field', () => {
    expect(() => issueToken(keys.privateKey, { ...claims, memberId: 'Müller' })).toThrow(/memberId/);
    expect(() => issueToken(keys.privateKey, { ...claims, expiresAt: claims.issuedAt })).toThrow(TokenIssueError);
    expect(() => issueToken(keys.privateKey, { ...claims, issuedAt: 2 ** 32 })).toThrow(/issuedAt/);
  });
});

describe('signing keys', () => {
  it('round-trip through PEM and raw forms', () => {
    const { privateKey, publicKey } = generateSigningKeyPair();
    const priv2 = importPrivateKeyPem(exportPrivateKeyPem(privateKey));
    const pub2 = importPublicKeyPem(exportPublicKeyPem(publicKey));
    const pub3 = importPublicKeyRaw(exportPublicKeyRaw(publicKey));
    const priv3 = importPrivateKeyRaw(exportPrivateKeyRaw(privateKey));
    const text = issueToken(priv3, claims);
    expect(verifyToken(text, pub2).ok).toBe(true);
    expect(verifyToken(issueToken(priv2, claims), pub3).ok).toBe(true);
    expect(exportPublicKeyPem(privateKey)).toBe(exportPublicKeyPem(publicKey));
  });

  it('rejects garbage and non-Ed25519 keys with a clear error', () => {
    expect(() => importPublicKeyPem('nonsense')).toThrow(KeyFormatError);
    expect(() => importPublicKeyRaw(new Uint8Array(31))).toThrow(/32 bytes/);
    const { privateKey } = generateSigningKeyPair();
    expect(() => importPublicKeyPem(exportPrivateKeyPem(privateKey))).toThrow(/holds a private key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => importPublicKeyPem(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/Ed25519/);
  });
});
