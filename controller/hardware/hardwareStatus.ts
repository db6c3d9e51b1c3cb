/**
 * The point's hardware status: the GPIO backend plus every serial link and board of the
 * profile (hardware/boards `BoardSet`). Feeds `PointSnapshot.hardware` and `/health`, and
 * writes a `hardware.status` ledger event whenever an entry's status (ok / degraded / lost)
 * changes — not on every detail change ("reconnecting in 2 s" → "in 4 s"), so a long outage
 * is two events, not hundreds. Entries already not ok at start are recorded too.
 * Status only: opening a compartment is the lockers feature's (controller/lockers, which
 * records the request before any byte and the outcome after).
 */
import type { TryRecordFn } from '../ledger/recorder.ts';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { BoardSet, type BoardSetDeps } from '../../hardware/boards/boardSet.ts';
import type { CompartmentState } from '../../hardware/boards/lockers.ts';
import type { StatusEntry } from '../../hardware/boards/status.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';

export interface HardwareEntry {
  name: string;
  status: 'ok' | 'degraded' | 'lost';
  detail?: string;
}

export interface HardwareStatusOptions {
  profile: HardwareProfile;
  /** GPIO backend kind, shown as its own entry (always ok: it fails at start, not later). */
  gpioKind: string;
  clock: Clock;
  logger: Logger;
  /** Records without throwing (controller/ledger/recorder.ts `tryRecord`). */
  record: TryRecordFn;
  /**
   * The door controller: while its view says `faulted` (its state machine kept failing), an
   * entry `door controller` is listed as lost, so /health reports not ok.
   */
  door?: { state(): { faulted: boolean } };
  /** Link construction overrides (tests). */
  boards?: Omit<BoardSetDeps, 'clock' | 'logger'>;
}

export class HardwareStatus {
  readonly boards: BoardSet;
  private readonly recorded = new Map<string, StatusEntry['status']>();
  private readonly listeners = new Set<() => void>();
  private unsub: (() => void) | undefined;
  private running = false;
  /** false while the links make their first attempt: "connecting" at boot is not an event */
  private baselined = false;

  constructor(private readonly opts: HardwareStatusOptions) {
    this.boards = new BoardSet(opts.profile.boards, { clock: opts.clock, logger: opts.logger.child({ module: 'boards' }), ...opts.boards });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsub = this.boards.onChange(() => this.changed());
    await this.boards.start();
    this.baselined = true;
    this.changed();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.baselined = false;
    this.unsub?.();
    this.unsub = undefined;
    await this.boards.stop();
  }

  entries(): HardwareEntry[] {
    const doorFaulted = this.opts.door?.state().faulted === true;
    return [
      { name: `GPIO (${this.opts.gpioKind})`, status: 'ok' },
      ...(doorFaulted
        ? [
            {
              name: 'door controller',
              status: 'lost' as const,
              detail: 'door state machine failed repeatedly: fail-safe outputs (locked, released on fire), no grants, until restart',
            },
          ]
        : []),
      ...this.boards.statuses().map((s) => ({ name: s.name, status: s.status, ...(s.detail !== undefined ? { detail: s.detail } : {}) })),
    ];
  }

  /** False when any link or board is lost, or the door controller is faulted. */
  ok(): boolean {
    return this.entries().every((e) => e.status !== 'lost');
  }

  compartments(): CompartmentState[] {
    return this.boards.compartments();
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    if (!this.running) return;
    for (const s of this.baselined ? this.boards.statuses() : []) {
      const key = `${s.kind}:${s.id}`;
      const previous = this.recorded.get(key);
      if (previous === s.status || (previous === undefined && s.status === 'ok')) {
        this.recorded.set(key, s.status);
        continue;
      }
      this.recorded.set(key, s.status);
      this.opts.record('hardware.status', {
        kind: s.kind,
        id: s.id,
        name: s.name,
        status: s.status,
        previous: previous ?? null,
        ...(s.detail !== undefined ? { detail: s.detail } : {}),
      });
    }
    for (const l of [...this.listeners]) l();
  }
}

/** The serial boards and their live status for the composition root (`start()` connects the links). */
export function createHardwareStatus(opts: HardwareStatusOptions): HardwareStatus {
  return new HardwareStatus(opts);
}
