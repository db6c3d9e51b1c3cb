/**
 * "What time is it, really?" for validity decisions. The Pi has no RTC and its wall clock may
 * jump (DESIGN principle 4), so:
 *  - once the sync client reports server time (`setServerTime`), time is that reference plus
 *    monotonic elapsed time, and the wall clock is ignored;
 *  - before that, time is the wall clock, but never earlier than a floor that moves forward with
 *    monotonic time: the highest wall reading seen in this process, and an optional persisted
 *    floor (e.g. the ledger's last event time) given at construction. A clock set back (to 1970,
 *    or a year) therefore cannot revive an expired credential (REFERENCE K3).
 *  A wall clock wrongly set *forward* without a server reference makes credentials look expired
 *  (fails closed) until the server time arrives.
 *
 * `now()` is always a whole millisecond (rounded down): the system clock's monotonic time is
 * fractional, and anything derived from trusted time may be persisted (ledger payloads are
 * integers). Rounding down never extends a validity by more than the millisecond it drops.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';

export class TrustedTime {
  private floorWall: number;
  private floorMono: number;
  private server: { wall: number; mono: number } | undefined;

  constructor(
    private readonly clock: Clock,
    floorMs = 0,
  ) {
    this.floorWall = Number.isFinite(floorMs) ? floorMs : 0;
    this.floorMono = clock.monotonic();
  }

  /** Server-issued time, e.g. from the backoffice's acknowledgement. */
  setServerTime(serverMs: number): void {
    if (!Number.isFinite(serverMs)) return;
    this.server = { wall: serverMs, mono: this.clock.monotonic() };
  }

  now(): number {
    const mono = this.clock.monotonic();
    if (this.server) return Math.floor(this.server.wall + (mono - this.server.mono));
    const wall = this.clock.now();
    const extrapolated = this.floorWall + (mono - this.floorMono);
    if (Number.isFinite(wall) && wall >= extrapolated) {
      this.floorWall = wall;
      this.floorMono = mono;
      return Math.floor(wall);
    }
    return Math.floor(extrapolated);
  }
}
