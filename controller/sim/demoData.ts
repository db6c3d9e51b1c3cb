import { join } from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Ledger } from '../ledger/index.ts';
import { exportPrivateKeyPem, exportPublicKeyPem, generateSigningKeyPair, importPrivateKeyPem } from '../access/keys.ts';
import { fileExists, writeFileAtomic } from '../access/atomicFile.ts';
import { issueToken } from '../access/token.ts';
import { hashPin } from '../access/pin.ts';
import type { DemoCredential } from '../http/pointApi.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import type { OpeningRulesDocument } from '../access/openingRulesSchema.ts';

/**
 * Demo data for the simulated point. In a real deployment the backoffice holds the signing key
 * and issues credentials; in simulation the key pair lives in the data folder so `npm start`
 * works with nothing else running.
 */
export interface DemoKeys {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export async function ensureDemoKeys(dataDir: string): Promise<DemoKeys> {
  const dir = join(dataDir, 'keys');
  const privPath = join(dir, 'signing-key.pem');
  const pubPath = join(dir, 'public-key.pem');
  await mkdir(dir, { recursive: true });
  if (!(await fileExists(privPath))) {
    const pair = generateSigningKeyPair();
    await writeFileAtomic(privPath, exportPrivateKeyPem(pair.privateKey), { mode: 0o600 });
    await writeFileAtomic(pubPath, exportPublicKeyPem(pair.publicKey), { mode: 0o644 });
  }
  return {
    privateKey: importPrivateKeyPem(await readFile(privPath, 'utf8')),
    publicKeyPem: await readFile(pubPath, 'utf8'),
  };
}

interface DemoMember {
  memberId: string;
  name: string;
  role: 'member' | 'courier' | 'operator';
  age18: boolean;
  /** i18n key of the explanation shown under the credential. */
  note: MessageKey;
  credential: { kind: 'token'; expiresInDays: number; printed?: boolean } | { kind: 'card'; uid: string; pin: string };
  revoked?: boolean;
}

export const DEMO_MEMBERS: readonly DemoMember[] = [
  {
    memberId: 'm-anna',
    name: 'Anna Becker',
    role: 'member',
    age18: true,
    note: 'demo.note.printed',
    credential: { kind: 'token', expiresInDays: 365, printed: true },
  },
  { memberId: 'm-bernd', name: 'Bernd Vogt', role: 'member', age18: false, note: 'demo.note.no-age', credential: { kind: 'token', expiresInDays: 365 } },
  {
    memberId: 'm-clara',
    name: 'Clara Hoff',
    role: 'member',
    age18: true,
    note: 'demo.note.revoked',
    credential: { kind: 'token', expiresInDays: 365 },
    revoked: true,
  },
  { memberId: 'm-erika', name: 'Erika Sommer', role: 'member', age18: true, note: 'demo.note.expired', credential: { kind: 'token', expiresInDays: -1 } },
  {
    memberId: 'm-dieter',
    name: 'Dieter Lange',
    role: 'member',
    age18: true,
    note: 'demo.note.card',
    credential: { kind: 'card', uid: '04:A2:19:7C', pin: '4711' },
  },
  {
    memberId: 'c-paket',
    name: 'Paketdienst Weser',
    role: 'courier',
    age18: false,
    note: 'demo.note.courier',
    credential: { kind: 'token', expiresInDays: 30 },
  },
];

/** Simulation opening rules: a 24/7 members' shop (as Bavaria allows since 2025), open to everyone 06–22. */
export function demoOpeningRules(): OpeningRulesDocument {
  const day = [
    { from: '00:00', to: '06:00', audience: 'members' as const },
    { from: '06:00', to: '22:00', audience: 'everyone' as const },
    { from: '22:00', to: '24:00', audience: 'members' as const },
  ];
  return {
    version: 1,
    state: 'BY',
    weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
    holidays: 'like-sunday',
    exceptions: [],
    couriers: 'always',
  };
}

const credentialIdOf = (m: DemoMember): string => `cred-${m.memberId.slice(2)}-1`;

/** Record the demo members once (as ledger events, like any downlink change would). */
export async function seedDemoLedger(ledger: Ledger): Promise<void> {
  if (ledger.state.members().length > 0) return;
  ledger.append('opening-rules.set', { rules: demoOpeningRules() as unknown as Record<string, unknown> });
  for (const m of DEMO_MEMBERS) {
    ledger.append('member.upserted', { memberId: m.memberId, name: m.name, role: m.role, ageVerified: m.age18 });
    const base = { credentialId: credentialIdOf(m), memberId: m.memberId, role: m.role, ageVerified: m.age18, expiresAt: null };
    if (m.credential.kind === 'card') {
      ledger.append('credential.issued', { ...base, kind: 'card', cardUid: m.credential.uid, pinHash: await hashPin(m.credential.pin) });
    } else {
      ledger.append('credential.issued', { ...base, kind: 'token' });
    }
    if (m.revoked) ledger.append('credential.revoked', { credentialId: credentialIdOf(m), reason: 'reported lost' });
  }
}

/** Tokens and printable QR codes for the virtual point page's credential picker. */
export async function demoCredentials(keys: DemoKeys, clock: Clock): Promise<DemoCredential[]> {
  const nowSec = Math.floor(clock.now() / 1000);
  const out: DemoCredential[] = [];
  for (const m of DEMO_MEMBERS) {
    if (m.credential.kind === 'card') {
      out.push({ label: m.name, memberId: m.memberId, note: m.note, cardUid: m.credential.uid, pin: m.credential.pin });
      continue;
    }
    const expiresAt = nowSec + m.credential.expiresInDays * 86_400;
    const token = issueToken(keys.privateKey, {
      role: m.role,
      age16: m.age18,
      age18: m.age18,
      memberId: m.memberId,
      credentialId: credentialIdOf(m),
      issuedAt: Math.min(nowSec - 86_400 * 30, expiresAt - 1),
      expiresAt,
    });
    const qrSvg = await QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    out.push({ label: m.name, memberId: m.memberId, note: m.note, token, qrSvg });
  }
  return out;
}
