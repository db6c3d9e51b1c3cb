/**
 * Technician mode at the kiosk (issue 10): a hidden entry asks for the technician PIN, configured
 * at the point as a scrypt hash (controller/access/pin.ts); wrong PINs are limited like card PINs
 * (AttemptLimiter: 5 free, then a lock doubling to its cap), the guard persisted in the ledger as
 * `technician.guard` so a restart or kill -9 keeps the lock. The right PIN opens a short session
 * for the hardware status and the out-of-service switch (`kiosk.service-set`), which customers
 * see as the out-of-service screen. Sign-ins are recorded (`technician.signed-in`).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { AttemptLimiter, NO_LOCK, type LockoutPolicy, type LockRecord } from '../access/attemptLimiter.ts';
import { verifyPin } from '../access/pin.ts';
import type { KioskServicePayloads } from '../contract/events/kioskService.ts';

/** A technician session lasts this long after the last use. */
export const TECHNICIAN_SESSION_MS = 10 * 60_000;
const KEY = 'technician';

export type SignInResult = { ok: true; session: string } | { ok: false; reason: 'not-configured' | 'wrong-pin' | 'locked'; retryAfterMs?: number };

export interface ServiceState {
  outOfService: boolean;
  since: number | null;
}

export interface TechnicianDeskDeps {
  /** The technician PIN's scrypt hash; undefined: technician mode is not set up at this point. */
  pinHash: string | undefined;
  clock: Clock;
  bootId: string;
  /** Trusted wall time (whole ms). */
  trustedNow: () => number;
  policy: LockoutPolicy;
  /** The last persisted guard (`technician.guard`) and the service switch (`kiosk.service-set`) from the ledger. */
  loadGuard: () => LockRecord;
  loadService: () => ServiceState;
  record: {
    guard(state: KioskServicePayloads['technician.guard']): void;
    signedIn(data: KioskServicePayloads['technician.signed-in']): void;
    service(data: KioskServicePayloads['kiosk.service-set']): void;
  };
  logger: Logger;
  /** Tests: session length. */
  sessionMs?: number;
}

export class TechnicianDesk {
  private guard: LockRecord;
  private service: ServiceState;
  private readonly limiter: AttemptLimiter;
  private readonly sessions = new Map<string, number>();
  /** PIN checks one at a time: two guesses at once cannot both slip past the count. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: TechnicianDeskDeps) {
    this.guard = deps.loadGuard();
    this.service = deps.loadService();
    this.limiter = new AttemptLimiter({
      clock: deps.clock,
      bootId: deps.bootId,
      trustedNow: deps.trustedNow,
      policy: deps.policy,
      store: {
        get: () => this.guard,
        set: (_key, rec) => {
          this.guard = rec;
          deps.record.guard({ ...rec });
        },
      },
    });
  }

  get configured(): boolean {
    return this.deps.pinHash !== undefined;
  }

  serviceState(): ServiceState {
    return { ...this.service };
  }

  onServiceChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  signIn(pin: string): Promise<SignInResult> {
    const next = this.chain.then(() => this.check(pin));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Whether this session is valid now (and keeps it alive). */
  valid(session: string): boolean {
    const until = this.sessions.get(session);
    const now = this.deps.clock.monotonic();
    if (until === undefined || until <= now) {
      this.sessions.delete(session);
      return false;
    }
    this.sessions.set(session, now + (this.deps.sessionMs ?? TECHNICIAN_SESSION_MS));
    return true;
  }

  /** The out-of-service switch (only with a valid session; the route checks). Recorded before it takes effect. */
  setOutOfService(outOfService: boolean): ServiceState {
    if (outOfService === this.service.outOfService) return this.serviceState();
    const at = Math.floor(this.deps.trustedNow());
    this.deps.record.service({ outOfService, by: 'technician', at });
    this.service = { outOfService, since: outOfService ? at : null };
    this.deps.logger.info({ outOfService }, outOfService ? 'kiosk taken out of service by a technician' : 'kiosk back in service');
    for (const l of [...this.listeners]) l();
    return this.serviceState();
  }

  private async check(pin: string): Promise<SignInResult> {
    if (this.deps.pinHash === undefined) return { ok: false, reason: 'not-configured' };
    const before = this.limiter.status(KEY);
    if (before.locked) return { ok: false, reason: 'locked', retryAfterMs: before.retryAfterMs };
    if (!(await verifyPin(pin, this.deps.pinHash))) {
      const rec = this.limiter.failed(KEY);
      this.deps.logger.warn({ failures: rec.failures }, 'wrong technician PIN');
      return rec.lockMs > 0 ? { ok: false, reason: 'locked', retryAfterMs: rec.lockMs } : { ok: false, reason: 'wrong-pin' };
    }
    this.limiter.succeeded(KEY);
    this.deps.record.signedIn({ at: Math.floor(this.deps.trustedNow()) });
    const session = randomBytes(18).toString('base64url');
    this.sessions.set(session, this.deps.clock.monotonic() + (this.deps.sessionMs ?? TECHNICIAN_SESSION_MS));
    return { ok: true, session };
  }
}

export const NO_TECHNICIAN_GUARD: LockRecord = { ...NO_LOCK };
