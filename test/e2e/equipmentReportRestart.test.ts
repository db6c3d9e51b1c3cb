/**
 * A real point process on the system clock reports its equipment (`locker.configured`,
 * `fridge.configured`) once: a kill -9 and a clean restart add nothing, a changed hardware
 * profile (a compartment removed, a fridge limit lowered) is reported once more.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledProfilePath } from '../../hardware/profile/load.ts';
import { startPointProcess, type PointProcess } from '../support/pointProcess.ts';

let running: PointProcess[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const p of running) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  running = [];
  dirs = [];
});

async function start(dataDir: string, profile?: string): Promise<PointProcess> {
  const p = await startPointProcess({ dataDir, args: profile ? ['--profile', profile] : [] });
  running.push(p);
  return p;
}

interface Reports {
  lockers: Array<Array<{ compartment: string }>>;
  fridges: Array<Array<{ fridgeId: string; limitTenths: number }>>;
}

function reports(dataDir: string): Reports {
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  try {
    const of = <T>(type: string, key: string): T[] =>
      (db.prepare('SELECT data FROM events WHERE type = ? ORDER BY seq').all(type) as Array<{ data: string }>).map(
        (r) => (JSON.parse(r.data) as Record<string, T>)[key]!,
      );
    return {
      lockers: of<Reports['lockers'][number]>('locker.configured', 'compartments'),
      fridges: of<Reports['fridges'][number]>('fridge.configured', 'fridges'),
    };
  } finally {
    db.close();
  }
}

describe('the point reports its equipment once per change, across kill -9 and restarts', () => {
  it('reports at the first start, nothing after a kill -9 or a clean restart, and once more after the profile changed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-equipment-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    await first.kill9();
    const second = await start(dataDir);
    await second.stop();
    let r = reports(dataDir);
    expect(r.lockers.map((c) => c.length)).toEqual([12]);
    expect(r.fridges.map((f) => f.map((x) => [x.fridgeId, x.limitTenths]))).toEqual([
      [
        ['molkerei', 70],
        ['truhe', -180],
        ['getraenke', 100],
      ],
    ]);

    // The technician removes compartment A12 and lowers the dairy fridge's limit to 6 °C.
    const profile = JSON.parse(readFileSync(bundledProfilePath('simulated'), 'utf8')) as {
      boards: { compartments: Array<{ id: string }> };
      fridges: { units: Array<{ id: string; limitC?: number }> };
    };
    profile.boards.compartments = profile.boards.compartments.filter((c) => c.id !== 'A12');
    profile.fridges.units.find((u) => u.id === 'molkerei')!.limitC = 6;
    const changed = join(dataDir, 'changed-profile.json');
    writeFileSync(changed, JSON.stringify(profile));
    const third = await start(dataDir, changed);
    await third.kill9();
    const fourth = await start(dataDir, changed);
    await fourth.stop();
    r = reports(dataDir);
    expect(r.lockers.map((c) => c.length)).toEqual([12, 11]);
    expect(r.lockers[1]!.map((c) => c.compartment)).not.toContain('A12');
    expect(r.fridges.map((f) => f.find((x) => x.fridgeId === 'molkerei')!.limitTenths)).toEqual([70, 60]);
  }, 120_000);
});
