/**
 * A simulated point in its own process on the system clock (`controller/main.ts --sim`), as a
 * technician or an attacker meets it: real HTTP, real timers, `kill -9` possible. Data stays in
 * `dataDir` between starts, so a restart is a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './services.ts';

const MAIN = fileURLToPath(new URL('../../controller/main.ts', import.meta.url));

export interface PointProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  readonly output: () => string;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string): Promise<Record<string, unknown>>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export async function startPointProcess(opts: { dataDir: string; args?: string[]; env?: Record<string, string> }): Promise<PointProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, '--sim', '--data', opts.dataDir, '--port', String(port), ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
  });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`point process exited at start:\n${out}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`point process did not answer within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    output: () => out,
    async post(path, body) {
      const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async get(path) {
      const r = await fetch(`${url}${path}`);
      return (await r.json()) as Record<string, unknown>;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
