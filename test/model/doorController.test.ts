import { describe, expect, it } from 'vitest';
import { DoorRig } from './doorRig.ts';
import type { GrantOutcome } from '../../controller/machines/door/doorController.ts';

const types = (rig: DoorRig): string[] => rig.records.map((r) => r.type);

/** Open the door by pushing and let the contact settle past the debounce. */
function pushOpen(rig: DoorRig): void {
  expect(rig.pushOpen()).toBe(true);
}

function closeDoor(rig: DoorRig): void {
  rig.closeDoor();
}

describe('door controller on the simulated point', () => {
  it('boots with the strike electrically locked and the siren off', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    expect(rig.strikeReleased).toBe(false);
    expect(rig.sirenOn).toBe(false);
    expect(door.state().state).toBe('locked');
  });

  it('grant releases the strike, then relocks after grantMs when nobody opens the door', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    const outcomes: GrantOutcome[] = [];
    const result = door.grant({ reason: 'test', onOutcome: (o) => outcomes.push(o) });
    expect(result.accepted).toBe(true);
    expect(rig.strikeReleased).toBe(true);
    rig.clock.advance(rig.timing.grantMs - 1);
    expect(rig.strikeReleased).toBe(true);
    rig.clock.advance(1);
    expect(rig.strikeReleased).toBe(false);
    expect(outcomes).toEqual(['expired']);
    expect(rig.push()).toBe(false);
    expect(types(rig)).toEqual(['door.released', 'door.grant-ended']);
  });

  it('door opened within the grant relocks at once, and closing it returns to locked', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    const outcomes: GrantOutcome[] = [];
    door.grant({ reason: 'test', onOutcome: (o) => outcomes.push(o) });
    pushOpen(rig);
    expect(door.state().state).toBe('open');
    expect(rig.strikeReleased).toBe(false);
    expect(outcomes).toEqual(['opened']);
    closeDoor(rig);
    expect(door.state().state).toBe('locked');
    expect(rig.strikeReleased).toBe(false);
    expect(rig.sirenOn).toBe(false);
    expect(types(rig)).toEqual(['door.released', 'door.grant-ended', 'door.opened', 'door.closed']);
  });

  it('held-open alarm fires exactly at the threshold, not 1 ms before, and clears on close', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    door.grant({ reason: 'test' });
    pushOpen(rig); // the door is "open" for the machine from here
    rig.clock.advance(rig.timing.heldOpenAfterMs - 1);
    expect(rig.sirenOn).toBe(false);
    expect(types(rig)).not.toContain('alarm.held-open');
    rig.clock.advance(1);
    expect(rig.sirenOn).toBe(true);
    expect(door.state().alarms).toEqual(['held-open']);
    expect(types(rig)).toContain('alarm.held-open');
    closeDoor(rig);
    expect(rig.sirenOn).toBe(false);
    expect(rig.records.at(-2)).toEqual({ type: 'alarm.cleared', data: { alarm: 'held-open', cause: 'closed' } });
  });

  it('forced door raises the forced-open alarm within the debounce time and keeps the siren on until closed', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.force();
    rig.clock.advance(rig.contactSettleMs - 1);
    expect(rig.sirenOn).toBe(false);
    rig.clock.advance(1);
    expect(rig.sirenOn).toBe(true);
    expect(door.state().alarms).toEqual(['forced-open']);
    expect(types(rig)).toEqual(['alarm.forced-open']);
    rig.clock.advance(rig.timing.heldOpenAfterMs * 2);
    expect(rig.sirenOn).toBe(true);
    closeDoor(rig);
    expect(rig.sirenOn).toBe(false);
    expect(door.state().state).toBe('locked');
    expect(types(rig)).toEqual(['alarm.forced-open', 'alarm.cleared', 'door.closed']);
  });

  it('contact chatter shorter than the debounce does not raise a forced-open alarm', () => {
    const rig = new DoorRig({ timing: { contactDebounceMs: 1_000 } });
    const door = rig.boot();
    for (let i = 0; i < 20; i++) {
      rig.rattle(999);
      rig.clock.advance(5);
    }
    rig.clock.advance(5_000);
    expect(rig.sirenOn).toBe(false);
    expect(door.state().state).toBe('locked');
    expect(rig.records).toEqual([]);
  });

  it('a slammed door bouncing on its contact (simulated bounce < debounce) gives one open, one close, no alarm', () => {
    const rig = new DoorRig({ bounce: { transitions: 6, everyMs: 30 } }); // 210 ms of chatter < 250 ms debounce
    const door = rig.boot();
    door.grant({ reason: 'test' });
    pushOpen(rig);
    closeDoor(rig);
    rig.clock.advance(rig.timing.heldOpenAfterMs);
    expect(rig.sirenOn).toBe(false);
    expect(door.state().state).toBe('locked');
    expect(types(rig)).toEqual(['door.released', 'door.grant-ended', 'door.opened', 'door.closed']);
  });

  it('contact bounce longer than the debounce is seen (the debounce is not infinite)', () => {
    const rig = new DoorRig({ timing: { contactDebounceMs: 100 } });
    const door = rig.boot();
    rig.rattle(100);
    expect(door.state().alarms).toEqual(['forced-open']);
  });

  it('fire alarm releases the strike, holds it released while active and relocks when cleared', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.fire(true);
    expect(rig.strikeReleased).toBe(true);
    rig.clock.advance(10 * 60_000);
    expect(rig.strikeReleased).toBe(true);
    // people flee; door stands open: no held-open siren during a fire
    pushOpen(rig);
    rig.clock.advance(rig.timing.heldOpenAfterMs * 2);
    expect(rig.sirenOn).toBe(false);
    expect(rig.strikeReleased).toBe(true);
    // a grant during the fire changes nothing
    expect(door.grant({ reason: 'test' })).toMatchObject({ accepted: false, reason: 'fire' });
    expect(rig.strikeReleased).toBe(true);
    closeDoor(rig);
    rig.fire(false);
    expect(rig.strikeReleased).toBe(false);
    expect(door.state().state).toBe('locked');
    expect(types(rig)).toEqual(['alarm.fire', 'door.opened', 'door.grant-ignored', 'door.closed', 'alarm.fire-cleared']);
  });

  it('fire alarm cleared with the door still open starts held-open timing from then', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.fire(true);
    pushOpen(rig);
    rig.fire(false);
    expect(door.state().state).toBe('open');
    expect(rig.strikeReleased).toBe(false);
    rig.clock.advance(rig.timing.heldOpenAfterMs - 1);
    expect(rig.sirenOn).toBe(false);
    rig.clock.advance(1);
    expect(rig.sirenOn).toBe(true);
  });

  it('exit button releases the strike for exitGrantMs for egress, logged as door.exit-request', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.exit();
    expect(rig.strikeReleased).toBe(true);
    expect(door.state().state).toBe('egress');
    pushOpen(rig);
    expect(rig.strikeReleased).toBe(false);
    closeDoor(rig);
    expect(rig.records.slice(0, 3)).toEqual([
      { type: 'door.exit-request', data: { outcome: 'released' } },
      { type: 'door.released', data: { by: 'exit', durationMs: rig.timing.exitGrantMs } },
      { type: 'door.opened', data: { via: 'exit' } },
    ]);
  });

  it('exit release unused relocks after exitGrantMs', () => {
    const rig = new DoorRig();
    rig.boot();
    rig.sim.pressExit();
    rig.clock.advance(rig.exitDebounceMs);
    rig.clock.advance(rig.timing.exitGrantMs - 1);
    expect(rig.strikeReleased).toBe(true);
    rig.clock.advance(1);
    expect(rig.strikeReleased).toBe(false);
    expect(types(rig)).toContain('door.egress-ended');
  });

  it('door found open at boot records door.open-at-boot and no forced alarm; held-open counts from boot', () => {
    const rig = new DoorRig();
    rig.force(); // open while no controller runs
    const door = rig.boot();
    expect(door.state().state).toBe('open');
    expect(rig.sirenOn).toBe(false);
    expect(types(rig)).toEqual(['door.open-at-boot']);
    rig.clock.advance(rig.timing.heldOpenAfterMs);
    expect(rig.sirenOn).toBe(true);
    expect(types(rig)).toContain('alarm.held-open');
  });

  it('stop leaves the strike locked and the siren off, even mid-grant and mid-alarm', async () => {
    const rig = new DoorRig();
    const door = rig.boot();
    const outcomes: GrantOutcome[] = [];
    rig.forceOpen();
    closeDoor(rig);
    door.grant({ reason: 'test', onOutcome: (o) => outcomes.push(o) });
    expect(rig.strikeReleased).toBe(true);
    await rig.stop();
    expect(rig.strikeReleased).toBe(false);
    expect(rig.sirenOn).toBe(false);
    expect(outcomes).toEqual(['stopped']);
    expect(rig.clock.pendingTimers()).toBe(0);
  });

  it('DoorController.stop during an active fire alarm leaves the strike released', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.fire(true);
    door.stop();
    expect(rig.strikeReleased).toBe(true);
    expect(rig.sirenOn).toBe(false);
  });

  it('rejects a grant with a nonsensical duration without touching the strike', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    for (const durationMs of [0, -1, Number.NaN, 1.5, 10 * 60_000]) {
      expect(door.grant({ reason: 'test', durationMs })).toMatchObject({ accepted: false, reason: 'invalid-duration' });
    }
    expect(rig.strikeReleased).toBe(false);
  });

  it('a failing ledger (disk full) does not stop the door from releasing, alarming and relocking', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    rig.failRecording = true;
    door.onRecord(() => {
      throw new Error('listener broke');
    });
    expect(door.grant({ reason: 'test' }).accepted).toBe(true);
    expect(rig.strikeReleased).toBe(true);
    rig.clock.advance(rig.timing.grantMs);
    expect(rig.strikeReleased).toBe(false);
    rig.forceOpen();
    expect(rig.sirenOn).toBe(true);
  });

  it('onChange tells the live UI about every state change as plain JSON, and stops after unsubscribe', () => {
    const rig = new DoorRig();
    const door = rig.boot();
    const seen: string[] = [];
    const off = door.onChange((v) => seen.push(`${v.state}:${v.strikeReleased ? 'released' : 'locked'}:${v.alarms.join('+')}`));
    door.grant({ reason: 'test' });
    pushOpen(rig);
    rig.clock.advance(rig.timing.heldOpenAfterMs);
    off();
    closeDoor(rig);
    expect(seen).toEqual(['granted:released:', 'open:locked:', 'heldOpen:locked:held-open']);
    expect(JSON.parse(JSON.stringify(door.state()))).toEqual(door.state());
  });
});
