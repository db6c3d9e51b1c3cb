import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './fixture.ts';
import { FaultProxy } from './faultProxy.ts';

const { defer } = useCleanup();

async function echoServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  defer(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no addr');
  return addr.port;
}

async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ targetPort: port });
  defer(() => proxy.stop());
  return proxy;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    defer(() => void s.destroy());
  });
}

function readSome(s: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (b: Buffer): void => {
      got += b.toString();
    };
    s.on('data', onData);
    setTimeout(() => {
      s.off('data', onData);
      resolve(got);
    }, ms);
  });
}

describe('FaultProxy', () => {
  it('forwards bytes both ways when healthy', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.port);
    s.write('hello');
    expect(await readSome(s, 80)).toBe('hello');
  });

  it('pause holds bytes and resume delivers them in order', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.port);
    proxy.pause();
    s.write('a');
    s.write('b');
    expect(await readSome(s, 60)).toBe('');
    const later = readSome(s, 80);
    proxy.resume();
    expect(await later).toBe('ab');
  });

  it('blackhole discards silently without closing; heal resets the connection', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.port);
    let closed = false;
    s.on('close', () => (closed = true));
    proxy.blackhole();
    s.write('lost');
    expect(await readSome(s, 60)).toBe('');
    expect(closed).toBe(false);
    expect(proxy.stats.discardedBytes).toBeGreaterThan(0);
    proxy.heal();
    await readSome(s, 40);
    expect(closed).toBe(true);
  });

  it('resetAll destroys live connections and refuse rejects new ones', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.port);
    const closedP = new Promise<void>((r) => s.on('close', () => r()));
    proxy.resetAll();
    await closedP;
    proxy.refuse(true);
    const s2 = await connect(proxy.port).catch(() => undefined);
    if (s2) await new Promise<void>((r) => s2.on('close', () => r()));
    expect(proxy.stats.refused).toBe(1);
    expect(proxy.liveConnections()).toBe(0);
  });

  it('delays forwarding by the configured time', async () => {
    const proxy = await proxyTo(await echoServer());
    const s = await connect(proxy.port);
    proxy.setDelay(60);
    s.write('x');
    expect(await readSome(s, 50)).toBe('');
    expect(await readSome(s, 150)).toBe('x');
  });

  it('bounds live connections', async () => {
    const proxy = await FaultProxy.start({ targetPort: await echoServer(), maxConnections: 1 });
    defer(() => proxy.stop());
    await connect(proxy.port);
    const s2 = await connect(proxy.port).catch(() => undefined);
    if (s2) await new Promise<void>((r) => s2.on('close', () => r()));
    expect(proxy.stats.refused).toBe(1);
  });
});
