import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link } from '../../../../firmware-bridge/transport/link.ts';

/**
 * Per-test fault behaviours for serial device simulators (after zwave-js's overridable
 * simulator behaviours). A test arms a fault on the simulator; the simulator asks the plan,
 * for each request it would answer, which fault (if any) applies, and sends its reply through
 * `sendReply`, which applies the transport-level faults. Protocol-level faults (busy, board
 * reset) are the simulator's to act out.
 */
export type Fault =
  /** say nothing; `execute` (default true) = the device still acts on the request (the reply is what got lost) */
  | { kind: 'no-reply'; execute?: boolean }
  /** answer after `delayMs` (e.g. after the driver's timeout) */
  | { kind: 'late-reply'; delayMs: number }
  /** the protocol's "busy" answer; `silent` = a board stuck busy that says nothing */
  | { kind: 'busy'; silent?: boolean }
  /** random bytes (or the given ones) before the reply */
  | { kind: 'garbage-burst'; bytes?: Uint8Array; length?: number }
  /** the reply in pieces of these sizes (last size repeats), `gapMs` apart */
  | { kind: 'split-frames'; chunkSizes: number[]; gapMs?: number }
  /** the reply with a corrupted checksum */
  | { kind: 'bad-checksum' }
  /** the board reboots: silent for `downMs`, volatile state lost, optional boot noise */
  | { kind: 'board-reset'; downMs: number; bootNoise?: Uint8Array }
  /** the cable comes out after `afterBytes` bytes of the reply; back in after `plugBackAfterMs` (if given) */
  | { kind: 'cable-pulled'; afterBytes: number; plugBackAfterMs?: number };

export type FaultKind = Fault['kind'];

export interface FaultRule<Ctx> {
  fault: Fault;
  /** how many more requests it applies to (Infinity = until cleared) */
  remaining: number;
  /** restrict to some requests (e.g. only unlock commands) */
  when?: (ctx: Ctx) => boolean;
}

/** The faults armed on one simulator. First matching rule wins; each use counts down. */
export class FaultPlan<Ctx = unknown> {
  private rules: FaultRule<Ctx>[] = [];
  private readonly log: Array<{ fault: FaultKind; ctx: Ctx }> = [];

  /** Arm a fault, once by default (`times: Infinity` = until `clear`). */
  set(fault: Fault, opts: { times?: number; when?: (ctx: Ctx) => boolean } = {}): this {
    const times = opts.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be > 0, got ${times}`);
    this.rules.push({ fault, remaining: times, ...(opts.when ? { when: opts.when } : {}) });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  get armed(): number {
    return this.rules.length;
  }

  /** Faults applied so far (for assertions). */
  get applied(): ReadonlyArray<{ fault: FaultKind; ctx: Ctx }> {
    return this.log;
  }

  take(ctx: Ctx): Fault | undefined {
    const i = this.rules.findIndex((r) => !r.when || r.when(ctx));
    if (i < 0) return undefined;
    const rule = this.rules[i]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(i, 1);
    this.log.push({ fault: rule.fault.kind, ctx });
    return rule.fault;
  }
}

/** What the simulator can do to the wire (memory pair / TCP server). */
export interface Cable {
  unplug(reason?: string): void;
  plug(): void;
}

export interface ReplyContext {
  link: Link;
  clock: Clock;
  random: () => number;
  cable?: Cable;
  /** Protocol-specific checksum corruption; default flips all bits of the last byte. */
  corrupt?: (frame: Buffer) => Buffer;
}

export function defaultCorrupt(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  if (out.length > 0) out[out.length - 1] = out[out.length - 1]! ^ 0xff;
  return out;
}

export function randomBytes(length: number, random: () => number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(random() * 256) & 0xff;
  return b;
}

/** Writes ignore a dead link: a device does not know its cable is out. */
async function put(link: Link, bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) return;
  await link.write(bytes).catch(() => {});
}

function after(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/**
 * Send a reply applying a transport-level fault. `no-reply`, `busy` and `board-reset` are
 * the simulator's (it should not call this for them); here they send nothing.
 */
export async function sendReply(reply: Buffer, fault: Fault | undefined, ctx: ReplyContext): Promise<void> {
  switch (fault?.kind) {
    case undefined:
      return put(ctx.link, reply);
    case 'no-reply':
    case 'busy':
    case 'board-reset':
      return;
    case 'late-reply':
      await after(ctx.clock, fault.delayMs);
      return put(ctx.link, reply);
    case 'garbage-burst': {
      const garbage = fault.bytes ? Buffer.from(fault.bytes) : randomBytes(fault.length ?? 32, ctx.random);
      await put(ctx.link, garbage);
      return put(ctx.link, reply);
    }
    case 'bad-checksum':
      return put(ctx.link, (ctx.corrupt ?? defaultCorrupt)(reply));
    case 'split-frames': {
      const sizes = fault.chunkSizes.length > 0 ? fault.chunkSizes : [1];
      let at = 0;
      let i = 0;
      while (at < reply.length) {
        const size = Math.max(1, sizes[Math.min(i, sizes.length - 1)]!);
        await put(ctx.link, reply.subarray(at, at + size));
        at += size;
        i++;
        if (at < reply.length && fault.gapMs) await after(ctx.clock, fault.gapMs);
      }
      return;
    }
    case 'cable-pulled': {
      await put(ctx.link, reply.subarray(0, fault.afterBytes));
      // let the partial bytes reach the far end before the cable goes
      await new Promise<void>((r) => queueMicrotask(r));
      ctx.cable?.unplug('cable pulled (simulated)');
      if (fault.plugBackAfterMs !== undefined) {
        const cable = ctx.cable;
        ctx.clock.setTimeout(() => cable?.plug(), fault.plugBackAfterMs);
      }
      return;
    }
  }
}

/** Small seeded PRNG (mulberry32) for reproducible garbage and jitter; shared with the parser tests and benches. */
export { createSeededRandom } from '../../../../firmware-bridge/platform/random.ts';
