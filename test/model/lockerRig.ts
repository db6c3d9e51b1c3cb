/**
 * A simulated locker bank for tests: the Kerong simulator behind a memory link, the real
 * BoardSet and driver, a real ledger on disk, real DP1 tokens, trusted time on the manual clock,
 * and small fakes for the alarm model and the brute-force guard (both built elsewhere).
 */
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { BoardSet } from '../../hardware/boards/boardSet.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { KerongSimulator } from '../../hardware/sim/serial/kerong/kerongSimulator.ts';
import { generateSigningKeyPair } from '../../controller/access/keys.ts';
import { issueToken } from '../../controller/access/token.ts';
import { TrustedTime } from '../../controller/access/trustedTime.ts';
import type { Role } from '../../controller/access/ports.ts';
import { issuePickupCode } from '../../controller/contract/changes/pickupCode.ts';
import { ledgerFixture } from '../../controller/ledger/testSupport.ts';
import type { Ledger } from '../../controller/ledger/index.ts';
import { tokenCourierVerifier } from '../../controller/lockers/courierCheck.ts';
import { lockerLedger } from '../../controller/lockers/ledgerPort.ts';
import { createLockers, type Lockers, type LockersConfig } from '../../controller/lockers/lockers.ts';
import type { AlarmInfo, AlarmSink, PickupGuard } from '../../controller/lockers/ports.ts';

export const settle = async (rounds = 10): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

export class FakeAlarms implements AlarmSink {
  readonly active = new Map<string, AlarmInfo>();
  readonly log: string[] = [];
  raise(key: string, info: AlarmInfo): void {
    this.active.set(key, info);
    this.log.push(`raise ${key}`);
  }
  clear(key: string, reason: string): void {
    this.active.delete(key);
    this.log.push(`clear ${key} (${reason})`);
  }
}

/** In-memory stand-in for the lead's persisted limiter: 5 consecutive failures lock 60 s. */
export class FakeGuard implements PickupGuard {
  failures = 0;
  consecutive = 0;
  lockedUntilMono = 0;
  constructor(private readonly mono: () => number) {}
  check(): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const left = this.lockedUntilMono - this.mono();
    return left > 0 ? { allowed: false, retryAfterMs: left } : { allowed: true };
  }
  failed(): void {
    this.failures++;
    this.consecutive++;
    if (this.consecutive >= 5) this.lockedUntilMono = this.mono() + 60_000;
  }
  succeeded(): void {
    this.consecutive = 0;
  }
}

export const DAY = 86_400_000;
export const TEST_SCRYPT_N = 1024;

export class LockerRig {
  readonly fx = ledgerFixture();
  readonly clock = this.fx.clock;
  readonly kerong = new KerongSimulator({ clock: this.clock, boards: [0] });
  readonly alarms = new FakeAlarms();
  readonly guard = new FakeGuard(() => this.clock.monotonic());
  readonly keys = generateSigningKeyPair();
  ledger!: Ledger;
  boards!: BoardSet;
  lockers!: Lockers;
  time!: TrustedTime;
  private readonly pair = createMemoryLinkPair({ name: 'kerong', clock: this.clock });

  static async create(config: Partial<LockersConfig> = {}): Promise<LockerRig> {
    const rig = new LockerRig();
    await rig.boot(config);
    return rig;
  }

  private async boot(config: Partial<LockersConfig>): Promise<void> {
    const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
    const boards = {
      devices: profile.boards!.devices.filter((d) => d.protocol === 'kerong'),
      compartments: profile.boards!.compartments,
      relays: [],
      inputs: [],
      probes: [],
    };
    this.kerong.attach(this.pair.device);
    await this.pair.device.start();
    this.boards = new BoardSet(boards, { clock: this.clock, logger: createSilentLogger(), createLink: () => this.pair.host });
    await this.boards.start();
    await this.boards.pollAll();
    this.startLockers(config);
  }

  /** (Re)start the lockers on the ledger, as a process start does (a kill -9 restart when called again). */
  startLockers(config: Partial<LockersConfig> = {}): void {
    this.lockers?.stop();
    this.ledger?.close();
    this.ledger = this.fx.open();
    this.time = new TrustedTime(this.clock, this.ledger.timeFloorMs());
    this.lockers = createLockers({
      compartments: this.boards.compartments().map((c) => ({ id: c.id, board: c.board, lock: c.lock, size: c.size })),
      hardware: this.boards,
      ledger: lockerLedger(this.ledger),
      time: this.time,
      couriers: tokenCourierVerifier({ publicKey: this.keys.publicKey, isRevoked: () => false, time: this.time }),
      guard: this.guard,
      alarms: this.alarms,
      clock: this.clock,
      logger: createSilentLogger(),
      config: { heldOpenMs: 60_000, readBackAfterMs: 200, idleMs: 120_000, ...config },
    });
    this.lockers.start();
  }

  token(role: Role, memberId = role === 'courier' ? 'dhl-7' : 'anna'): string {
    const now = Math.floor(this.clock.now() / 1000);
    return issueToken(this.keys.privateKey, {
      role,
      age16: false,
      age18: false,
      memberId,
      credentialId: `cred-${memberId}`,
      issuedAt: now - 60,
      expiresAt: now + 365 * 86_400,
    });
  }

  /** The backoffice issues pool codes (a `pickup-codes` change applied like the sync client does). */
  async issueCodes(n: number, opts: { firstSlot?: number; validForMs?: number } = {}): Promise<Map<string, string>> {
    const plain = new Map<string, string>();
    const wires = [];
    for (let i = 0; i < n; i++) {
      const slot = (opts.firstSlot ?? 100) + i;
      const c = await issuePickupCode({
        codeId: `code-${slot}-${this.clock.now()}`,
        slot,
        validFrom: this.clock.now() - 1000,
        validUntil: this.clock.now() + (opts.validForMs ?? 30 * DAY),
        scryptN: TEST_SCRYPT_N,
      });
      plain.set(c.wire.codeId, c.plain.code);
      wires.push(c.wire);
    }
    this.applyChange('pickup-codes', { codes: wires });
    return plain;
  }

  applyChange(kind: string, body: unknown): void {
    const mapper = this.lockers.changeEvents()[kind]!;
    this.ledger.appendMany(mapper(body, { v: 1, version: 1, kind, body }));
  }

  /** Let the world run: settle promises and move the clock in small steps until `done`. */
  async until(what: string, done: () => boolean, maxMs = 20_000, stepMs = 50): Promise<void> {
    for (let t = 0; t <= maxMs; t += stepMs) {
      await settle(3);
      if (done()) return;
      // scrypt runs on the thread pool in real time: give it a real moment too
      await new Promise((r) => setTimeout(r, 1));
      await settle(2);
      if (done()) return;
      this.clock.advance(stepMs);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Run a promise to its end while the clock moves. */
  async run<T>(p: Promise<T>, maxMs = 20_000): Promise<T> {
    let out: { v: T } | undefined;
    let err: unknown;
    void p.then(
      (v) => (out = { v }),
      (e: unknown) => (err = e ?? new Error('rejected')),
    );
    await this.until('promise', () => out !== undefined || err !== undefined, maxMs);
    if (err !== undefined) throw err;
    return out!.v;
  }

  lockOf(compartment: string): number {
    return this.boards.compartments().find((c) => c.id === compartment)!.lock;
  }

  /** Someone shuts the door; the next poll sees it. */
  async closeDoor(compartment: string): Promise<void> {
    this.kerong.closeDoor(this.lockOf(compartment));
    await this.boards.pollAll();
    await settle();
  }

  status(compartment: string): string | undefined {
    return this.lockers.view().find((c) => c.id === compartment)?.status;
  }

  events(type?: string): Array<{ type: string; data: Record<string, unknown> }> {
    return this.ledger.events(1, 100_000).filter((e) => type === undefined || e.type === type);
  }

  unlocks(): number {
    return this.kerong.requests('unlock').length;
  }

  async close(): Promise<void> {
    this.lockers.stop();
    await this.boards.stop();
    this.fx.cleanup();
  }
}
