/**
 * The one test fixture for waiting and cleaning up:
 * - `waitFor(cond, { timeoutMs, what })`: poll until `cond` holds, or fail naming what was awaited.
 * - `useCleanup()`: call once at the top of a test file (or describe); returns `defer(closer)` and
 *   `tempDir(prefix)`. After each test (or, with `{ per: 'suite' }`, after the file or describe, for
 *   things a `beforeAll` started) the closers run in reverse order of registration (a point is
 *   closed before its broker, a temp dir removed last). Every closer runs even when one fails; the
 *   first failure is logged with the others and rethrown, so a broken teardown fails the test
 *   instead of leaking into the next one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

export { waitFor, type WaitOptions } from './waitFor.ts';

export type Closer = () => unknown;

export interface Cleanup {
  /** Run `closer` after the current test (reverse order of registration). */
  defer(closer: Closer): void;
  /** A fresh directory (tmpfs when available), removed after the current test. */
  tempDir(prefix?: string): string;
}

/** Registers an afterEach (default) or afterAll that runs every deferred closer; see the file comment. */
export function useCleanup(opts: { per?: 'test' | 'suite' } = {}): Cleanup {
  let closers: Closer[] = [];
  (opts.per === 'suite' ? afterAll : afterEach)(async () => {
    const run = closers.reverse();
    closers = [];
    await runClosers(run);
  });
  return {
    defer: (closer) => void closers.push(closer),
    tempDir: (prefix = 'dp-test-') => {
      const dir = makeTempDir(prefix);
      closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}

/** Runs every closer in the given order; logs all failures and rethrows the first. */
export async function runClosers(closers: readonly Closer[]): Promise<void> {
  const failures: unknown[] = [];
  for (const c of closers) {
    try {
      await c();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 0) return;
  for (const f of failures) console.error('cleanup failed:', f);
  throw failures[0];
}

/** A fresh directory (tmpfs when available: these tests exercise logic, not fsync latency). */
function makeTempDir(prefix = 'dp-test-'): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, prefix));
}
