/**
 * Brokers for sync end-to-end tests: embedded Aedes (always), the shared Mosquitto on
 * 127.0.0.1:1883 (when reachable) and private killable Mosquitto instances (persistence off).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';

export interface TestBroker {
  name: string;
  url: string;
  port: number;
  /** Kill abruptly (in-memory state lost). */
  kill(): Promise<void>;
  /** Start again on the same port, empty. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const requireServices = process.env.DORFPUNKT_REQUIRE_SERVICES === '1';

export function reachable(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

export async function startAedes(port = 0): Promise<TestBroker> {
  let broker: Aedes | undefined;
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  let actualPort = port;
  const up = async (): Promise<void> => {
    broker = await Aedes.createBroker();
    const b = broker;
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      b.handle(s);
    });
    const srv = server;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(actualPort, '127.0.0.1', () => resolve());
    });
    const addr = srv.address();
    if (addr === null || typeof addr === 'string') throw new Error('aedes: no port');
    actualPort = addr.port;
  };
  const down = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    const srv = server;
    const b = broker;
    server = undefined;
    broker = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
    if (b) await new Promise<void>((r) => b.close(() => r()));
  };
  await up();
  return {
    name: 'aedes',
    get url() {
      return `mqtt://127.0.0.1:${actualPort}`;
    },
    get port() {
      return actualPort;
    },
    kill: down,
    restart: up,
    close: down,
  };
}

/** The shared Mosquitto on 1883 (not killable). */
export function sharedMosquitto(): TestBroker {
  const nope = async (): Promise<void> => {
    throw new Error('the shared mosquitto cannot be killed; use startPrivateMosquitto');
  };
  return { name: 'mosquitto', url: 'mqtt://127.0.0.1:1883', port: 1883, kill: nope, restart: nope, close: async () => {} };
}

export function mosquittoBinary(): string | undefined {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) if (fs.existsSync(p)) return p;
  return undefined;
}

/** A private, non-persistent Mosquitto on a free port, killable with SIGKILL. */
export async function startPrivateMosquitto(): Promise<TestBroker> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error('mosquitto binary not found');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dp-mosq-'));
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\nmax_inflight_messages 100\n`);
  let child: ChildProcess | undefined;
  const up = async (): Promise<void> => {
    child = spawn(bin, ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await reachable(port, '127.0.0.1', 100)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private mosquitto did not start');
  };
  const down = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGKILL');
    });
  };
  await up();
  return {
    name: 'mosquitto-private',
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kill: down,
    restart: up,
    close: async () => {
      await down();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Brokers to run a scenario against: Aedes always, Mosquitto when present or required. */
export async function brokerKinds(): Promise<('aedes' | 'mosquitto')[]> {
  const kinds: ('aedes' | 'mosquitto')[] = ['aedes'];
  if ((await reachable(1883)) || requireServices) kinds.push('mosquitto');
  else console.log('sync e2e: Mosquitto not reachable on 127.0.0.1:1883 — skipping the Mosquitto variants');
  return kinds;
}
