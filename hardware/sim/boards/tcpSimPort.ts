import { createServer, type Server, type Socket } from 'node:net';
import type { Link, LinkStatus, Unsubscribe } from '../../../firmware-bridge/transport/link.ts';

/**
 * A simulated board's serial port, served on TCP, with a cable that can be pulled.
 *
 * `device` is the simulator's end (one Link, whatever number of TCP clients: bytes from every
 * client reach the simulator, replies go to every client, like a serial terminal listening on
 * the same RS485 bus). `unplug()` drops every connection and stops listening, so reconnect
 * attempts are refused as on a dead gateway; `plug()` listens again on the same port.
 */
export class TcpSimPort {
  readonly device: Link;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private boundPort = 0;
  private isPlugged = false;

  constructor(
    readonly name: string,
    private readonly host = '127.0.0.1',
  ) {
    const self = this;
    const statusListeners = new Set<(s: LinkStatus) => void>();
    this.device = {
      name: `${name}:device`,
      get status(): LinkStatus {
        return { state: 'connected' }; // a board does not know its cable is out
      },
      async write(bytes) {
        if (!self.isPlugged) return; // bytes into a pulled cable vanish
        for (const s of self.sockets) s.write(Buffer.from(bytes));
      },
      onData(l): Unsubscribe {
        self.dataListeners.add(l);
        return () => self.dataListeners.delete(l);
      },
      onStatus(l): Unsubscribe {
        statusListeners.add(l);
        return () => statusListeners.delete(l);
      },
      async start() {},
      async stop() {},
    };
  }

  get port(): number {
    return this.boundPort;
  }

  get plugged(): boolean {
    return this.isPlugged;
  }

  get url(): string {
    return `tcp://${this.host}:${this.boundPort}`;
  }

  /** Listen on `port` (0 = ephemeral; after that, always the port first bound). */
  async listen(port = 0): Promise<number> {
    if (this.server) return this.boundPort;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort || port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    this.server = server;
    this.isPlugged = true;
    return this.boundPort;
  }

  /** Pull the cable: every connection drops, new ones are refused until `plug()`. */
  async unplug(): Promise<void> {
    if (!this.isPlugged) return;
    this.isPlugged = false;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Put the cable back: listen again on the same port. */
  async plug(): Promise<void> {
    if (this.isPlugged) return;
    await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    await this.unplug();
  }

  private accept(socket: Socket): void {
    if (!this.isPlugged) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const l of [...this.dataListeners]) l(chunk);
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}
