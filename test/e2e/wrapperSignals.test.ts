import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `bin/dorfpunkt.mjs` runs the point in a child process. systemd (and `kill <pid>`) signal the
 * wrapper only: it must pass the signal on, so the point stops and frees its port, and end as
 * the child ended.
 */
const bin = fileURLToPath(new URL('../../bin/dorfpunkt.mjs', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childPidsOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

interface Started {
  wrapper: ChildProcess;
  port: number;
  pointPid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

const leftovers: number[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startWrappedPoint(): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-wrapper-'));
  dirs.push(dataDir);
  const wrapper = spawn(process.execPath, [bin, 'point', '--sim', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  leftovers.push(wrapper.pid!);
  let out = '';
  wrapper.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  wrapper.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => wrapper.once('exit', (code, signal) => r({ code, signal })));
  const until = Date.now() + 45_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      (res) => res.status < 500,
      () => false,
    );
    if (ok) break;
    if (wrapper.exitCode !== null || Date.now() > until) throw new Error(`point did not answer on port ${port}:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const kids = childPidsOf(wrapper.pid!);
  expect(kids, 'the wrapper runs the point as one child process').toHaveLength(1);
  leftovers.push(kids[0]!);
  return { wrapper, port, pointPid: kids[0]!, exited, output: () => out };
}

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms))]);
}

describe('bin/dorfpunkt.mjs passes stop signals to the point', () => {
  it("SIGTERM to the wrapper alone stops the point: port released, wrapper exits with the point's status within 10 s", async () => {
    const p = await startWrappedPoint();
    process.kill(p.wrapper.pid!, 'SIGTERM');
    const end = await within(10_000, p.exited, 'wrapper exit');
    expect(end, p.output()).toEqual({ code: 0, signal: null }); // the point stops cleanly on SIGTERM and exits 0
    expect(alive(p.pointPid), 'point process still running after the wrapper exited').toBe(false);
    expect(await portAnswers(p.port)).toBe(false);
  }, 70_000);

  it('SIGHUP to the wrapper stops the point safely (it handles SIGHUP like SIGTERM) and frees the port', async () => {
    const p = await startWrappedPoint();
    process.kill(p.wrapper.pid!, 'SIGHUP');
    const end = await within(10_000, p.exited, 'wrapper exit');
    expect(end, p.output()).toEqual({ code: 0, signal: null });
    expect(alive(p.pointPid)).toBe(false);
    expect(await portAnswers(p.port)).toBe(false);
  }, 70_000);
});
