import type { Clock } from '../firmware-bridge/platform/clock.ts';
import { debounce } from './gpio/debounce.ts';
import type { DigitalInput, DigitalOutput, GpioBackend, Unwatch } from './ports.ts';
import type { HardwareProfile } from './profile/schema.ts';

/** The point's door and alarm I/O, in logical levels, as the controller sees it. */
export interface PointIo {
  /** Door strike; `true` = released. Locked at creation and on stop (released on stop while the fire input is active). */
  strike: DigitalOutput;
  /** Siren; `true` = sounding. Silent at creation and on stop. */
  siren: DigitalOutput;
  /** Door contact, debounced (`door.timing.contactDebounceMs`); `true` = door open. */
  contact: DigitalInput;
  /** Exit button, debounced (`door.timing.exitButtonDebounceMs`); `true` = pressed. */
  exitButton: DigitalInput;
  /** Fire alarm input, debounced (`fireAlarm.debounceMs`); `true` = alarm. */
  fireAlarm: DigitalInput;
  /**
   * Silence the siren and lock the strike, drop every watcher and debounce timer, then stop the
   * backend. While the fire-alarm input is active the strike is left RELEASED and held by the
   * backend (an escape door must not lock because our process stops). Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Claim the point's pins on `backend` in a fail-safe order: the strike and the siren FIRST,
 * driving locked/silent, before any input is touched. If any claim fails, everything already
 * claimed is released (backend.stop(): safe levels, unexport) and the error is rethrown.
 *
 * The PointIo owns the backend from here on: its stop() stops the backend.
 */
export function createPointIo(profile: HardwareProfile, backend: GpioBackend, clock: Clock): PointIo {
  const { door, fireAlarm, siren } = profile;
  const unwatches = new Set<Unwatch>();

  /** Track every watcher so stop() can drop them (which also clears pending debounce timers). */
  const tracked = (input: DigitalInput): DigitalInput => ({
    name: input.name,
    read: () => input.read(),
    watch(listener) {
      const unwatch = input.watch(listener);
      const drop = (): void => {
        unwatches.delete(drop);
        unwatch();
      };
      unwatches.add(drop);
      return drop;
    },
  });

  /** Debounced input whose read() stays current even before the controller watches it. */
  const debounced = (raw: DigitalInput, ms: number): DigitalInput => {
    const input = tracked(ms > 0 ? debounce(raw, ms, clock) : raw);
    input.watch(() => {}); // keep-alive: debounce only follows the raw pin while watched
    return input;
  };

  let io: Omit<PointIo, 'stop'>;
  try {
    const strike = backend.output('door.strike', door.strike.bcm, { activeLow: door.strike.activeLow, initial: false });
    const sirenOut = backend.output('siren', siren.bcm, { activeLow: siren.activeLow, initial: false });
    const pinOptions = (p: { activeLow: boolean; pull: 'up' | 'down' | 'none' }) => ({ activeLow: p.activeLow, pull: p.pull });
    io = {
      strike,
      siren: sirenOut,
      contact: debounced(backend.input('door.contact', door.contact.bcm, pinOptions(door.contact)), door.timing.contactDebounceMs),
      exitButton: debounced(backend.input('door.exitButton', door.exitButton.bcm, pinOptions(door.exitButton)), door.timing.exitButtonDebounceMs),
      fireAlarm: debounced(backend.input('fireAlarm', fireAlarm.bcm, pinOptions(fireAlarm)), fireAlarm.debounceMs),
    };
  } catch (err) {
    for (const u of [...unwatches]) u();
    // Release what was claimed. Both backends do their release synchronously inside stop()
    // (no await before the writes), so outputs are safe by the time this throws.
    backend.stop().catch(() => {});
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    ...io,
    stop() {
      stopping ??= (async () => {
        // Read the fire input before the watchers go: the debounced level is the one the door acted on.
        let fire = false;
        try {
          fire = io.fireAlarm.read();
        } catch {
          // unreadable: the normal fail-secure stop
        }
        for (const u of [...unwatches]) u();
        const failures: string[] = [];
        for (const [out, level] of [
          [io.strike, fire],
          [io.siren, false],
        ] as const) {
          try {
            out.write(level);
          } catch (err) {
            failures.push(`${out.name}: ${(err as Error).message}`);
          }
        }
        await backend.stop(fire ? { hold: [door.strike.bcm] } : {});
        if (failures.length > 0) throw new Error(`point I/O stop: could not drive safe levels: ${failures.join('; ')}`);
      })();
      return stopping;
    },
  };
}
