import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { kioskAppRoutes } from './kioskApp.ts';

describe('the kiosk app at /kiosk/', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'kiosk-dist-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('says plainly that the app is not built, and how to build it, when the build folder has no index.html', async () => {
    const app = Fastify();
    await app.register(kioskAppRoutes, { dir: join(tempDir(), 'dist') });
    for (const url of ['/kiosk', '/kiosk/', '/kiosk/assets/index.js']) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 503 });
      expect(res.body).toContain('The kiosk app is not built');
      expect(res.body).toContain('npx tsx kiosk-ui/build.ts');
    }
    await app.close();
  });

  it('serves the build: index.html at /kiosk/ and its assets', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const app = Fastify();
    await app.register(kioskAppRoutes, { dir });
    expect((await app.inject({ url: '/kiosk/' })).body).toContain('<title>kiosk</title>');
    expect((await app.inject({ url: '/kiosk/app.js' })).headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ url: '/kiosk' })).statusCode).toBe(301);
    await app.close();
  });
});
