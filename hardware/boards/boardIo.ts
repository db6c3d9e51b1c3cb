import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput } from '../ports.ts';

/**
 * A board relay and a board input as the GPIO-like ports the controller uses (`DigitalOutput`,
 * `DigitalInput`, logical levels: relay on = active, input set = active).
 *
 * A relay write is a bus command: `write` keeps the level and sends it in the background; a
 * failed switch is logged (the caller writes again on its next sample, the feature repeats it).
 * `settled()` lets the point wait for the last switch (the compressor released on stop) before
 * the boards stop. An input reads the handle's last polled level (false until the board answered) and `watch`
 * checks it on the injected clock every `everyMs` (the board's poll period).
 */

type SetRelay = (channel: number, on: boolean) => Promise<{ ok: true } | { ok: false; reason: string; detail: string }>;

/** A board relay; `settled()` resolves once every switch sent so far was answered or failed (stop: before the bus closes). */
export type BoardRelayOutput = DigitalOutput & { settled(): Promise<void> };

export function boardRelayOutput(name: string, board: { setRelay: SetRelay }, channel: number, logger: Logger): BoardRelayOutput {
  let level = false;
  let pending: Promise<void> = Promise.resolve();
  return {
    name,
    settled: () => pending,
    write(active) {
      level = active;
      const sent = board.setRelay(channel, active).then(
        (r) => {
          if (!r.ok) logger.warn({ relay: name, channel, active, reason: r.reason, detail: r.detail }, 'board relay switch failed');
        },
        (err: unknown) => logger.error({ relay: name, channel, active, err: String(err) }, 'board relay switch threw'),
      );
      pending = Promise.all([pending, sent]).then(() => {});
    },
    read: () => level,
  };
}

export function boardInput(name: string, levels: () => ReadonlyArray<boolean> | unknown, channel: number, clock: Clock, everyMs: number): DigitalInput {
  const read = (): boolean => {
    const l = levels();
    return Array.isArray(l) && l[channel - 1] === true;
  };
  return {
    name,
    read,
    watch(listener) {
      let last = read();
      let timer: TimerHandle | null = null;
      let watching = true;
      const check = (): void => {
        if (!watching) return;
        const now = read();
        if (now !== last) {
          last = now;
          listener(now);
        }
        if (watching) timer = clock.setTimeout(check, everyMs);
      };
      timer = clock.setTimeout(check, everyMs);
      return () => {
        watching = false;
        if (timer !== null) clock.clearTimeout(timer);
        timer = null;
      };
    },
  };
}
