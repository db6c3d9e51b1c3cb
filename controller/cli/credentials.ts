/**
 * `dorfpunkt credentials ...`: key generation, token issuing (with QR), verification and PIN
 * hashing for operators and technicians. Exit codes: 0 ok, 1 operation failed, 2 usage error.
 * `argv` may start with `credentials` or directly with the subcommand.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import QRCode from 'qrcode';
import { FileExistsError, fileExists, writeFileAtomic } from '../access/atomicFile.ts';
import { exportPrivateKeyPem, exportPublicKeyPem, generateSigningKeyPair, importPrivateKeyPem, importPublicKeyPem, KeyFormatError } from '../access/keys.ts';
import { hashPin, PIN_PATTERN } from '../access/pin.ts';
import type { Role } from '../access/ports.ts';
import { issueToken, TokenIssueError, verifyToken } from '../access/token.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Reads all of standard input (defaults to process.stdin). */
  readStdin?: () => Promise<string>;
  /** Wall clock for issuing/verifying (defaults to Date.now). */
  now?: () => number;
}

export const CREDENTIALS_USAGE = `Usage:
  dorfpunkt credentials keygen --dir <dir>
  dorfpunkt credentials issue --key <signing-key.pem> --member <id> --role member|courier|operator
                              [--age16] [--age18] [--days N] [--credential <id>]
                              [--qr] [--qr-svg <file>] [--qr-png <file>]
  dorfpunkt credentials verify --pub <public-key.pem> <token>
  dorfpunkt credentials hash-pin            (reads the PIN from standard input)
`;

class UsageError extends Error {}

const ROLES: readonly Role[] = ['member', 'courier', 'operator'];

async function readStdinDefault(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('PIN: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

type Parsed = { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = 0): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument ${parsed.positionals[positionals] ?? ''}`);
  return parsed;
}

function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

async function keygen(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { dir: { type: 'string' } });
  const dir = requireString(values, 'dir');
  const privPath = join(dir, 'signing-key.pem');
  const pubPath = join(dir, 'public-key.pem');
  for (const p of [privPath, pubPath]) {
    if (await fileExists(p)) {
      io.stderr(`error: ${p} exists; refusing to overwrite a key\n`);
      return 1;
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 }); // a fresh clone has no keys/ folder yet
  const keys = generateSigningKeyPair();
  await writeFileAtomic(privPath, exportPrivateKeyPem(keys.privateKey), { mode: 0o600 });
  await writeFileAtomic(pubPath, exportPublicKeyPem(keys.publicKey), { mode: 0o644 });
  io.stdout(`wrote ${privPath} (keep secret, backoffice only)\nwrote ${pubPath} (install on every point)\n`);
  return 0;
}

async function issue(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    key: { type: 'string' },
    member: { type: 'string' },
    role: { type: 'string' },
    credential: { type: 'string' },
    days: { type: 'string' },
    age16: { type: 'boolean' },
    age18: { type: 'boolean' },
    qr: { type: 'boolean' },
    'qr-svg': { type: 'string' },
    'qr-png': { type: 'string' },
  });
  const keyPath = requireString(values, 'key');
  const memberId = requireString(values, 'member');
  const role = requireString(values, 'role');
  if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const daysText = typeof values.days === 'string' ? values.days : '365';
  if (!/^[0-9]{1,5}$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 3650) {
    throw new UsageError('--days must be a whole number from 1 to 3650');
  }
  const credentialId = typeof values.credential === 'string' ? values.credential : randomBytes(9).toString('base64url');
  const privateKey = importPrivateKeyPem(await readFile(keyPath, 'utf8'));
  const issuedAt = Math.floor((io.now ?? Date.now)() / 1000);
  const token = issueToken(privateKey, {
    role: role as Role,
    memberId,
    credentialId,
    age16: values.age16 === true,
    age18: values.age18 === true,
    issuedAt,
    expiresAt: issuedAt + Number(daysText) * 86_400,
  });
  io.stdout(`${token}\n`);
  io.stderr(`credential ${credentialId}, ${token.length} characters, QR version ${QRCode.create(token, { errorCorrectionLevel: 'M' }).version} (M)\n`);
  if (values.qr === true) io.stdout(await QRCode.toString(token, { type: 'terminal', errorCorrectionLevel: 'M', small: true }));
  if (typeof values['qr-svg'] === 'string') {
    await writeFileAtomic(values['qr-svg'], await QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }), { overwrite: true });
  }
  if (typeof values['qr-png'] === 'string') {
    await writeFileAtomic(values['qr-png'], await QRCode.toBuffer(token, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 }), { overwrite: true });
  }
  return 0;
}

async function verifyCmd(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { pub: { type: 'string' } }, 1);
  const pubPath = requireString(values, 'pub');
  const token = positionals[0];
  if (!token) throw new UsageError('the token to verify is missing');
  const publicKey = importPublicKeyPem(await readFile(pubPath, 'utf8'));
  const result = verifyToken(token.trim(), publicKey);
  if (!result.ok) {
    io.stderr(`invalid: ${result.reason} (${result.detail})\n`);
    return 1;
  }
  const nowS = Math.floor((io.now ?? Date.now)() / 1000);
  const status = nowS < result.claims.issuedAt ? 'not-yet-valid' : nowS >= result.claims.expiresAt ? 'expired' : 'valid';
  const c = result.claims;
  io.stdout(
    `${JSON.stringify({ status, ...c, issuedAtIso: new Date(c.issuedAt * 1000).toISOString(), expiresAtIso: new Date(c.expiresAt * 1000).toISOString() }, null, 2)}\n`,
  );
  return status === 'valid' ? 0 : 1;
}

async function hashPinCmd(args: string[], io: CliIo): Promise<number> {
  parse(args, {});
  const input = (await (io.readStdin ?? readStdinDefault)()).replace(/\r?\n$/, '');
  if (!PIN_PATTERN.test(input)) {
    io.stderr('error: the PIN must be 4 to 12 digits\n');
    return 1;
  }
  io.stdout(`${await hashPin(input)}\n`);
  return 0;
}

export async function runCredentialsCli(argv: string[], io: CliIo): Promise<number> {
  const args = argv[0] === 'credentials' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'keygen':
        return await keygen(rest, io);
      case 'issue':
        return await issue(rest, io);
      case 'verify':
        return await verifyCmd(rest, io);
      case 'hash-pin':
        return await hashPinCmd(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout(CREDENTIALS_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n${CREDENTIALS_USAGE}`);
      return 2;
    }
    if (err instanceof KeyFormatError || err instanceof TokenIssueError || err instanceof FileExistsError) {
      io.stderr(`error: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.code.startsWith('E')) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
