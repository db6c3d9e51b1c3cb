import { Socket } from 'node:net';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { BackoffPolicy } from './backoff.ts';
import { LinkDownError, type Connector, type Link, type LinkStatus, type Unsubscribe } from './link.ts';
import { ReconnectingLink } from './reconnectingLink.ts';

/** TCP to a serial-over-IP gateway (or a simulator's `serveOnTcp`); the connect timeout runs on `clock`. */
export function createTcpConnector(opts: { host: string; port: number; clock: Clock; connectTimeoutMs?: number }): Connector {
  const { clock } = opts;
  const where = `${opts.host}:${opts.port}`;
  return (handlers) =>
    new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.setNoDelay(true);
      let connected = false;
      let ended = false;
      const timer = clock.setTimeout(() => {
        socket.destroy();
        reject(new Error(`tcp ${where}: connect timed out`));
      }, opts.connectTimeoutMs ?? 5000);
      const end = (reason: string) => {
        if (ended) return;
        ended = true;
        socket.destroy();
        handlers.onClose(reason);
      };
      socket.once('connect', () => {
        clock.clearTimeout(timer);
        connected = true;
        resolve({
          write: (bytes) =>
            new Promise<void>((res, rej) => {
              if (ended) return rej(new Error(`tcp ${where}: connection closed`));
              socket.write(Buffer.from(bytes), (err) => (err ? rej(new Error(`tcp ${where}: write failed: ${err.message}`)) : res()));
            }),
          close: async () => {
            ended = true;
            socket.destroy();
          },
        });
      });
      socket.on('data', (chunk: Buffer) => {
        if (!ended) handlers.onData(chunk);
      });
      socket.on('error', (err) => {
        if (!connected) {
          clock.clearTimeout(timer);
          reject(new Error(`tcp ${where}: ${err.message}`));
        } else end(`tcp ${where}: ${err.message}`);
      });
      socket.on('close', () => {
        if (connected) end(`tcp ${where}: connection closed by peer`);
      });
      socket.connect(opts.port, opts.host);
    });
}

export interface TcpLinkOptions {
  host: string;
  port: number;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  giveUpAfter?: number;
  connectTimeoutMs?: number;
}

export function createTcpLink(opts: TcpLinkOptions): ReconnectingLink {
  return new ReconnectingLink({
    name: `tcp://${opts.host}:${opts.port}`,
    connector: createTcpConnector(opts),
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.giveUpAfter !== undefined ? { giveUpAfter: opts.giveUpAfter } : {}),
  });
}

/**
 * An accepted server-side socket as a Link (simulators serving on TCP). It does not
 * reconnect: when the peer goes, the status becomes `lost`.
 */
export function createSocketLink(socket: Socket, name: string): Link {
  const dataListeners = new Set<(chunk: Buffer) => void>();
  const statusListeners = new Set<(s: LinkStatus) => void>();
  let status: LinkStatus = socket.destroyed ? { state: 'lost', reason: 'socket closed' } : { state: 'connected' };
  const set = (s: LinkStatus) => {
    status = s;
    for (const l of [...statusListeners]) l(s);
  };
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    for (const l of [...dataListeners]) l(chunk);
  });
  socket.on('error', () => {}); // reported through 'close'
  socket.on('close', () => {
    if (status.state !== 'lost') set({ state: 'lost', reason: 'peer disconnected' });
  });
  return {
    name,
    get status() {
      return status;
    },
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (status.state !== 'connected') return reject(new LinkDownError(name, status));
        socket.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
      }),
    onData(l): Unsubscribe {
      dataListeners.add(l);
      return () => dataListeners.delete(l);
    },
    onStatus(l): Unsubscribe {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    start: async () => {},
    stop: async () => {
      socket.destroy();
      if (status.state !== 'lost') set({ state: 'lost', reason: 'stopped' });
    },
  };
}
