/**
 * The backoffice's credential formats against the point's own code: tokens it signs are the very
 * bytes the point's issuer would produce and verify with the point's verifyToken; PIN hashes verify
 * with the point's verifyPin; the signing key file is created once, 0600, and reused.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, chmodSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeToken, issueToken, verifyToken } from '../../controller/access/token.ts';
import { verifyPin } from '../../controller/access/pin.ts';
import { exportPublicKeyRaw, generateSigningKeyPair } from '../../controller/access/keys.ts';
import { issueMemberToken } from '../../backoffice/credentials/memberToken.ts';
import { hashMemberPin, randomPin } from '../../backoffice/credentials/pinHash.ts';
import { generateSigningKey, loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../backoffice/credentials/signingKey.ts';

const claims = { memberId: '01a400516a807c5ca72ac737920e6a66', credentialId: 'c0ffee_Z-9', issuedAt: 1_803_891_600, expiresAt: 1_866_963_600 };

describe('member tokens', () => {
  it.each([
    { role: 'member' as const, adult: true },
    { role: 'courier' as const, adult: false },
    { role: 'operator' as const, adult: true },
  ])('signs a $role token (adult: $adult) byte for byte as the point would, and the point verifies it', ({ role, adult }) => {
    const key = generateSigningKey();
    const ours = issueMemberToken(key.privateKey, { ...claims, role, adult });
    expect(ours).toBe(issueToken(key.privateKey, { ...claims, role, age16: adult, age18: adult }));
    expect(verifyToken(ours, key.publicKey)).toEqual({ ok: true, claims: { ...claims, role, age16: adult, age18: adult } });
  });

  it('is refused by a point that holds another key', () => {
    const token = issueMemberToken(generateSigningKey().privateKey, { ...claims, role: 'member', adult: false });
    expect(verifyToken(token, generateSigningKeyPair().publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(decodeToken(token).ok).toBe(true);
  });

  it('refuses claims the token cannot carry', () => {
    const k = generateSigningKey().privateKey;
    expect(() => issueMemberToken(k, { ...claims, role: 'member', adult: false, memberId: 'x'.repeat(33) })).toThrow(/memberId/);
    expect(() => issueMemberToken(k, { ...claims, role: 'member', adult: false, expiresAt: claims.issuedAt })).toThrow(/after issuedAt/);
    expect(() => issueMemberToken(k, { ...claims, role: 'member', adult: false, issuedAt: 1.5 })).toThrow(/whole epoch seconds/);
  });
});

describe('card PINs', () => {
  it('hashes a PIN so that the point verifies it, and a wrong PIN does not', async () => {
    const hash = await hashMemberPin('0815', { N: 1024, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPin('0815', hash)).toBe(true);
    expect(await verifyPin('0816', hash)).toBe(false);
    await expect(hashMemberPin('123')).rejects.toThrow(/4 to 12 digits/);
    expect(randomPin()).toMatch(/^[0-9]{6}$/);
  });
});

describe('signing key file', () => {
  it('is created on first use with mode 0600 and the same key is read back later', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-key-'));
    const path = join(dir, 'sub', SIGNING_KEY_FILE);
    const first = loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSigningKey(path);
    expect(exportPublicKeyRaw(again.publicKey)).toEqual(exportPublicKeyRaw(first.publicKey));
    const token = issueMemberToken(first.privateKey, { ...claims, role: 'member', adult: false });
    expect(verifyToken(token, again.publicKey).ok).toBe(true);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('refuses a key file others can read, and one that is not a key, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-key-'));
    const path = join(dir, SIGNING_KEY_FILE);
    loadOrCreateSigningKey(path);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateSigningKey(path)).toThrow(/readable by others.*chmod 600/);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    expect(() => loadOrCreateSigningKey(junk)).toThrow(/junk\.pem is not a readable PEM private key/);
  });
});
