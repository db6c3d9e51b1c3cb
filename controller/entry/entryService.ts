import { Type } from 'typebox';
import type { EventType } from '../contract/events/index.ts';
import type { TryRecordFn } from '../ledger/recorder.ts';
import { Compile } from 'typebox/compile';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Unwatch } from '../../hardware/ports.ts';
import type { DoorRecord, GrantOutcome, GrantRequest, GrantResult } from '../machines/door/doorController.ts';

/**
 * The entry flow: credential → access decision → door grant → `entry` when the door actually
 * opens within the grant. Never throws: malformed input is decided as `malformed`, a failing
 * decider as `internal-error`. Never records the PIN or the token text; only ids.
 *
 * Ledger events (stable codes):
 * - `access.decision` {kind, granted, reason, memberId?, credentialId?, role?, doorId}
 * - `entry` {memberId, credentialId, role, grantId} — the door opened within the grant
 * - `entry.granted-not-used` {memberId?, credentialId?, grantId, outcome} — outcome is the
 *   grant's end (`expired`, `superseded`, `fire`, `stopped`) or why the door refused it
 *   (`door-open`, `fire`, `not-running`). The decider's replay window for the credential is
 *   lifted (`releaseGrant`) so the villager may try again at once.
 *
 * Occupancy: +1 per `entry`, −1 per exit-button egress followed by the door opening
 * (`door.opened` via `exit`), never below 0. An estimate: tailgaters and people leaving
 * through a door held open by someone else are not seen.
 */

/** The decision shape we need (structurally the AccessDecider's AccessDecision). */
export interface EntryDecision {
  granted: boolean;
  reason: string;
  memberId?: string;
  credentialId?: string;
  role?: 'member' | 'courier' | 'operator';
  ageVerified?: 16 | 18;
  retryAfterMs?: number;
  /** For a grant: boot and monotonic time, recorded so the replay window survives a restart. */
  replay?: { bootId: string; mono: number };
}

/** What we need of controller/access's AccessDecider. */
export interface EntryDecider {
  decideToken(text: unknown, context?: { doorId?: string }): EntryDecision;
  decideCardPin(uid: unknown, pin: unknown, context?: { doorId?: string }): Promise<EntryDecision>;
  releaseGrant?(credentialId: string): void;
}

/** What we need of the DoorController. */
export interface EntryDoor {
  grant(request: GrantRequest): GrantResult;
  onRecord(listener: (record: DoorRecord) => void): Unwatch;
}

export const CredentialSchema = Type.Union([
  Type.Object({ kind: Type.Literal('token'), token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('card'), uid: Type.String({ minLength: 1, maxLength: 64 }), pin: Type.String({ minLength: 1, maxLength: 12 }) },
    { additionalProperties: false },
  ),
]);
export type Credential = Type.Static<typeof CredentialSchema>;
const credentialCheck = Compile(CredentialSchema);

export interface EntryResult {
  decision: EntryDecision;
  /** Ledger sequence of the `access.decision` event (absent if it could not be recorded). */
  seq?: number;
  /** Present when the decision was a grant: what the door made of it. */
  door?: GrantResult;
}

export interface EntryServiceDeps {
  decider: EntryDecider;
  door: EntryDoor;
  /** Records without throwing (controller/ledger/recorder.ts `tryRecord`); returns the seq, undefined on failure. */
  record: TryRecordFn;
  logger: Logger;
  doorId?: string;
}

export class EntryService {
  private occupancyCount = 0;
  private unwatch: Unwatch | undefined;

  constructor(private readonly deps: EntryServiceDeps) {}

  start(): void {
    if (this.unwatch) return;
    this.unwatch = this.deps.door.onRecord((r) => {
      if (r.type === 'door.opened' && r.data['via'] === 'exit') {
        this.occupancyCount = Math.max(0, this.occupancyCount - 1);
      }
    });
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  occupancy(): number {
    return this.occupancyCount;
  }

  async present(credential: unknown): Promise<EntryResult> {
    const doorId = this.deps.doorId ?? 'main';
    if (!credentialCheck.Check(credential)) {
      const kind = kindOf(credential);
      return this.conclude(kind, { granted: false, reason: 'malformed' });
    }
    let decision: EntryDecision;
    try {
      decision =
        credential.kind === 'token'
          ? this.deps.decider.decideToken(credential.token, { doorId })
          : await this.deps.decider.decideCardPin(credential.uid, credential.pin, { doorId });
    } catch (err) {
      this.deps.logger.error({ err }, 'entry: access decider threw');
      decision = { granted: false, reason: 'internal-error' };
    }
    return this.conclude(credential.kind, decision);
  }

  private conclude(kind: 'token' | 'card' | 'unknown', decision: EntryDecision): EntryResult {
    const data: Record<string, unknown> = {
      kind,
      granted: decision.granted,
      reason: decision.reason,
      doorId: this.deps.doorId ?? 'main',
    };
    if (decision.memberId !== undefined) data['memberId'] = decision.memberId;
    if (decision.credentialId !== undefined) data['credentialId'] = decision.credentialId;
    if (decision.role !== undefined) data['role'] = decision.role;
    if (decision.granted && decision.replay) data['replay'] = decision.replay;
    const seq = this.safeRecord('access.decision', data);
    const withSeq = seq === undefined ? {} : { seq };
    if (!decision.granted) return { decision, ...withSeq };

    const who = { memberId: decision.memberId, credentialId: decision.credentialId, role: decision.role };
    const door = this.deps.door.grant({
      reason: 'credential',
      onOutcome: (outcome, grantId) => this.onGrantOutcome(outcome, who, grantId),
    });
    if (!door.accepted) this.notUsed(door.reason, who, door.grantId);
    return { decision, door, ...withSeq };
  }

  private onGrantOutcome(outcome: GrantOutcome, who: Who, grantId: number): void {
    if (outcome === 'opened') {
      this.occupancyCount += 1;
      this.safeRecord('entry', { ...definedOnly(who), grantId });
    } else {
      this.notUsed(outcome, who, grantId);
    }
  }

  private notUsed(outcome: string, who: Who, grantId: number): void {
    this.safeRecord('entry.granted-not-used', { ...definedOnly(who), grantId, outcome });
    if (who.credentialId !== undefined) {
      try {
        this.deps.decider.releaseGrant?.(who.credentialId);
      } catch (err) {
        this.deps.logger.error({ err }, 'entry: releaseGrant failed');
      }
    }
  }

  private safeRecord(type: EventType, data: Record<string, unknown>): number | undefined {
    return this.deps.record(type, data);
  }
}

type Who = { memberId: string | undefined; credentialId: string | undefined; role: string | undefined };

function definedOnly(who: Who): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(who)) if (v !== undefined) out[k] = v;
  return out;
}

function kindOf(value: unknown): 'token' | 'card' | 'unknown' {
  if (typeof value === 'object' && value !== null) {
    const kind = (value as { kind?: unknown }).kind;
    if (kind === 'token' || kind === 'card') return kind;
  }
  return 'unknown';
}

/** The entry flow for the composition root (`start()` follows the door's exits for the occupancy count). */
export function createEntryService(deps: EntryServiceDeps): EntryService {
  return new EntryService(deps);
}
