/**
 * `dorfpunkt backoffice projections rebuild --db …` restores read models that were lost or tampered
 * with from the stored events; a wrong command prints the usage and changes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../backoffice/cli.ts';
import { openDatabase } from '../../backoffice/db/database.ts';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { batchOf, dumpProjections, ev } from './projectionSupport.ts';

const T0 = Date.UTC(2027, 2, 1, 8, 0, 0);

describe('projections rebuild CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-projcli-'));
  const path = join(dir, 'bo.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (args: string[]): Promise<{ code: number; out: string[] }> => {
    const out: string[] = [];
    const code = await runCli(args, (l) => out.push(l), createSilentLogger());
    return { code, out };
  };

  it('rebuilds read models that were emptied or changed by hand, from the stored events', async () => {
    const database = await openDatabase({ kind: 'sqlite', path });
    let live;
    try {
      await ingestBatch(
        database.db,
        batchOf('dorf-a', [
          ev(1, T0, 'alarm.held-open', { openForMs: 30_000 }),
          ev(2, T0 + 1, 'fridge.readings', { fridgeId: 'k1', firstAt: T0, offsetsMs: [0], tenths: [45] }),
          ev(3, T0 + 2, 'member.upserted', { memberId: 'm1', name: 'Eva', role: 'member', ageVerified: false }),
        ]),
        T0 + 5,
      );
      live = await dumpProjections(database.db);
      await database.db.deleteFrom('p_alarms').execute();
      await database.db.updateTable('p_fridges').set({ tenths: 999 }).execute();
    } finally {
      await database.close();
    }

    const r = await cli(['projections', 'rebuild', '--db', `sqlite:${path}`]);
    expect(r).toEqual({ code: 0, out: ['projections rebuilt from 3 stored events'] });
    const again = await openDatabase({ kind: 'sqlite', path });
    try {
      expect(await dumpProjections(again.db)).toEqual(live);
    } finally {
      await again.close();
    }
  });

  it('prints the usage for an unknown subcommand', async () => {
    const r = await cli(['projections', 'rebuilt', '--db', `sqlite:${path}`]);
    expect(r.code).toBe(2);
    expect(r.out[0]).toMatch(/^usage: dorfpunkt backoffice projections rebuild/);
  });
});
