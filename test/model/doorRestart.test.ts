import { describe, expect, it } from 'vitest';
import { DoorRig } from './doorRig.ts';
import type { DoorStateName } from '../../controller/machines/door/doorMachine.ts';

/** Drive a fresh rig into each reachable state of the door machine. */
const reach: Record<Exclude<DoorStateName, 'boot'>, (rig: DoorRig) => void> = {
  locked: () => {},
  granted: (rig) => {
    rig.controller.grant({ reason: 'test' });
  },
  egress: (rig) => rig.exit(),
  open: (rig) => {
    rig.controller.grant({ reason: 'test' });
    rig.pushOpen();
  },
  heldOpen: (rig) => {
    reach.open(rig);
    rig.clock.advance(rig.timing.heldOpenAfterMs);
  },
  forcedOpen: (rig) => rig.forceOpen(),
  fireClosed: (rig) => rig.fire(true),
  fireOpen: (rig) => {
    rig.fire(true);
    rig.pushOpen();
  },
};

describe('strike locked after a restart in any state', () => {
  for (const [name, drive] of Object.entries(reach)) {
    const fire = name.startsWith('fire');
    for (const how of ['stop', 'crash'] as const) {
      it(`${how} in ${name}: strike ${fire ? 'released (fire input active)' : 'locked'} right after the new start, no unlock pulse while booting`, async () => {
        const rig = new DoorRig();
        const strike = rig.strikePin;
        const lockedLevel = strike.activeLow ? 1 : 0;
        rig.boot();
        drive(rig);
        expect(rig.controller.state().state).toBe(name);

        if (how === 'stop') await rig.stop();
        else await rig.crash();
        const writesBefore = rig.gpio.writes.length;

        const door = rig.boot();
        const bootWrites = rig.gpio.writes.slice(writesBefore).filter((w) => w.bcm === strike.bcm);
        expect(bootWrites.length).toBeGreaterThan(0);
        // The first thing written at boot is "locked", always — even during a fire.
        expect(bootWrites[0]?.level).toBe(lockedLevel);
        expect(rig.strikeReleased).toBe(fire);
        if (!fire) {
          // 0 unlock pulses from boot on, however short.
          expect(bootWrites.every((w) => w.level === lockedLevel)).toBe(true);
          expect(rig.push()).toBe(rig.doorOpen);
        }
        expect(rig.sirenOn).toBe(false);
        const expectedState = fire ? name : rig.doorOpen ? 'open' : 'locked';
        expect(door.state().state).toBe(expectedState);
        // Timers of the dead process never touch the pins again.
        rig.clock.advance(10 * 60_000);
        expect(rig.strikeReleased).toBe(fire);
      });
    }
  }
});
