/**
 * In-test TCP fault proxy (127.0.0.1 only) between an MQTT client and a broker.
 *
 * Faults, all switchable at run time:
 * - `setDelay(ms)`: every chunk is forwarded after `ms` (order kept per direction).
 * - `pause()` / `resume()`: stop forwarding but keep the bytes (a congested or lossy link whose
 *   TCP retransmits eventually get through). Held bytes are bounded; past the bound the
 *   connection is reset.
 * - `blackhole()`: half-open link: bytes are silently discarded, sockets stay open, nobody is
 *   told. Only keepalives can detect it. `heal()` ends it and resets the affected connections
 *   (their byte streams are no longer consistent).
 * - `resetAll()`: destroy every live connection now (RST-like).
 * - `refuse(true)`: new connections are closed at once (broker unreachable).
 * Bounded: at most `maxConnections` live pairs; `stop()` closes everything and the listener.
 */
import net from 'node:net';

export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** 0 = ephemeral. */
  listenPort?: number;
  maxConnections?: number;
  /** Bytes held per connection while paused before it is reset. */
  maxHeldBytes?: number;
}

export interface FaultProxyStats {
  accepted: number;
  refused: number;
  resets: number;
  bytesUp: number;
  bytesDown: number;
  discardedBytes: number;
  live: number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: { dir: 'up' | 'down'; chunk: Buffer }[];
  heldBytes: number;
  blackholed: boolean;
  closed: boolean;
}

export class FaultProxy {
  readonly port: number;
  private readonly pairs = new Set<Pair>();
  private delayMs = 0;
  private paused = false;
  private holed = false;
  private refusing = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly stats: FaultProxyStats = {
    accepted: 0,
    refused: 0,
    resets: 0,
    bytesUp: 0,
    bytesDown: 0,
    discardedBytes: 0,
    live: 0,
  };

  private constructor(
    private readonly server: net.Server,
    private readonly opts: Required<FaultProxyOptions>,
  ) {
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fault proxy: no TCP address');
    this.port = addr.port;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const opts: Required<FaultProxyOptions> = {
      targetHost: '127.0.0.1',
      listenPort: 0,
      maxConnections: 16,
      maxHeldBytes: 8 * 1024 * 1024,
      ...options,
    };
    let proxy: FaultProxy | undefined;
    const server = net.createServer((socket) => proxy?.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.listenPort, '127.0.0.1', () => resolve());
    });
    proxy = new FaultProxy(server, opts);
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  setDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const pair of this.pairs) {
      const held = pair.held.splice(0);
      pair.heldBytes = 0;
      for (const h of held) this.forward(pair, h.dir, h.chunk);
    }
  }

  /** Half-open: discard everything, keep sockets open. */
  blackhole(): void {
    this.holed = true;
    for (const pair of this.pairs) pair.blackholed = true;
  }

  /** End a blackhole; connections that lost bytes are reset. */
  heal(): void {
    this.holed = false;
    for (const pair of [...this.pairs]) if (pair.blackholed) this.destroyPair(pair);
  }

  refuse(on: boolean): void {
    this.refusing = on;
  }

  resetAll(): void {
    for (const pair of [...this.pairs]) this.destroyPair(pair);
  }

  liveConnections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing || this.pairs.size >= this.opts.maxConnections) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const upstream = net.connect(this.opts.targetPort, this.opts.targetHost);
    const pair: Pair = { client, upstream, held: [], heldBytes: 0, blackholed: this.holed, closed: false };
    this.pairs.add(pair);
    this.stats.live = this.pairs.size;
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.onData(pair, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => this.onData(pair, 'down', chunk));
    const close = (): void => this.destroyPair(pair);
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  }

  private onData(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    if (pair.closed) return;
    if (pair.blackholed) {
      this.stats.discardedBytes += chunk.length;
      return;
    }
    if (this.paused) {
      pair.held.push({ dir, chunk });
      pair.heldBytes += chunk.length;
      if (pair.heldBytes > this.opts.maxHeldBytes) this.destroyPair(pair);
      return;
    }
    if (this.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.forward(pair, dir, chunk);
      }, this.delayMs);
      this.timers.add(t);
      return;
    }
    this.forward(pair, dir, chunk);
  }

  private forward(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    if (pair.closed) return;
    if (pair.blackholed) {
      this.stats.discardedBytes += chunk.length;
      return;
    }
    if (dir === 'up') {
      this.stats.bytesUp += chunk.length;
      pair.upstream.write(chunk);
    } else {
      this.stats.bytesDown += chunk.length;
      pair.client.write(chunk);
    }
  }

  private destroyPair(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.stats.resets++;
    pair.held = [];
    pair.client.destroy();
    pair.upstream.destroy();
    this.pairs.delete(pair);
    this.stats.live = this.pairs.size;
  }
}
