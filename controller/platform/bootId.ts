/**
 * Which boot of the machine this process runs in. Monotonic time (Clock.monotonic, CLOCK_MONOTONIC)
 * restarts at every boot, so a persisted monotonic deadline is only meaningful together with the
 * boot it was measured in: same boot id → the deadline is exact (a crash and restart does not
 * shorten a lock); another boot id → the time that passed is unknown and the rule that persisted
 * it must decide conservatively (see controller/access/attemptLimiter.ts).
 *
 * Linux publishes a random id per boot in /proc/sys/kernel/random/boot_id. Where it is missing
 * (not Linux) every process is treated as a new boot: never too lenient.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

export function readBootId(file = BOOT_ID_FILE): string {
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{8,64}$/i.test(id)) return id.toLowerCase();
  } catch {
    // fall through: unknown boot
  }
  return `process-${randomUUID()}`;
}
