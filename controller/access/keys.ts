/**
 * Ed25519 key handling for credential tokens: generation and PEM / raw (32-byte) import and
 * export. Imports check the key type and say clearly what is wrong; nothing here touches disk.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey };
}

function requireEd25519(key: KeyObject, expected: 'private' | 'public', what: string): KeyObject {
  if (key.type !== expected) throw new KeyFormatError(`${what}: expected a ${expected} key, got a ${key.type} key`);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyFormatError(`${what}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

export function exportPrivateKeyPem(key: KeyObject): string {
  requireEd25519(key, 'private', 'exportPrivateKeyPem');
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function exportPublicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  requireEd25519(pub, 'public', 'exportPublicKeyPem');
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

export function importPrivateKeyPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyFormatError(`signing key: not a readable PEM private key (${(err as Error).message})`);
  }
  return requireEd25519(key, 'private', 'signing key');
}

export function importPublicKeyPem(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) throw new KeyFormatError('public key: this PEM holds a private key; give only the public key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyFormatError(`public key: not a readable PEM public key (${(err as Error).message})`);
  }
  return requireEd25519(key, 'public', 'public key');
}

/** The 32-byte raw Ed25519 public key (as distributed to points, e.g. in config). */
export function exportPublicKeyRaw(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  requireEd25519(pub, 'public', 'exportPublicKeyRaw');
  const jwk = pub.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new KeyFormatError('exportPublicKeyRaw: key has no x coordinate');
  return Buffer.from(jwk.x, 'base64url');
}

export function importPublicKeyRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new KeyFormatError(`public key: raw Ed25519 key must be 32 bytes, got ${raw.length}`);
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
  } catch (err) {
    throw new KeyFormatError(`public key: invalid raw Ed25519 key (${(err as Error).message})`);
  }
}

/** The 32-byte Ed25519 seed of a private key. */
export function exportPrivateKeyRaw(key: KeyObject): Buffer {
  requireEd25519(key, 'private', 'exportPrivateKeyRaw');
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new KeyFormatError('exportPrivateKeyRaw: key has no d component');
  return Buffer.from(jwk.d, 'base64url');
}

export function importPrivateKeyRaw(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new KeyFormatError(`signing key: raw Ed25519 seed must be 32 bytes, got ${seed.length}`);
  // The JWK import needs x; derive it by importing the seed as PKCS#8 DER (fixed 16-byte header).
  const header = Buffer.from('302e020100300506032b657004220420', 'hex');
  try {
    return createPrivateKey({ key: Buffer.concat([header, Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new KeyFormatError(`signing key: invalid raw Ed25519 seed (${(err as Error).message})`);
  }
}
