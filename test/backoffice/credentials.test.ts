/** Site broker credentials: Mosquitto-compatible hashes, the CLI command, the password file. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, verifyPassword } from '../../backoffice/credentials/passwordHash.ts';
import { runCli } from '../../backoffice/cli.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { openDatabase } from '../../backoffice/db/database.ts';

describe('site credentials', () => {
  it('verifies a hash written by mosquitto_passwd and refuses wrong passwords and malformed hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-pw-'));
    try {
      const file = join(dir, 'pw');
      const r = spawnSync('mosquitto_passwd', ['-c', '-b', file, 'dorf-1', 's3cret'], { encoding: 'utf8' });
      if (r.error) {
        console.warn('mosquitto_passwd not found: compatibility check against it skipped');
      } else {
        const hash = readFileSync(file, 'utf8').trim().split(':')[1]!;
        expect(hash.startsWith('$7$')).toBe(true);
        expect(verifyPassword('s3cret', hash)).toBe(true);
        expect(verifyPassword('s3cret!', hash)).toBe(false);
      }
      expect(verifyPassword('x', hashPassword('x'))).toBe(true);
      expect(verifyPassword('x', '$6$abc$def')).toBe(false);
      expect(verifyPassword('x', 'garbage')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`site-credentials create` stores a salted hash, prints the password once and upserts the password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-cli-'));
    try {
      const db = join(dir, 'bo.db');
      const pw = join(dir, 'passwd');
      const out: string[] = [];
      expect(
        await runCli(['site-credentials', 'create', 'dorf-7', '--db', `sqlite:${db}`, '--passwd-file', pw], (l) => out.push(l), createSilentLogger()),
      ).toBe(0);
      expect(
        await runCli(['site-credentials', 'create', 'dorf-8', '--db', `sqlite:${db}`, '--passwd-file', pw], (l) => out.push(l), createSilentLogger()),
      ).toBe(0);
      const password = /password (\S+)/.exec(out.find((l) => l.includes('site dorf-7'))!)![1]!;
      const lines = readFileSync(pw, 'utf8').trim().split('\n');
      expect(lines.map((l) => l.split(':')[0])).toEqual(['dorf-7', 'dorf-8']);
      expect(verifyPassword(password, lines[0]!.slice('dorf-7:'.length))).toBe(true);
      const database = await openDatabase({ kind: 'sqlite', path: db });
      const row = await database.db.selectFrom('site_credentials').selectAll().where('site_id', '=', 'dorf-7').executeTakeFirstOrThrow();
      await database.close();
      expect(row.password_hash).not.toContain(password);
      expect(verifyPassword(password, row.password_hash)).toBe(true);
      const bad: string[] = [];
      await expect(runCli(['site-credentials', 'create', 'Bad_Id', '--db', `sqlite:${db}`], (l) => bad.push(l), createSilentLogger())).rejects.toThrow(
        /invalid siteId/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`site-credentials create --name` registers the site under the operator’s name for the fleet; a bad name is refused before anything is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-cli-'));
    try {
      const db = `sqlite:${join(dir, 'bo.db')}`;
      const out: string[] = [];
      expect(
        await runCli(['site-credentials', 'create', 'kleinweiler', '--name', 'Dorfladen Kleinweiler', '--db', db], (l) => out.push(l), createSilentLogger()),
      ).toBe(0);
      expect(await runCli(['site-credentials', 'create', 'bergheim', '--name', '', '--db', db], (l) => out.push(l), createSilentLogger())).toBe(2);
      expect(out).toContain('--name: a site name must have 1 to 80 characters');
      const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'bo.db') });
      try {
        expect(await database.db.selectFrom('sites').select(['site_id', 'name', 'status']).execute()).toEqual([
          { site_id: 'kleinweiler', name: 'Dorfladen Kleinweiler', status: 'unknown' },
        ]);
        expect((await database.db.selectFrom('site_credentials').select('site_id').execute()).map((r) => r.site_id)).toEqual(['kleinweiler']);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
