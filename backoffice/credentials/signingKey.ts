/**
 * The backoffice's Ed25519 key that signs member tokens. Kept as a PKCS#8 PEM file in the data
 * directory (`<dataDir>/member-signing-key.pem`, mode 0600), created on first use; points get the
 * public key (`publicKeyPem`, or the 32-byte raw key) in their config. Losing the file means every
 * printed QR card must be reissued; copying it lets anyone mint tokens: back it up like a password.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface MemberSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

export const SIGNING_KEY_FILE = 'member-signing-key.pem';

export function signingKeyFrom(privateKey: KeyObject): MemberSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new Error('member signing key: expected an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function generateSigningKey(): MemberSigningKey {
  return signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** Read the key file, or create it (0600, exclusive create: two starting processes never overwrite each other). */
export function loadOrCreateSigningKey(path: string): MemberSigningKey {
  if (!existsSync(path)) {
    const key = generateSigningKey();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      return key;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) throw new Error(`member signing key ${path} is readable by others (mode ${(statSync(path).mode & 0o777).toString(8)}); chmod 600 it`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readFileSync(path, 'utf8'), format: 'pem' });
  } catch (e) {
    throw new Error(`member signing key ${path} is not a readable PEM private key (${(e as Error).message})`);
  }
  return signingKeyFrom(key);
}
