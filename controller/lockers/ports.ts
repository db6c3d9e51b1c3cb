/**
 * What the lockers feature needs from the rest of the point, as narrow interfaces: the lock
 * boards, the ledger, trusted time, the courier check, the brute-force guard for codes and the
 * alarm model. The composition root (controller/app.ts) supplies the real ones; tests fakes.
 */
import type { EventType } from '../contract/events/index.ts';
import type { CompartmentOpenResult, CompartmentReadResult, CompartmentState } from '../../hardware/boards/lockers.ts';

/** The lock boards (hardware/boards BoardSet satisfies this). */
export interface LockerHardware {
  compartments(): CompartmentState[];
  /** One open: the driver never repeats it. */
  openCompartment(id: string): Promise<CompartmentOpenResult>;
  /** Read one lock now. */
  readCompartment(id: string): Promise<CompartmentReadResult>;
  /** Fires after polls and opens when any lock state changed. */
  onChange(l: () => void): () => void;
}

export interface LockerLedgerEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The ledger (see ledgerPort.ts for the adapter). The lockers' state follows `onAppended`, so
 * events written by others (downlink changes) update it the same way as its own.
 */
export interface LockerLedger {
  append(type: EventType, data: Record<string, unknown>): { seq: number };
  onAppended(l: (e: LockerLedgerEvent) => void): () => void;
  /** Every stored event of the given types, oldest first (state is rebuilt from these at start). */
  replay(types: readonly string[]): Iterable<LockerLedgerEvent>;
  /** The newest stored event of a type (the configuration report compares with it). */
  latest(type: EventType): LockerLedgerEvent | undefined;
}

/** Server-issued time plus monotonic (controller/access/trustedTime.ts TrustedTime satisfies this). */
export interface TimeSource {
  now(): number;
}

export type CourierCheck =
  | { ok: true; courierId: string; credentialId: string }
  | {
      ok: false;
      reason: 'not-a-courier' | 'malformed' | 'bad-signature' | 'unknown-version' | 'expired' | 'not-yet-valid' | 'revoked';
      credentialId?: string;
      role?: string;
    };

/** Verifies a DP1 credential for a drop-off (see courierCheck.ts for the token-based one). */
export interface CourierVerifier {
  verify(token: unknown): CourierCheck;
}

/**
 * Brute-force guard for pickup codes (per point). The lead wires the persisted attempt limiter
 * of controller/access (5 consecutive failures → 60 s doubling to 15 min, ≤ 100 failures/h,
 * alarm at 10/h, restart- and clock-jump-safe).
 */
export interface PickupGuard {
  check(): { allowed: true } | { allowed: false; retryAfterMs: number };
  failed(): void;
  succeeded(): void;
}

export interface AlarmInfo {
  /** The alarm model's source (controller/contract/events/alarms.ts AlarmSource); the compartment is in the key. */
  source: 'locker';
  /** Lower-case dashed (`out-of-service`, `held-open`), the alarm model's kind pattern. */
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  reason: string;
}

/** The alarm model (built elsewhere): raise/clear by a stable key. */
export interface AlarmSink {
  raise(key: string, info: AlarmInfo): void;
  clear(key: string, reason: string): void;
}
