/**
 * RB8: resident memory of a running simulated point (controller process with its HTTP server,
 * ledger, door machine and serial-board simulators) against an idle Node `http` server, both
 * started the same way (node --import tsx) and sampled after the same settle time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitUntilReachable } from '../support/services.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function sample(args: string[], port: number, settleMs: number): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  try {
    await waitUntilReachable(port, 60_000);
    await new Promise((r) => setTimeout(r, settleMs));
    return rssMb(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchMemory(opts: { settleMs?: number } = {}): Promise<{ pointMb: number; idleHttpMb: number; ratio: number }> {
  const settleMs = opts.settleMs ?? 3000;
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-mem-'));
  try {
    const idleScript = join(dir, 'idle-http.ts');
    writeFileSync(
      idleScript,
      `import { createServer } from 'node:http';\ncreateServer((_q, r) => r.end('ok')).listen(Number(process.argv[2]), '127.0.0.1');\n`,
    );
    const idlePort = await freePort();
    const idleHttpMb = await sample([idleScript, String(idlePort)], idlePort, settleMs);
    const pointPort = await freePort();
    const pointMb = await sample(['controller/main.ts', '--sim', '--data', join(dir, 'point'), '--port', String(pointPort)], pointPort, settleMs);
    return { pointMb, idleHttpMb, ratio: pointMb / idleHttpMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
