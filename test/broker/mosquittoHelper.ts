/**
 * Start a private Mosquitto with the DOCUMENTED production config (docs/mosquitto/), on free ports,
 * with TLS lines removed, paths pointed at a temp dir and a password file written with
 * mosquitto_passwd-compatible hashes (our own `$7$` implementation, checked against
 * mosquitto_passwd in credentials.test.ts). Skips (or fails with DORFPUNKT_REQUIRE_SERVICES=1)
 * when the mosquitto binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword, mosquittoPasswdLine } from '../../backoffice/credentials/passwordHash.ts';
import { freePort, mosquittoBinary, waitUntilReachable } from '../support/services.ts';

// Service probes live in test/support/services.ts; re-exported for the broker tests.
export { freePort, mosquittoBinary, mosquittoSkipReason, requireServices } from '../support/services.ts';
const DOCS = fileURLToPath(new URL('../../docs/mosquitto/', import.meta.url));

export interface MosquittoInstance {
  /** Listener for points (use_username_as_clientid). */
  siteUrl: string;
  /** Listener for backoffice instances. */
  serviceUrl: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  users: { username: string; password: string }[];
  persistence?: boolean;
}

/** The documented config with ports, paths and TLS adapted for a test run. */
export function renderTestConfig(o: { sitePort: number; servicePort: number; dir: string; persistence: boolean }): string {
  const src = readFileSync(join(DOCS, 'mosquitto.conf'), 'utf8');
  const out: string[] = [];
  for (const line of src.split('\n')) {
    const t = line.trim();
    if (/^(certfile|keyfile|cafile|tls_version|require_certificate|log_dest|log_type|connection_messages)\b/.test(t)) continue;
    if (/^listener 8883\b/.test(t)) out.push(`listener ${o.sitePort} 127.0.0.1`);
    else if (/^listener 1884\b/.test(t)) out.push(`listener ${o.servicePort} 127.0.0.1`);
    else if (/^password_file\b/.test(t)) out.push(`password_file ${join(o.dir, 'passwd')}`);
    else if (/^acl_file\b/.test(t)) out.push(`acl_file ${join(o.dir, 'acl')}`);
    else if (/^persistence_location\b/.test(t)) out.push(`persistence_location ${o.dir}/`);
    else if (/^persistence\b/.test(t)) out.push(`persistence ${o.persistence}`);
    else out.push(line);
  }
  out.push(`log_dest file ${join(o.dir, 'mosquitto.log')}`, 'log_type all');
  if (userInfo().uid === 0) out.push('user root');
  return out.join('\n') + '\n';
}

export async function startMosquitto(o: MosquittoOptions): Promise<MosquittoInstance> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error('mosquitto binary not found');
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-mosq-'));
  const sitePort = await freePort();
  const servicePort = await freePort();
  writeFileSync(join(dir, 'passwd'), o.users.map((u) => mosquittoPasswdLine(u.username, hashPassword(u.password))).join('\n') + '\n', { mode: 0o600 });
  writeFileSync(join(dir, 'acl'), readFileSync(join(DOCS, 'dorfpunkt.acl'), 'utf8'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, renderTestConfig({ sitePort, servicePort, dir, persistence: o.persistence ?? false }));
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await Promise.race([
      waitUntilReachable(sitePort, 5000).then(() => waitUntilReachable(servicePort, 5000)),
      exited.then(() => {
        throw new Error(`mosquitto exited at start: ${stderr}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const log = (): string => {
    try {
      return readFileSync(join(dir, 'mosquitto.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    siteUrl: `mqtt://127.0.0.1:${sitePort}`,
    serviceUrl: `mqtt://127.0.0.1:${servicePort}`,
    dir,
    log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
