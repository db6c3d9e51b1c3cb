/**
 * Members and their credentials: create and edit members (age verified in person: method and date
 * only), issue QR tokens and cards (UID + PIN, only the scrypt hash is kept), revoke. Every change
 * goes down to the points as a typed `members` or `revocations` change (downlink: published at
 * once, republished every 30 s until the point confirms it applied it).
 *
 * Where changes go: a member's data and card credentials to the member's sites ('all' = every
 * site the backoffice knows); a revocation to EVERY known site, because a QR token is checked
 * offline by its signature and opens any point. Removing a site from a member revokes the
 * member's cards there (a card revoked at a point stays revoked there: re-adding the site needs a
 * new card).
 */
import type { AccountTermsChangeBodyT } from '../../controller/contract/changes/phonePay.ts';
import type { Kysely } from 'kysely';
import type { DB, MemberCredentialsTable, MembersTable } from '../db/schema.ts';
import type { MembersChange, RevocationsChange } from '../../controller/contract/changes/access.ts';
import type { CreateMemberInput, CredentialViewBody, IssueCredentialInput, MemberViewBody, PatchMemberInput } from '../http/schemas/members.ts';
import { newId } from '../platform.ts';
import { issueMemberToken } from '../credentials/memberToken.ts';
import { hashMemberPin, randomPin, DEFAULT_PIN_COST, type PinCost } from '../credentials/pinHash.ts';
import type { MemberSigningKey } from '../credentials/signingKey.ts';
import {
  accountOf,
  ageOf,
  credentialsOf,
  credentialView,
  getMember,
  isActive,
  knownSites,
  memberView,
  parseSites,
  targetSites,
  unknownSites,
  type MemberSites,
} from './memberStore.ts';

export interface ChangePublisher {
  publishChange(siteId: string, kind: 'members', body: MembersChange): Promise<unknown>;
  publishChange(siteId: string, kind: 'revocations', body: RevocationsChange): Promise<unknown>;
  publishChange(siteId: string, kind: 'account-terms', body: AccountTermsChangeBodyT): Promise<unknown>;
}

export interface MemberServiceDeps {
  db: Kysely<DB>;
  changes: ChangePublisher;
  /** The token signing key, loaded (or created) on first use; absent = tokens cannot be issued (503). */
  signingKey?: (() => MemberSigningKey) | undefined;
  now: () => number;
  pinCost?: PinCost;
}

export type MemberErrorCode = 'not-found' | 'unknown-site' | 'bad-date' | 'card-in-use' | 'revoked' | 'no-token' | 'no-signing-key' | 'bad-credential';

/** A request that is well-formed but cannot be done; nothing was changed. */
export class MemberInputError extends Error {
  constructor(
    readonly code: MemberErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): 400 | 404 | 409 | 503 {
    if (this.code === 'not-found') return 404;
    if (this.code === 'no-signing-key') return 503;
    return this.code === 'card-in-use' || this.code === 'revoked' || this.code === 'no-token' ? 409 : 400;
  }
}

const DAY_MS = 86_400_000;

const cardInUse = (uid: string): MemberInputError =>
  new MemberInputError('card-in-use', `Die Karte ${uid} ist schon ausgegeben; zuerst die alte Berechtigung sperren`);
/** QR tokens must expire (the point needs an end); two years unless the request says otherwise. */
export const DEFAULT_TOKEN_DAYS = 730;

export interface Issued {
  credential: CredentialViewBody;
  token?: string;
  pin?: string;
  /** Sites the change went to. */
  sites: string[];
}

export interface PrintableCard {
  memberId: string;
  credentialId: string;
  name: string;
  token: string;
  expiresAt: number;
}

/** Blank contact text is no contact. */
const contactOf = (c: string | null | undefined): string | null => (c == null || c.trim() === '' ? null : c.trim());

export class MemberService {
  constructor(private readonly deps: MemberServiceDeps) {}

  async create(input: CreateMemberInput): Promise<{ member: MemberViewBody; sites: string[] }> {
    await this.checkSites(input.sites);
    const age = input.ageVerified ?? null;
    if (age) this.checkDate(age.date);
    const now = this.deps.now();
    const row: MembersTable = {
      id: newId(now).replace(/-/g, ''),
      name: input.name.trim(),
      role: input.role,
      sites: JSON.stringify(input.sites),
      contact: contactOf(input.contact),
      age_method: age?.method ?? null,
      age_date: age?.date ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.deps.db.insertInto('members').values(row).execute();
    const sites = await this.publishMember(row, []);
    return { member: memberView(row, []), sites };
  }

  async update(id: string, patch: PatchMemberInput): Promise<{ member: MemberViewBody; sites: string[]; removedFrom: string[] }> {
    const old = await this.mustGet(id);
    if (patch.sites !== undefined) await this.checkSites(patch.sites);
    if (patch.ageVerified) this.checkDate(patch.ageVerified.date);
    const now = this.deps.now();
    const age = patch.ageVerified === undefined ? ageOf(old) : patch.ageVerified;
    const row: MembersTable = {
      ...old,
      name: patch.name?.trim() ?? old.name,
      role: patch.role ?? old.role,
      sites: patch.sites !== undefined ? JSON.stringify(patch.sites) : old.sites,
      contact: patch.contact !== undefined ? contactOf(patch.contact) : (old.contact ?? null),
      age_method: age?.method ?? null,
      age_date: age?.date ?? null,
      updated_at: now,
    };
    const oldTargets = await targetSites(this.deps.db, parseSites(old.sites));
    await this.deps.db
      .updateTable('members')
      .set({
        name: row.name,
        role: row.role,
        sites: row.sites,
        contact: row.contact ?? null,
        age_method: row.age_method,
        age_date: row.age_date,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    const creds = await credentialsOf(this.deps.db, [id]);
    const sites = await this.publishMember(row, creds);
    const removedFrom = oldTargets.filter((s) => !sites.includes(s));
    const cards = creds.filter((c) => c.kind === 'card' && c.revoked_at === null);
    if (cards.length > 0) {
      const body: RevocationsChange = { revoke: cards.map((c) => ({ credentialId: c.id, reason: 'member removed from this point' })) };
      for (const site of removedFrom) await this.deps.changes.publishChange(site, 'revocations', body);
    }
    return { member: memberView(row, creds, await accountOf(this.deps.db, id)), sites, removedFrom };
  }

  async issue(memberId: string, input: IssueCredentialInput): Promise<Issued> {
    const member = await this.mustGet(memberId);
    if (input.kind === 'token' && (input.cardUid !== undefined || input.pin !== undefined)) {
      throw new MemberInputError('bad-credential', 'Ein QR-Code hat keine Karten-UID und keine PIN (für eine Karte: kind "card")');
    }
    if (input.kind === 'card' && input.cardUid === undefined) throw new MemberInputError('bad-credential', 'Für eine Karte fehlt die Karten-UID (cardUid)');
    if (input.kind === 'token') this.key();
    const cardUid = input.kind === 'card' ? (input.cardUid ?? null) : null;
    const now = this.deps.now();
    const id = newId(now).replace(/-/g, '');
    // Tokens carry whole seconds: store exactly what is signed, so a reprint signs the same token.
    const issuedAt = Math.floor(now / 1000) * 1000;
    const days = input.validDays ?? (input.kind === 'token' ? DEFAULT_TOKEN_DAYS : null);
    const expiresAt = days === null ? null : issuedAt + days * DAY_MS;
    let pin: string | undefined;
    let pinHash: string | null = null;
    if (cardUid !== null) {
      if (await this.activeCardHolder(cardUid)) throw cardInUse(cardUid);
      pin = input.pin ?? randomPin();
      pinHash = await hashMemberPin(pin, this.deps.pinCost ?? DEFAULT_PIN_COST);
    }
    const row: MemberCredentialsTable = {
      id,
      member_id: memberId,
      kind: input.kind,
      card_uid: cardUid,
      pin_hash: pinHash,
      issued_at: issuedAt,
      expires_at: expiresAt,
      revoked_at: null,
      revoke_reason: null,
    };
    try {
      await this.deps.db.insertInto('member_credentials').values(row).execute();
    } catch (e) {
      // Two operators issuing the same card at once: the unique index on active card UIDs decides.
      if (row.card_uid !== null && (await this.activeCardHolder(row.card_uid))) throw cardInUse(row.card_uid);
      throw e;
    }
    // A token needs nothing stored at the point (it is checked by its signature); a card does.
    const sites = input.kind === 'card' ? await this.publishMember(member, [row]) : [];
    return {
      credential: credentialView(row),
      sites,
      ...(pin !== undefined ? { pin } : {}),
      ...(input.kind === 'token' ? { token: this.tokenOf(member, row) } : {}),
    };
  }

  async revoke(memberId: string, credentialId: string, reason: string): Promise<{ credential: CredentialViewBody; sites: string[] }> {
    await this.mustGet(memberId);
    const cred = await this.deps.db
      .selectFrom('member_credentials')
      .selectAll()
      .where('id', '=', credentialId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    if (!cred) throw new MemberInputError('not-found', 'Unbekannte Berechtigung');
    if (cred.revoked_at !== null) throw new MemberInputError('revoked', 'Diese Berechtigung ist schon gesperrt');
    // Published first: if recording fails afterwards, the points refuse a credential the
    // backoffice still lists (the safe side), and a retry publishes again.
    const sites = await knownSites(this.deps.db);
    const body: RevocationsChange = { revoke: [{ credentialId, reason: reason.trim() }] };
    for (const site of sites) await this.deps.changes.publishChange(site, 'revocations', body);
    const now = this.deps.now();
    await this.deps.db.updateTable('member_credentials').set({ revoked_at: now, revoke_reason: reason.trim() }).where('id', '=', credentialId).execute();
    return { credential: credentialView({ ...cred, revoked_at: now, revoke_reason: reason.trim() }), sites };
  }

  /** Name and newest valid QR token of each member, in the order asked; refuses members without one. */
  async cardsFor(ids: string[]): Promise<PrintableCard[]> {
    const now = this.deps.now();
    const out: PrintableCard[] = [];
    const missing: string[] = [];
    for (const id of [...new Set(ids)]) {
      const m = await this.mustGet(id);
      const tokens = (await credentialsOf(this.deps.db, [id])).filter((c) => c.kind === 'token' && isActive(c, now));
      const newest = tokens[tokens.length - 1];
      if (!newest) missing.push(m.name);
      else out.push({ memberId: id, credentialId: newest.id, name: m.name, token: this.tokenOf(m, newest), expiresAt: Number(newest.expires_at) });
    }
    if (missing.length > 0) throw new MemberInputError('no-token', `Ohne gültigen QR-Code: ${missing.join(', ')}; zuerst einen ausstellen`);
    return out;
  }

  private tokenOf(m: MembersTable, c: MemberCredentialsTable): string {
    return issueMemberToken(this.key().privateKey, {
      role: m.role,
      adult: ageOf(m) !== null,
      memberId: m.id,
      credentialId: c.id,
      issuedAt: Math.floor(Number(c.issued_at) / 1000),
      expiresAt: Math.floor(Number(c.expires_at) / 1000),
    });
  }

  /** The member and its given (unrevoked) card credentials, to each of its sites. */
  private async publishMember(m: MembersTable, creds: MemberCredentialsTable[]): Promise<string[]> {
    const adult = ageOf(m) !== null;
    const body: MembersChange = { members: [{ memberId: m.id, name: m.name, role: m.role, ageVerified: adult }] };
    const cards = creds.filter((c) => c.kind === 'card' && c.revoked_at === null && c.card_uid !== null && c.pin_hash !== null);
    if (cards.length > 0) {
      body.credentials = cards.map((c) => ({
        credentialId: c.id,
        memberId: m.id,
        kind: 'card' as const,
        cardUid: c.card_uid!,
        pinHash: c.pin_hash!,
        role: m.role,
        ageVerified: adult,
        expiresAt: c.expires_at === null ? null : Number(c.expires_at),
      }));
    }
    const sites = await targetSites(this.deps.db, parseSites(m.sites));
    for (const site of sites) await this.deps.changes.publishChange(site, 'members', body);
    return sites;
  }

  private async activeCardHolder(cardUid: string): Promise<string | undefined> {
    const row = await this.deps.db
      .selectFrom('member_credentials')
      .select('member_id')
      .where('card_uid', '=', cardUid)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.member_id;
  }

  private key(): MemberSigningKey {
    if (!this.deps.signingKey) throw new MemberInputError('no-signing-key', 'Kein Signierschlüssel für QR-Codes eingerichtet');
    return this.deps.signingKey();
  }

  private async mustGet(id: string): Promise<MembersTable> {
    const m = await getMember(this.deps.db, id);
    if (!m) throw new MemberInputError('not-found', 'Unbekanntes Mitglied');
    return m;
  }

  private async checkSites(sites: MemberSites): Promise<void> {
    const unknown = await unknownSites(this.deps.db, sites);
    if (unknown.length > 0) throw new MemberInputError('unknown-site', `Unbekannte Verkaufsstelle: ${unknown.join(', ')}`);
  }

  /** A real calendar day, not after today (UTC, plus a day for time zones ahead of UTC). */
  private checkDate(date: string): void {
    const t = Date.parse(`${date}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new MemberInputError('bad-date', `Kein gültiges Datum: ${date}`);
    if (t > this.deps.now() + DAY_MS) throw new MemberInputError('bad-date', 'Das Datum der Altersprüfung liegt in der Zukunft');
  }
}
