import { existsSync } from 'node:fs';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';

/**
 * "Is the wall clock trustworthy now?" (DESIGN principle 4: the Pi has no RTC; events say
 * whether the clock was synced). systemd-timesyncd creates `/run/systemd/timesync/synchronized`
 * once it has synchronised the clock via NTP (systemd >= 239; `/run` is a tmpfs, so the file
 * means "synced since this boot"). A point using chrony or ntpd passes a flag file of its own.
 *
 * The answer is cached and the file checked again at most every `recheckMs` (monotonic time of
 * the injected clock), so the ledger can ask on every append without a syscall each time.
 */
export interface ClockSyncProbeOptions {
  clock: Clock;
  /** Default `/run/systemd/timesync/synchronized`. */
  syncedFlagPath?: string;
  /** Default 10 000 ms. */
  recheckMs?: number;
  /** File existence check (tests); default `fs.existsSync` (false on any error). */
  exists?: (path: string) => boolean;
}

export const TIMESYNCD_SYNCED_FLAG = '/run/systemd/timesync/synchronized';
export const CLOCK_SYNC_RECHECK_MS = 10_000;

export function createClockSyncProbe(options: ClockSyncProbeOptions): () => boolean {
  const { clock } = options;
  const path = options.syncedFlagPath ?? TIMESYNCD_SYNCED_FLAG;
  const recheckMs = options.recheckMs ?? CLOCK_SYNC_RECHECK_MS;
  const exists = options.exists ?? existsSync;
  let checkedAt: number | undefined;
  let synced = false;
  return () => {
    const now = clock.monotonic();
    if (checkedAt === undefined || now - checkedAt >= recheckMs) {
      checkedAt = now;
      try {
        synced = exists(path);
      } catch {
        synced = false;
      }
    }
    return synced;
  };
}
