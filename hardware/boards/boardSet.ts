/**
 * The point's serial boards, built from the hardware profile's `boards` section: one Link per
 * distinct link address, one session / master per bus, a driver per board, polling, and a
 * live status for every link and board (ok / degraded / lost, with detail) plus `onChange`.
 */
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { createLink, type CreateLinkDeps } from '../../firmware-bridge/transport/createLink.ts';
import type { Link, Unsubscribe } from '../../firmware-bridge/transport/link.ts';
import type { BoardDevice, BoardsConfig } from '../profile/boardsSchema.ts';
import { canonicalLink } from '../profile/boardChecks.ts';
import { createBusHandles, DEFAULT_POLL_MS, KerongHandle, type BoardHandle } from './boardHandles.ts';
import { Lockers, type CompartmentOpenResult, type CompartmentReadResult, type CompartmentState } from './lockers.ts';
import { linkHealth, type StatusEntry } from './status.ts';

export interface BoardSetDeps {
  clock: Clock;
  logger: Logger;
  /** Build the Link for a (canonical) link address; default `createLink` with `linkDeps`. */
  createLink?: (url: string) => Link;
  linkDeps?: Omit<CreateLinkDeps, 'clock' | 'logger'>;
  /** Poll period of boards without their own `pollMs` (default 2000 ms). */
  defaultPollMs?: number;
}

interface Bus {
  url: string;
  link: Link;
  handles: BoardHandle[];
  start(): void;
  stop(): void;
}

export class BoardSet {
  private readonly buses: Bus[] = [];
  private readonly lockers: Lockers;
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Map<BoardHandle, TimerHandle>();
  private readonly polling = new Set<BoardHandle>();
  private readonly unsubs: Unsubscribe[] = [];
  private running = false;
  private lastJson = '';

  constructor(
    config: BoardsConfig | undefined,
    private readonly deps: BoardSetDeps,
  ) {
    const make = deps.createLink ?? ((url: string) => createLink(url, { clock: deps.clock, logger: deps.logger, ...deps.linkDeps }));
    const byLink = new Map<string, BoardDevice[]>();
    for (const d of config?.devices ?? []) {
      const url = canonicalLink(d.link);
      if (url === null) throw new RangeError(`board ${d.id}: invalid link address "${d.link}"`);
      byLink.set(url, [...(byLink.get(url) ?? []), d]);
    }
    const busDeps = { clock: deps.clock, logger: deps.logger, defaultPollMs: deps.defaultPollMs ?? DEFAULT_POLL_MS };
    for (const [url, devices] of byLink) {
      const link = make(url);
      this.buses.push({ url, link, ...createBusHandles(link, devices, busDeps) });
    }
    const lockBoards = new Map<string, KerongHandle>();
    for (const h of this.handles()) if (h instanceof KerongHandle) lockBoards.set(h.device.id, h);
    this.lockers = new Lockers(config?.compartments ?? [], lockBoards);
  }

  /** Connect every link (resolves once each first attempt settled), start drivers and polling. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const bus of this.buses) {
      bus.start();
      this.unsubs.push(
        bus.link.onStatus((s) => {
          if (s.state === 'connected') for (const h of bus.handles) this.pollSoon(h);
          this.refresh();
        }),
      );
      for (const h of bus.handles) {
        this.unsubs.push(h.onChange(() => this.refresh()));
        h.start();
      }
    }
    await Promise.all(this.buses.map((b) => b.link.start()));
    for (const h of this.handles()) this.pollSoon(h);
    this.refresh();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubs.splice(0)) u();
    for (const bus of this.buses) {
      for (const h of bus.handles) h.stop();
      bus.stop();
    }
    await Promise.all(this.buses.map((b) => b.link.stop()));
  }

  /** Links and boards, each link followed by its boards. */
  statuses(): StatusEntry[] {
    const out: StatusEntry[] = [];
    for (const bus of this.buses) {
      out.push({ kind: 'link', id: bus.url, name: `link ${bus.url}`, ...linkHealth(bus.link.status) });
      for (const h of bus.handles) {
        const d = h.device;
        const what =
          d.protocol === 'modbus' ? `modbus ${d.kind ?? ''} @${d.address ?? '?'}` : d.address !== undefined ? `${d.protocol} @${d.address}` : d.protocol;
        out.push({ kind: 'board', id: d.id, name: `board ${d.id} (${what})`, ...h.health() });
      }
    }
    return out;
  }

  onChange(l: () => void): Unsubscribe {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  openCompartment(id: string): Promise<CompartmentOpenResult> {
    return this.lockers.open(id).finally(() => this.refresh());
  }

  /** Read one compartment's lock now (the read-back after an open). */
  readCompartment(id: string): Promise<CompartmentReadResult> {
    return this.lockers.read(id).finally(() => this.refresh());
  }

  compartments(): CompartmentState[] {
    return this.lockers.compartments();
  }

  /** The handle of a board by profile id (drivers' state: relay/input values, temperatures). */
  board(id: string): BoardHandle | undefined {
    return this.handles().find((h) => h.device.id === id);
  }

  /** Poll every board now and wait for the answers (tests, self-test). */
  async pollAll(): Promise<void> {
    await Promise.all(this.handles().map((h) => this.runPoll(h)));
  }

  private handles(): BoardHandle[] {
    return this.buses.flatMap((b) => b.handles);
  }

  private pollSoon(h: BoardHandle): void {
    if (!this.running || h.pollMs === null) return;
    const t = this.timers.get(h);
    if (t !== undefined) this.deps.clock.clearTimeout(t);
    this.timers.delete(h);
    void this.runPoll(h);
  }

  private async runPoll(h: BoardHandle): Promise<void> {
    if (!this.running || h.pollMs === null || this.polling.has(h)) return;
    this.polling.add(h);
    try {
      // nothing to ask on a dead wire: the link entry says why; polling resumes when it connects
      if (h.link.status.state === 'connected') await h.poll();
    } catch (err) {
      this.deps.logger.error({ board: h.device.id, err: String(err) }, 'board poll threw');
    } finally {
      this.polling.delete(h);
    }
    this.refresh();
    if (!this.running) return;
    const old = this.timers.get(h);
    if (old !== undefined) this.deps.clock.clearTimeout(old);
    this.timers.set(
      h,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(h);
        void this.runPoll(h);
      }, h.pollMs),
    );
  }

  private refresh(): void {
    const json = JSON.stringify([this.statuses(), this.lockers.compartments()]);
    if (json === this.lastJson) return;
    this.lastJson = json;
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        this.deps.logger.error({ err: String(err) }, 'board status listener threw');
      }
    }
  }
}
