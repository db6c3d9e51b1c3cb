import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { DigitalInput, Unwatch } from '../ports.ts';

/**
 * Debounce a digital input: a new level is reported only after it has been stable for
 * `stableMs`. Bounce shorter than that never reaches listeners (a door contact chattering
 * while the door settles must not raise "forced open").
 */
export function debounce(input: DigitalInput, stableMs: number, clock: Clock): DigitalInput {
  let reported = input.read();
  const listeners = new Set<(active: boolean) => void>();
  let timer: TimerHandle | undefined;
  let unwatchRaw: Unwatch | undefined;

  const onRaw = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = undefined;
      const level = input.read();
      if (level === reported) return;
      reported = level;
      for (const l of [...listeners]) l(level);
    }, stableMs);
  };

  return {
    name: input.name,
    read: () => reported,
    watch(listener) {
      listeners.add(listener);
      if (!unwatchRaw) unwatchRaw = input.watch(onRaw);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unwatchRaw) {
          unwatchRaw();
          unwatchRaw = undefined;
          if (timer !== undefined) clock.clearTimeout(timer);
          timer = undefined;
        }
      };
    },
  };
}
