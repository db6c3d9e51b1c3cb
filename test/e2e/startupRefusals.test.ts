import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledProfilePath } from '../../hardware/profile/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-refusal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runPoint(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'controller/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('the point refuses to start on bad configuration', () => {
  it('names the field when the hardware profile puts the strike on a pin that does not exist, and opens nothing', () => {
    const profile = JSON.parse(readFileSync(bundledProfilePath('simulated'), 'utf8'));
    profile.door.strike.bcm = 40;
    const path = join(dir, 'bad-profile.json');
    writeFileSync(path, JSON.stringify(profile));
    const data = join(dir, 'data-profile');
    const r = runPoint(['--sim', '--profile', path, '--data', data, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-profile.json');
    expect(r.stderr).toMatch(/door\.strike\.bcm/);
    expect(r.stdout).not.toContain('is running');
    expect(existsSync(join(data, 'ledger.db'))).toBe(false);
  });

  it('names the file and position when the hardware profile is not JSON', () => {
    const path = join(dir, 'truncated.json');
    writeFileSync(path, readFileSync(bundledProfilePath('simulated'), 'utf8').slice(0, 120));
    const r = runPoint(['--sim', '--profile', path, '--data', join(dir, 'data-trunc'), '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('truncated.json');
    expect(r.stderr).toMatch(/line \d+/);
  });

  it('names the misspelt key in a controller config file', () => {
    const path = join(dir, 'point.json');
    writeFileSync(
      path,
      JSON.stringify({ siteId: 'hemeringen-1', dataDir: dir, hardwareProfile: 'x.json', publicKeyFile: 'k.pem', bundesland: 'NI', htpp: {} }),
    );
    const r = runPoint(['--config', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('point.json');
    expect(r.stderr).toContain('unknown property "htpp"');
  });

  it('names the choices when --demo-history is not one of them, and records nothing', () => {
    const data = join(dir, 'data-history');
    const r = runPoint(['--sim', '--demo-history', 'castle', '--data', data, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--demo-history must be one of shop, farm, parcels, got "castle"');
    expect(existsSync(join(data, 'ledger.db'))).toBe(false);
  });
});
