/**
 * `p_members` and `p_credentials`: the members and credentials each point was sent (downlink
 * `members`, `revocations`) as the point confirmed them in its ledger: who, which role, age
 * verified, and whether each credential is active or revoked (with the reason).
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Projectors } from './types.ts';

export const memberProjectors: Projectors = {
  'member.upserted': async (db, e) => {
    const d = e.data as P<'member.upserted'>;
    const set = { name: d.name, role: d.role, age_verified: d.ageVerified ? 1 : 0, updated_at: e.at, seq: e.seq };
    await db
      .insertInto('p_members')
      .values({ site_id: e.siteId, member_id: d.memberId, ...set })
      .onConflict((oc) => oc.columns(['site_id', 'member_id']).doUpdateSet(set))
      .execute();
  },
  // Issued again (e.g. a new PIN) makes the credential active again: the backoffice sent it.
  'credential.issued': async (db, e) => {
    const d = e.data as P<'credential.issued'>;
    const set = {
      member_id: d.memberId,
      kind: d.kind,
      role: d.role,
      age_verified: d.ageVerified ? 1 : 0,
      expires_at: d.expiresAt,
      status: 'active',
      revoked_reason: null,
      changed_at: e.at,
      seq: e.seq,
    };
    await db
      .insertInto('p_credentials')
      .values({ site_id: e.siteId, credential_id: d.credentialId, ...set })
      .onConflict((oc) => oc.columns(['site_id', 'credential_id']).doUpdateSet(set))
      .execute();
  },
  // A revocation of a credential the point never recorded is kept too (the point refuses it).
  'credential.revoked': async (db, e) => {
    const d = e.data as P<'credential.revoked'>;
    const set = { status: 'revoked', revoked_reason: d.reason, changed_at: e.at, seq: e.seq };
    await db
      .insertInto('p_credentials')
      .values({ site_id: e.siteId, credential_id: d.credentialId, member_id: null, kind: null, role: null, age_verified: 0, expires_at: null, ...set })
      .onConflict((oc) => oc.columns(['site_id', 'credential_id']).doUpdateSet(set))
      .execute();
  },
};
