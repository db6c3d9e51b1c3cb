/**
 * Pickup without an app: a code typed on the keypad or read from a QR code. Order of checks:
 * brute-force guard → format (a malformed code is refused, not counted: it cannot match) → slot
 * lookup and scrypt check (unknown slot or wrong secret count as failures) → used / expired on
 * trusted time → open once → `parcel.collected` (the code is used up) once the board confirmed
 * the open; `compartment.freed` when the door is seen closed.
 */
import type { RecordFn } from '../ledger/recorder.ts';
import { parsePickupCode, verifyPickupSecret } from '../contract/changes/pickupCode.ts';
import type { LockerPayloads } from '../contract/events/lockers.ts';
import type { OpenRunner } from './openRunner.ts';
import type { AlarmSink, PickupGuard, TimeSource } from './ports.ts';
import { refused, type Refused } from './refusals.ts';
import type { LockerState } from './state.ts';

export type PickupResult = { ok: true; compartment: string; parcelId: string } | Refused;

export interface PickupDeps {
  state: LockerState;
  runner: OpenRunner;
  guard: PickupGuard;
  time: TimeSource;
  alarms: AlarmSink;
  record: RecordFn;
  outOfService: (compartment: string, reason: string, detail: string) => void;
  freed: (compartment: string, reason: string) => void;
}

export class Pickup {
  private readonly inFlight = new Set<string>();
  /** Attempts run one after another (a keypad is serial; parallel HTTP guesses must not overtake the guard). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: PickupDeps) {}

  collect(input: unknown, via: 'keypad' | 'qr' | 'api'): Promise<PickupResult> {
    const run = this.queue.then(() => this.collectNow(input, via));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async collectNow(input: unknown, via: 'keypad' | 'qr' | 'api'): Promise<PickupResult> {
    const { deps } = this;
    const gate = deps.guard.check();
    if (!gate.allowed) return refused('locked-out', 'too many wrong pickup codes', { retryAfterMs: gate.retryAfterMs });
    const parsed = parsePickupCode(input);
    if (!parsed) return refused('code-malformed', 'a pickup code is 11 digits (groups may be separated by spaces or hyphens)');
    const code = deps.state.codes.get(parsed.slot);
    if (!code) return this.fail('unknown-code', parsed.slot, null, 'code-invalid');
    if (this.inFlight.has(code.codeId)) return refused('busy', `code ${code.codeId} is being used right now`);
    this.inFlight.add(code.codeId);
    try {
      const match = await verifyPickupSecret(code.codeId, parsed.secret, code);
      // the state may have moved while scrypt ran (a change replaced the slot): use what is there now
      if (deps.state.codes.get(parsed.slot) !== code) return this.fail('unknown-code', parsed.slot, null, 'code-invalid');
      if (!match) return this.fail('wrong-code', parsed.slot, code.codeId, 'code-invalid');
      if (code.used) return this.refuseRight('used', parsed.slot, code.codeId, 'code-used');
      const now = deps.time.now();
      if (now >= code.validUntil) return this.refuseRight('expired', parsed.slot, code.codeId, 'code-expired');
      if (now < code.validFrom) return this.refuseRight('not-yet-valid', parsed.slot, code.codeId, 'code-invalid');
      const parcel = code.parcelId !== null ? deps.state.parcels.get(code.parcelId) : undefined;
      if (!parcel) return this.refuseRight('not-assigned', parsed.slot, code.codeId, 'code-invalid');
      deps.guard.succeeded();
      const compartment = parcel.compartment;
      const result = await deps.runner.open({ compartment, purpose: 'pickup', onClosed: () => deps.freed(compartment, 'collected') });
      if (result.outcome === 'open') {
        deps.record('parcel.collected', { parcelId: parcel.parcelId, compartment, codeId: code.codeId, via } satisfies LockerPayloads['parcel.collected']);
        return { ok: true, compartment, parcelId: parcel.parcelId };
      }
      if (result.outcome !== 'refused' || !/already being opened/.test(result.detail)) {
        deps.outOfService(compartment, result.outcome, result.detail);
        deps.alarms.raise(`locker.pickup-failed:${compartment}`, {
          source: 'locker',
          kind: 'pickup-failed',
          severity: 'warning',
          reason: `compartment ${compartment} with parcel ${parcel.parcelId} did not open for its recipient (${result.outcome})`,
        });
      }
      return refused('compartment-failed', `compartment ${compartment}: ${result.detail}`);
    } finally {
      this.inFlight.delete(code.codeId);
    }
  }

  /** A guess: counts against the brute-force guard; the guess that locks the keypad already says for how long. */
  private fail(reason: 'unknown-code' | 'wrong-code', slot: number, codeId: string | null, refusal: 'code-invalid'): Refused {
    this.deps.guard.failed();
    this.deps.record('pickup.failed', { reason, slot, codeId } satisfies LockerPayloads['pickup.failed']);
    const gate = this.deps.guard.check();
    return refused(refusal, reason, gate.allowed ? {} : { retryAfterMs: gate.retryAfterMs });
  }

  /** The right secret, but the code cannot be used: recorded, not a guess. */
  private refuseRight(
    reason: 'used' | 'expired' | 'not-yet-valid' | 'not-assigned',
    slot: number,
    codeId: string,
    refusal: 'code-used' | 'code-expired' | 'code-invalid',
  ): Refused {
    this.deps.record('pickup.failed', { reason, slot, codeId } satisfies LockerPayloads['pickup.failed']);
    return refused(refusal, reason);
  }
}
