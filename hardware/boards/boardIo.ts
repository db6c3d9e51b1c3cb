import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput } from '../ports.ts';

/**
 * A board relay and a board input as the GPIO-like ports the controller uses (`DigitalOutput`,
 * `DigitalInput`, logical levels: relay on = active, input set = active).
 *
 * A relay write is a bus command: `write` keeps the level and sends it in the background; a
 * failed switch is logged (the caller writes again on its next sample, the feature repeats it).
 * An input reads the handle's last polled level (false until the board answered) and `watch`
 * checks it on the injected clock every `everyMs` (the board's poll period).
 */

type SetRelay = (channel: number, on: boolean) => Promise<{ ok: true } | { ok: false; reason: string; detail: string }>;

export function boardRelayOutput(name: string, board: { setRelay: SetRelay }, channel: number, logger: Logger): DigitalOutput {
  let level = false;
  return {
    name,
    write(active) {
      level = active;
      board.setRelay(channel, active).then(
        (r) => {
          if (!r.ok) logger.warn({ relay: name, channel, active, reason: r.reason, detail: r.detail }, 'board relay switch failed');
        },
        (err: unknown) => logger.error({ relay: name, channel, active, err: String(err) }, 'board relay switch threw'),
      );
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
