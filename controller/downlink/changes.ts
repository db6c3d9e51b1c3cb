import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { MembersChangeSchema, RevocationsChangeSchema } from '../contract/changes/index.ts';
import { parseOpeningRules } from '../access/openingRulesSchema.ts';
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import { ChangeRejected, type ChangeEvent, type ChangeEventMapper } from '../sync/changeApplier.ts';

/**
 * Downlink changes the point understands, each turned into ledger events (the ledger's
 * projection then updates members, credentials, revocations and opening rules in the same
 * transaction as the applied version). A body that does not validate is rejected whole, with
 * the field named: nothing of it is applied.
 */
type LedgerEntry = ChangeEvent;

/** A change body the point refuses: the version still advances with outcome `rejected`. */
const InvalidChange = ChangeRejected;

const MembersBody = MembersChangeSchema;
const RevocationsBody = RevocationsChangeSchema;

const membersCheck = Compile(MembersBody);
const revocationsCheck = Compile(RevocationsBody);

function validated<S extends typeof MembersBody | typeof RevocationsBody>(
  check: { Check(v: unknown): boolean },
  schema: S,
  body: unknown,
  kind: string,
): Static<S> {
  if (!check.Check(body)) throw new InvalidChange(`${kind} change is invalid: ${schemaProblems(schema, body).slice(0, 5).join('; ')}`);
  return body as Static<S>;
}

export const changeEvents: Readonly<Record<string, ChangeEventMapper>> = {
  members(body) {
    const b = validated(membersCheck, MembersBody, body, 'members');
    const known = new Set(b.members.map((m) => m.memberId));
    const entries: LedgerEntry[] = b.members.map((m) => ({ type: 'member.upserted', data: { ...m } }));
    for (const c of b.credentials ?? []) {
      if (c.kind === 'card' && (!c.cardUid || !c.pinHash))
        throw new InvalidChange(`members change: card credential ${c.credentialId} needs cardUid and pinHash`);
      if (!known.has(c.memberId)) throw new InvalidChange(`members change: credential ${c.credentialId} names member ${c.memberId} not in this change`);
      entries.push({ type: 'credential.issued', data: { ...c } });
    }
    if (entries.length === 0) throw new InvalidChange('members change is empty');
    return entries;
  },
  revocations(body) {
    return validated(revocationsCheck, RevocationsBody, body, 'revocations').revoke.map((r) => ({ type: 'credential.revoked', data: { ...r } }));
  },
  'opening-rules'(body) {
    try {
      return [{ type: 'opening-rules.set', data: { rules: parseOpeningRules(body) as unknown as Record<string, unknown> } }];
    } catch (err) {
      throw new InvalidChange((err as Error).message);
    }
  },
};
