import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger, type LedgerOpenOptions } from './ledger.ts';

/** Test helper: a fresh directory and a ledger opener bound to it. Call `cleanup()` in afterEach. */
export function ledgerFixture(): {
  dir: string;
  path: string;
  clock: ManualClock;
  open: (extra?: Partial<LedgerOpenOptions>) => Ledger;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-ledger-'));
  const path = join(dir, 'ledger.db');
  const clock = new ManualClock();
  const opened: Ledger[] = [];
  return {
    dir,
    path,
    clock,
    open: (extra = {}) => {
      const l = Ledger.open({ path, siteId: 'site-test', clock, logger: createSilentLogger(), ...extra });
      opened.push(l);
      return l;
    },
    cleanup: () => {
      for (const l of opened) l.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
