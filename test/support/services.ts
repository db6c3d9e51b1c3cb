/**
 * The one place tests probe for the services a fresh machine may lack (Mosquitto, PostgreSQL):
 * reachability, free ports, the mosquitto binary, and the skip-or-fail rule: a missing service
 * skips its tests with a plain message, but FAILS when DORFPUNKT_REQUIRE_SERVICES=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { waitFor } from './waitFor.ts';

/** True when CI demands every service (DORFPUNKT_REQUIRE_SERVICES=1): missing ones fail. */
export const requireServices = process.env.DORFPUNKT_REQUIRE_SERVICES === '1';

export const PG_URL = process.env.DORFPUNKT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const PG_PORT = 5432;
export const MOSQUITTO_PORT = 1883;

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function reachable(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Polls until host:port accepts connections; throws after `timeoutMs`. */
export async function waitUntilReachable(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  await waitFor(() => reachable(port, host, 100), { timeoutMs, intervalMs: 50, what: `something listening on ${host}:${port}` });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (addr === null || typeof addr === 'string') throw new Error('no free port');
  return addr.port;
}

/** The mosquitto binary, if one is installed and actually runs (`-h`); null otherwise. */
export function mosquittoBinary(): string | null {
  for (const p of ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto']) {
    const r = spawnSync(p, ['-h'], { encoding: 'utf8' });
    if (!r.error) return p;
  }
  return null;
}

/**
 * The skip-or-fail rule: null when the service is there; otherwise the skip message — or an
 * error naming the service when DORFPUNKT_REQUIRE_SERVICES=1.
 */
export function skipUnless(available: boolean, message: string, required = requireServices): string | null {
  if (available) return null;
  if (required) throw new Error(`${message} (DORFPUNKT_REQUIRE_SERVICES=1)`);
  return message;
}

/** null when PostgreSQL (127.0.0.1:5432) answers; a skip message otherwise; throws when required. */
export async function postgresSkipReason(what = 'PostgreSQL tests'): Promise<string | null> {
  return skipUnless(await reachable(PG_PORT), `PostgreSQL not reachable on 127.0.0.1:${PG_PORT}: ${what} skipped`);
}

/** null when the mosquitto binary runs; a skip message otherwise; throws when required. */
export function mosquittoSkipReason(what = 'Mosquitto tests'): string | null {
  return skipUnless(mosquittoBinary() !== null, `mosquitto binary not found: ${what} skipped`);
}

/** null when the shared Mosquitto (127.0.0.1:1883) answers; a skip message otherwise; throws when required. */
export async function sharedMosquittoSkipReason(what = 'Mosquitto variants'): Promise<string | null> {
  return skipUnless(await reachable(MOSQUITTO_PORT), `Mosquitto not reachable on 127.0.0.1:${MOSQUITTO_PORT}: ${what} skipped`);
}
