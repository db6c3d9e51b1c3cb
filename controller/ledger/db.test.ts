import Database from 'better-sqlite3';
import { writeFileSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { checkPragmas, openDatabase } from './db.ts';
import { LedgerError } from './errors.ts';
import { ledgerFixture } from './testSupport.ts';

const DURABLE = {
  journalMode: 'wal',
  synchronous: 2,
  foreignKeys: 1,
  busyTimeout: 5000,
  journalSizeLimit: 64 * 1024 * 1024,
};

describe('ledger database pragmas (L1)', () => {
  let fx: ReturnType<typeof ledgerFixture>;
  beforeEach(() => {
    fx = ledgerFixture();
  });
  afterEach(() => fx.cleanup());

  it('every connection is WAL + synchronous=FULL + foreign keys + busy timeout, also after writes and on reopen', () => {
    const a = fx.open();
    expect(checkPragmas(a.db)).toEqual(DURABLE);
    a.appendUnchecked('door.state', { state: 'locked' });
    expect(checkPragmas(a.db)).toEqual(DURABLE);
    // second connection while the first is open, then a reopen after close
    const b = fx.open();
    b.appendUnchecked('door.state', { state: 'open' });
    expect(checkPragmas(b.db)).toEqual(DURABLE);
    a.close();
    b.close();
    const c = fx.open();
    expect(checkPragmas(c.db)).toEqual(DURABLE);
    expect(c.lastSeq()).toBe(2);
  });

  it('a plain reopened connection falls back to synchronous=NORMAL, which checkPragmas refuses', () => {
    fx.open().close();
    const raw = new Database(fx.path);
    try {
      expect(raw.pragma('synchronous', { simple: true })).toBe(1);
      expect(() => checkPragmas(raw)).toThrow(/synchronous=1 \(want 2 = FULL\)/);
    } finally {
      raw.close();
    }
  });

  it('refuses a file that is not a database with a clear error', () => {
    writeFileSync(fx.path, 'this is not a sqlite file, just some text '.repeat(200));
    expect(() => openDatabase(fx.path, createSilentLogger())).toThrow(LedgerError);
    expect(() => fx.open()).toThrow(/not a readable SQLite database.*refusing to start/);
  });

  it('refuses a ledger whose pages were damaged (integrity_check fails)', () => {
    const l = fx.open();
    for (let i = 0; i < 300; i++) l.appendUnchecked('entry.granted', { credentialId: `c-${i}`, note: 'x'.repeat(100) });
    l.close();
    // overwrite a stretch in the middle of the file (b-tree pages, not the header)
    const bytes = readFileSync(fx.path);
    expect(bytes.length).toBeGreaterThan(8 * 4096);
    for (let i = 3 * 4096; i < 6 * 4096; i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(fx.path, bytes);
    let error: unknown;
    try {
      fx.open();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('corrupt');
    expect((error as Error).message).toMatch(/refusing to start/);
  });
});
