import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../platform/clock.ts';
import { createSilentLogger } from '../platform/logger.ts';
import { createLink } from './createLink.ts';
import type { Link } from './link.ts';

/** Real sockets on 127.0.0.1 (no clock injection possible inside the kernel); short waits only. */
const until = async (cond: () => boolean, ms = 3000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('tcp link (serial-over-IP gateway)', () => {
  let server: Server | undefined;
  let link: Link | undefined;
  afterEach(async () => {
    await link?.stop();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('connects, echoes bytes, notices the gateway dropping the connection and reconnects', async () => {
    const sockets: import('node:net').Socket[] = [];
    server = createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => s.write(d));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    link = createLink(`tcp://127.0.0.1:${port}`, {
      clock: createSystemClock(),
      logger: createSilentLogger(),
      backoff: { initialMs: 20, maxMs: 50, jitter: 0 },
    });
    const got: Buffer[] = [];
    link.onData((c) => got.push(c));
    await link.start();
    expect(link.status).toEqual({ state: 'connected' });
    await link.write(Buffer.from('hello'));
    await until(() => Buffer.concat(got).toString() === 'hello');

    sockets[0]!.destroy();
    await until(() => link!.status.state === 'reconnecting');
    await until(() => link!.status.state === 'connected');
    expect(sockets).toHaveLength(2);
  });

  it('nobody listening: reconnecting with the refusal as reason', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    link = createLink(`tcp://127.0.0.1:${port}`, {
      clock: createSystemClock(),
      logger: createSilentLogger(),
      backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 },
    });
    await link.start();
    expect(link.status).toMatchObject({ state: 'reconnecting', inMs: 1000, attempt: 2 });
  });
});
