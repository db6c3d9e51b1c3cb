import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { createSilentLogger } from '../platform/logger.ts';
import type { BackoffPolicy } from './backoff.ts';
import { LinkDownError, type ConnectionHandlers, type Link, type LinkStatus, type Unsubscribe } from './link.ts';
import { ReconnectingLink } from './reconnectingLink.ts';

/**
 * An in-memory wire for tests and the simulated point: `host` is what a driver uses (a real
 * `ReconnectingLink`, so reconnect and status behave as on a serial port), `device` is what a
 * simulator uses. Bytes are delivered asynchronously (microtask), in order, copied.
 *
 * `unplug()` is a pulled cable: bytes in flight are lost, the host link sees the connection
 * close and starts reconnecting; connect attempts fail until `plug()`.
 */
export interface MemoryLinkPair {
  host: Link;
  device: Link;
  unplug(reason?: string): void;
  plug(): void;
  readonly plugged: boolean;
}

export interface MemoryLinkPairOptions {
  name?: string;
  /** Times the host side's reconnect backoff; tests pass their ManualClock. */
  clock: Clock;
  logger?: Logger;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
}

export function createMemoryLinkPair(opts: MemoryLinkPairOptions): MemoryLinkPair {
  const name = opts.name ?? 'memory';
  let plugged = true;
  let wireGen = 0; // bumps on unplug: deliveries queued before it are dropped
  let hostHandlers: ConnectionHandlers | undefined;
  const device = new MemoryDeviceLink(`${name}:device`);

  const host = new ReconnectingLink({
    name: `${name}:host`,
    clock: opts.clock,
    logger: opts.logger ?? createSilentLogger(),
    random: opts.random ?? (() => 0.5),
    backoff: opts.backoff ?? {},
    connector: async (handlers) => {
      if (!plugged) throw new Error(`memory link ${name}: no device (cable unplugged)`);
      hostHandlers = handlers;
      return {
        write: async (bytes) => {
          if (!plugged) throw new LinkDownError(`${name}:host`, { state: 'lost', reason: 'cable unplugged' });
          const copy = Buffer.from(bytes);
          const gen = wireGen;
          queueMicrotask(() => {
            if (gen === wireGen && plugged) device.deliver(copy);
          });
        },
        close: async () => {
          if (hostHandlers === handlers) hostHandlers = undefined;
        },
      };
    },
  });

  device.sendToHost = (bytes) => {
    const copy = Buffer.from(bytes);
    const gen = wireGen;
    queueMicrotask(() => {
      if (gen === wireGen && plugged) hostHandlers?.onData(copy);
    });
  };

  return {
    host,
    device,
    get plugged() {
      return plugged;
    },
    unplug(reason = 'cable unplugged') {
      if (!plugged) return;
      plugged = false;
      wireGen++;
      device.setPlugged(false, reason);
      const h = hostHandlers;
      hostHandlers = undefined;
      h?.onClose(reason);
    },
    plug() {
      if (plugged) return;
      plugged = true;
      device.setPlugged(true, '');
    },
  };
}

/** The simulator's end: never reconnects, status follows the cable. */
class MemoryDeviceLink implements Link {
  sendToHost: (bytes: Uint8Array) => void = () => {};
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private running = false;
  private plugged = true;
  private unplugReason = '';
  private current: LinkStatus = { state: 'lost', reason: 'not started' };

  constructor(readonly name: string) {}

  get status(): LinkStatus {
    return this.current;
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.current.state !== 'connected') throw new LinkDownError(this.name, this.current);
    this.sendToHost(bytes);
  }

  async start(): Promise<void> {
    this.running = true;
    this.refresh();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.refresh();
  }

  deliver(chunk: Buffer): void {
    if (this.current.state !== 'connected') return;
    for (const l of [...this.dataListeners]) l(chunk);
  }

  setPlugged(plugged: boolean, reason: string): void {
    this.plugged = plugged;
    this.unplugReason = reason;
    this.refresh();
  }

  private refresh(): void {
    const next: LinkStatus = !this.running
      ? { state: 'lost', reason: 'stopped' }
      : this.plugged
        ? { state: 'connected' }
        : { state: 'lost', reason: this.unplugReason };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const l of [...this.statusListeners]) l(next);
  }
}
