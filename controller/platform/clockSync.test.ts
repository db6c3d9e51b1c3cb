import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createClockSyncProbe } from './clockSync.ts';

describe('clock sync probe', () => {
  let dir: string;
  let flag: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-clocksync-'));
    flag = join(dir, 'synchronized');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says unsynced until timesyncd creates its flag file, noticed at the next re-check (10 s)', () => {
    const clock = new ManualClock();
    const synced = createClockSyncProbe({ clock, syncedFlagPath: flag });
    expect(synced()).toBe(false);
    writeFileSync(flag, '');
    clock.advance(9_999);
    expect(synced()).toBe(false); // cached
    clock.advance(1);
    expect(synced()).toBe(true);
  });

  it('says synced at once when the flag file exists at start, and follows its removal on re-check', () => {
    const clock = new ManualClock();
    writeFileSync(flag, '');
    const synced = createClockSyncProbe({ clock, syncedFlagPath: flag });
    expect(synced()).toBe(true);
    unlinkSync(flag);
    expect(synced()).toBe(true);
    clock.advance(10_000);
    expect(synced()).toBe(false);
  });

  it('checks the file at most once per re-check interval however often it is asked', () => {
    const clock = new ManualClock();
    let checks = 0;
    const synced = createClockSyncProbe({
      clock,
      syncedFlagPath: flag,
      exists: () => {
        checks++;
        return true;
      },
    });
    for (let i = 0; i < 1000; i++) synced();
    expect(checks).toBe(1);
    clock.advance(10_000);
    synced();
    expect(checks).toBe(2);
  });

  it('treats an unreadable location as unsynced instead of throwing', () => {
    const synced = createClockSyncProbe({
      clock: new ManualClock(),
      exists: () => {
        throw new Error('EACCES');
      },
    });
    expect(synced()).toBe(false);
  });
});
