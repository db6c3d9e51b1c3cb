/**
 * `npm start` (bin/start.ts) as a visitor runs it, on free ports and a fresh data folder: the
 * three simulated points come up, connect with their own credentials and send their demo history,
 * so the operator printed at start sees all three online under their names in `/api/fleet` with
 * their past (the farm shop's blocked dairy fridge, the parcels waiting, a door alarm acknowledged
 * and cleared); Ctrl+C (SIGTERM) stops every part and frees every port. Needs no outside service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import type { FleetViewBody, SiteAlarms } from '../../backoffice/http/schemas/fleet.ts';
import type { Static } from 'typebox';
import { freePort, reachable } from '../support/services.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-npmstart-'));
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings up a fleet of three named points that report online with their history, and stops every part on SIGTERM', async () => {
    const ports = {
      backoffice: await freePort(),
      broker: await freePort(),
      stripe: await freePort(),
      points: [await freePort(), await freePort(), await freePort()],
    };
    const started = Date.now();
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/start.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DORFPUNKT_DATA: dir,
        DORFPUNKT_BACKOFFICE_PORT: String(ports.backoffice),
        DORFPUNKT_BROKER_PORT: String(ports.broker),
        DORFPUNKT_STRIPE_PORT: String(ports.stripe),
        DORFPUNKT_POINT_PORTS: ports.points.join(','),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await expect.poll(() => output, { timeout: 150_000, interval: 500 }).toContain('dorfpunkt fleet is running');
    const startedInMs = Date.now() - started;

    // The summary names every URL and the sign-in.
    for (const p of ports.points) {
      expect(output).toContain(`http://127.0.0.1:${p}/kiosk/`);
    }
    expect(output).toContain(`backoffice web app   http://127.0.0.1:${ports.backoffice}/`);
    const password = /sign in\s+user demo, password (\S+)/.exec(output)?.[1];
    const secret = /TOTP secret ([A-Z2-7]+)/.exec(output)?.[1];
    expect(password && secret, output).toBeTruthy();

    const base = `http://127.0.0.1:${ports.backoffice}`;
    const totp = TOTP.generate({ secret: Secret.fromBase32(secret!), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() });
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password, totp }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers: { cookie } })).json()) as T;

    // All three online, each with its history stored and nothing left to send.
    const fleet = async (): Promise<FleetViewBody['sites']> => (await get<FleetViewBody>('/api/fleet')).sites;
    await expect
      .poll(async () => (await fleet()).map((s) => [s.siteId, s.name, s.presence.status, s.sync.upTo > 500 && s.sync.missing === 0]), {
        timeout: 60_000,
        interval: 1000,
      })
      .toEqual([
        ['am-anger', 'Paketstation Am Anger', 'online', true],
        ['bergheim', 'Hofladen Bergheim', 'online', true],
        ['kleinweiler', 'Dorfladen Kleinweiler', 'online', true],
      ]);
    const sites = new Map((await fleet()).map((s) => [s.siteId, s]));
    // the farm shop's dairy fridge was warm one night: blocked, its alarm open
    expect(sites.get('bergheim')!.alarms.critical).toBe(1);
    expect(sites.get('bergheim')!.fridges.find((f) => f.fridgeId === 'molkerei')).toMatchObject({ blocked: true });
    // parcels waiting in the lockers
    expect(sites.get('am-anger')!.lockers.occupied).toBe(5);
    expect(sites.get('kleinweiler')!.lockers.occupied).toBe(2);
    // every point reported its equipment: all twelve compartments, each fridge with its name and limit
    expect(sites.get('kleinweiler')!.lockers).toMatchObject({ reported: true, compartments: 12, free: 10 });
    expect(sites.get('kleinweiler')!.fridges.map((f) => [f.fridgeId, f.name, f.limitTenths])).toEqual([
      ['getraenke', 'Getränkekühlschrank', 100],
      ['molkerei', 'Kühlschrank Molkerei', 70],
      ['truhe', 'Tiefkühltruhe', -180],
    ]);
    // fridges report temperatures, the door its state
    for (const s of sites.values()) {
      expect(s.fridges.every((f) => f.tenths !== null)).toBe(true);
      expect(s.door?.state).toBe('closed');
    }
    // a past door alarm, acknowledged by the operator and cleared when the door closed
    const alarms = await get<Static<typeof SiteAlarms>>('/api/sites/kleinweiler/alarms');
    expect(alarms.alarms.find((a) => a.key === 'door:held-open')).toMatchObject({ state: 'cleared', acked: { by: 'demo-operator' } });

    console.log(`npm start: fleet up in ${(startedInMs / 1000).toFixed(1)} s (apps built, history seeded and sent)`);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    for (const p of [ports.backoffice, ports.broker, ports.stripe, ...ports.points]) expect(await reachable(p)).toBe(false);
  }, 240_000);
});
