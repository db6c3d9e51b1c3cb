import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPrivateKeyPem, importPublicKeyPem } from '../access/keys.ts';
import { verifyPin } from '../access/pin.ts';
import { decodeToken } from '../access/token.ts';
import { runCredentialsCli, type CliIo } from './credentials.ts';

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);

function capture(stdin = ''): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), readStdin: async () => stdin, now: () => NOW };
}

describe('credentials CLI', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dp-cred-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keygen creates a missing key folder (a fresh clone has no keys/), private to its owner', async () => {
    const keys = join(dir, 'fresh', 'keys');
    expect(await runCredentialsCli(['keygen', '--dir', keys], capture())).toBe(0);
    expect((await readdir(keys)).sort()).toEqual(['public-key.pem', 'signing-key.pem']);
    expect(((await stat(keys)).mode & 0o777).toString(8)).toBe('700');
  });

  it('bin/dorfpunkt runs from outside the repository (tsx is found from the repo root, not the cwd)', () => {
    const bin = fileURLToPath(new URL('../../bin/dorfpunkt.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'credentials', 'keygen', '--dir', 'keys'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).not.toMatch(/Cannot find package 'tsx'|ERR_MODULE_NOT_FOUND/);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'keys', 'signing-key.pem'))).toBe(true);
  }, 30_000);

  it('keygen writes a 0600 signing key and a public key, leaves no temp files, and refuses to overwrite', async () => {
    const io = capture();
    expect(await runCredentialsCli(['credentials', 'keygen', '--dir', dir], io)).toBe(0);
    expect(((await stat(join(dir, 'signing-key.pem'))).mode & 0o777).toString(8)).toBe('600');
    importPrivateKeyPem(await readFile(join(dir, 'signing-key.pem'), 'utf8'));
    importPublicKeyPem(await readFile(join(dir, 'public-key.pem'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual(['public-key.pem', 'signing-key.pem']);
    const before = await readFile(join(dir, 'signing-key.pem'), 'utf8');
    const again = capture();
    expect(await runCredentialsCli(['keygen', '--dir', dir], again)).toBe(1);
    expect(again.err.join('')).toMatch(/exists; refusing to overwrite/);
    expect(await readFile(join(dir, 'signing-key.pem'), 'utf8')).toBe(before);
  });

  it('issue prints a token that verify accepts, with age flags, and writes SVG and PNG QR codes', async () => {
    await runCredentialsCli(['keygen', '--dir', dir], capture());
    const io = capture();
    const svg = join(dir, 'qr.svg');
    const png = join(dir, 'qr.png');
    const code = await runCredentialsCli(
      [
        'issue',
        '--key',
        join(dir, 'signing-key.pem'),
        '--member',
        'M77',
        '--role',
        'member',
        '--age18',
        '--days',
        '30',
        '--qr',
        '--qr-svg',
        svg,
        '--qr-png',
        png,
      ],
      io,
    );
    expect(code).toBe(0);
    const token = (io.out[0] ?? '').trim();
    const decoded = decodeToken(token);
    expect(decoded).toMatchObject({
      ok: true,
      claims: { memberId: 'M77', role: 'member', age16: true, age18: true, issuedAt: NOW / 1000, expiresAt: NOW / 1000 + 30 * 86_400 },
    });
    expect(io.out[1]).toMatch(/▄|█/); // terminal QR
    expect(io.err.join('')).toMatch(/QR version 8 \(M\)/);
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg/);
    expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');

    const v = capture();
    expect(await runCredentialsCli(['verify', '--pub', join(dir, 'public-key.pem'), token], v)).toBe(0);
    expect(JSON.parse(v.out.join(''))).toMatchObject({ status: 'valid', memberId: 'M77' });
  });

  it('verify fails with the reason for a token from another key and for an expired one', async () => {
    await runCredentialsCli(['keygen', '--dir', dir], capture());
    const other = join(dir, 'other');
    await mkdir(other);
    expect(await runCredentialsCli(['keygen', '--dir', other], capture())).toBe(0);
    const io = capture();
    await runCredentialsCli(['issue', '--key', join(dir, 'signing-key.pem'), '--member', 'M1', '--role', 'courier', '--days', '1'], io);
    const token = (io.out[0] ?? '').trim();
    const later = { ...capture(), now: () => NOW + 2 * 86_400_000 };
    expect(await runCredentialsCli(['verify', '--pub', join(dir, 'public-key.pem'), token], later)).toBe(1);
    expect(later.out.join('')).toMatch(/"status": "expired"/);
    const foreign = capture();
    await runCredentialsCli(['issue', '--key', join(other, 'signing-key.pem'), '--member', 'M1', '--role', 'operator'], foreign);
    const bad = capture();
    expect(await runCredentialsCli(['verify', '--pub', join(dir, 'public-key.pem'), (foreign.out[0] ?? '').trim()], bad)).toBe(1);
    expect(bad.err.join('')).toMatch(/invalid: bad-signature/);
  });

  it('hash-pin reads the PIN from stdin and prints a verifiable scrypt hash; rejects non-digits', async () => {
    const io = capture('4711\n');
    expect(await runCredentialsCli(['hash-pin'], io)).toBe(0);
    const hash = (io.out[0] ?? '').trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPin('4711', hash)).toBe(true);
    const bad = capture('abcd\n');
    expect(await runCredentialsCli(['hash-pin'], bad)).toBe(1);
    expect(bad.err.join('')).toMatch(/4 to 12 digits/);
  });

  it('reports usage errors with exit code 2 and missing files with exit code 1', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /Usage/],
      [['frobnicate'], 2, /unknown command frobnicate/],
      [['keygen'], 2, /--dir is required/],
      [['issue', '--key', 'k.pem', '--member', 'M1', '--role', 'king'], 2, /--role must be one of/],
      [['issue', '--key', 'k.pem', '--member', 'M1', '--role', 'member', '--days', '0'], 2, /--days/],
      [['issue', '--bogus'], 2, /bogus/],
      [['verify', '--pub', 'p.pem'], 2, /token to verify is missing/],
      [['issue', '--key', join(dir, 'missing.pem'), '--member', 'M1', '--role', 'member'], 1, /ENOENT/],
    ];
    for (const [argv, code, message] of cases) {
      const io = capture();
      expect(await runCredentialsCli(argv, io), argv.join(' ')).toBe(code);
      expect(io.err.join('') + io.out.join(''), argv.join(' ')).toMatch(message);
    }
  });

  it('refuses a key file that is not an Ed25519 private key', async () => {
    const key = join(dir, 'junk.pem');
    await writeFile(key, 'not a key');
    const io = capture();
    expect(await runCredentialsCli(['issue', '--key', key, '--member', 'M1', '--role', 'member'], io)).toBe(1);
    expect(io.err.join('')).toMatch(/signing key: not a readable PEM private key/);
  });
});
