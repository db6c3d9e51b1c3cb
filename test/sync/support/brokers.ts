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
import { clearRetained } from './clearRetained.ts';
import { freePort, mosquittoBinary, sharedMosquittoSkipReason, waitUntilReachable } from '../../support/services.ts';

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

// Service probes live in test/support/services.ts; re-exported for the sync tests that import them from here.
export { freePort, mosquittoBinary, reachable, requireServices } from '../../support/services.ts';

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
  const url = 'mqtt://127.0.0.1:1883';
  // It persists retained births/Wills across runs: clear this process's test sites on close.
  return { name: 'mosquitto', url, port: 1883, kill: nope, restart: nope, close: async () => void (await clearRetained(url, new RegExp(`-${process.pid}-`))) };
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
    await waitUntilReachable(port, 5000).catch(() => {
      throw new Error('private mosquitto did not start');
    });
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
  const skip = await sharedMosquittoSkipReason('sync e2e Mosquitto variants');
  if (skip) console.log(skip);
  else kinds.push('mosquitto');
  return kinds;
}
