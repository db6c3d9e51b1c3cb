import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import {
  doorMachine,
  doorStateName,
  expectedOutputs,
  type DoorEvent,
  type DoorMachineInput,
  type DoorStateName,
} from '../../controller/machines/door/doorMachine.ts';
import { DoorRig, simulatedProfile } from './doorRig.ts';

/**
 * Model-based test: the door machine is the model; a real DoorController on the simulated
 * point (FakeGpio, real polarity, debounced contact, per-process clock) is the system under
 * test. Every path drives the PHYSICAL world (push/force/close the door, press the exit button,
 * set the fire input, advance the clock) and after every step checks the electrical strike
 * level and the siren against what the model state says, plus the controller's own state.
 *
 * Coverage: (1) all simple paths from a normal boot, (2) for each boot situation, the shortest
 * path to every state extended by every physically possible event (= every transition).
 */

type Snapshot = SnapshotFrom<typeof doorMachine>;
type TimeEventType = 'xstate.after.grant.door.normal.granted' | 'xstate.after.exitGrant.door.normal.egress' | 'xstate.after.heldOpen.door.normal.open';
type ModelEvent = DoorEvent | { type: TimeEventType };

const profileTiming = simulatedProfile().door.timing;
const timing = {
  grantMs: profileTiming.grantMs,
  exitGrantMs: profileTiming.exitGrantMs,
  heldOpenAfterMs: profileTiming.heldOpenAfterMs,
};
/** Contact chatter on every door movement, shorter than the contact debounce. */
const BOUNCE = { transitions: 3, everyMs: 40 };
const TIME_EVENTS: Record<TimeEventType, { state: DoorStateName; ms: number }> = {
  'xstate.after.grant.door.normal.granted': { state: 'granted', ms: timing.grantMs },
  'xstate.after.exitGrant.door.normal.egress': { state: 'egress', ms: timing.exitGrantMs },
  'xstate.after.heldOpen.door.normal.open': { state: 'open', ms: timing.heldOpenAfterMs },
};

const DOOR_OPEN_STATES: ReadonlySet<DoorStateName> = new Set(['open', 'heldOpen', 'forcedOpen', 'fireOpen']);
const FIRE_STATES: ReadonlySet<DoorStateName> = new Set(['fireClosed', 'fireOpen']);

/** The events the physical world can produce in a state (a closed door cannot close). */
function eventsFor(snapshot: Snapshot): ModelEvent[] {
  const name = doorStateName(snapshot.value);
  const events: ModelEvent[] = [
    { type: 'GRANT', grantId: 0, durationMs: timing.grantMs, reason: 'model' },
    { type: 'EXIT' },
    DOOR_OPEN_STATES.has(name) ? { type: 'CONTACT_CLOSE' } : { type: 'CONTACT_OPEN' },
    FIRE_STATES.has(name) ? { type: 'FIRE_OFF' } : { type: 'FIRE_ON' },
  ];
  for (const [type, t] of Object.entries(TIME_EVENTS)) {
    if (t.state === name) events.push({ type: type as TimeEventType });
  }
  return events;
}

const BOOTS: Record<string, DoorMachineInput['boot']> = {
  normal: { fireAlarm: false, contactOpen: false },
  'door open at boot': { fireAlarm: false, contactOpen: true },
  'fire at boot': { fireAlarm: true, contactOpen: false },
  'fire and door open at boot': { fireAlarm: true, contactOpen: true },
};

const traversal = (boot: DoorMachineInput['boot']) => ({
  input: { timing, boot },
  events: (s: Snapshot) => eventsFor(s) as DoorEvent[],
  serializeState: (s: Snapshot) => JSON.stringify(s.value),
});

function checkOutputs(rig: DoorRig, snapshot: Snapshot, where: string): void {
  const name = doorStateName(snapshot.value);
  const want = expectedOutputs[name];
  expect({ state: rig.controller.state().state, strike: rig.strikeReleased, siren: rig.sirenOn }, where).toEqual({
    state: name,
    strike: want.strikeReleased,
    siren: want.sirenOn,
  });
}

/** Self-transitions that restart the state's timer (`reenter: true` in the machine). */
const REENTERS: ReadonlySet<string> = new Set(['granted GRANT', 'egress EXIT']);

/** Replay one model path on a fresh simulated point. */
function replay(path: StatePath<Snapshot, DoorEvent>, boot: DoorMachineInput['boot']): void {
  const rig = new DoorRig({ bounce: BOUNCE });
  let previous: Snapshot | undefined;
  /** SUT time at which the current state (and its timer) was entered. */
  let enteredAt = 0;
  const trail: string[] = [];
  for (const step of path.steps) {
    const event = step.event as ModelEvent | { type: 'xstate.init' };
    trail.push(event.type);
    const where = trail.join(' → ');
    if (event.type === 'xstate.init') {
      if (boot.contactOpen) rig.force();
      if (boot.fireAlarm) rig.setFireAlarm(true);
      rig.clock.advance(1_000); // the world settles before the process starts
      rig.boot();
      enteredAt = rig.clock.monotonic();
    } else {
      if (!previous) throw new Error('path without init step');
      const from = doorStateName(previous.value);
      const effectAt = execute(rig, event, expectedOutputs[from].strikeReleased, enteredAt, where);
      const to = doorStateName(step.state.value);
      if (to !== from || REENTERS.has(`${from} ${event.type}`)) enteredAt = effectAt;
    }
    checkOutputs(rig, step.state, where);
    previous = step.state;
  }
}

/** Make the event happen in the physical world; returns the SUT time it took effect. */
function execute(rig: DoorRig, event: ModelEvent, strikeReleasedBefore: boolean, enteredAt: number, where: string): number {
  const now = (): number => rig.clock.monotonic();
  switch (event.type) {
    case 'GRANT':
      rig.controller.grant({ reason: 'model' });
      return now();
    case 'EXIT': {
      const at = now() + rig.exitDebounceMs;
      rig.exit();
      return at;
    }
    case 'CONTACT_OPEN':
      // A person pushes; the door gives only if the strike is physically released.
      expect(rig.push(), `${where}: door gives to a push`).toBe(strikeReleasedBefore);
      if (!strikeReleasedBefore) rig.force();
      rig.clock.advance(rig.contactSettleMs);
      return now();
    case 'CONTACT_CLOSE':
      rig.closeDoor();
      return now();
    case 'FIRE_ON':
    case 'FIRE_OFF':
      rig.fire(event.type === 'FIRE_ON');
      return now();
    default: {
      const deadline = enteredAt + TIME_EVENTS[event.type].ms;
      // 1 ms before the deadline nothing may have changed yet.
      const before = { strike: rig.strikeReleased, siren: rig.sirenOn, state: rig.controller.state().state };
      rig.clock.advance(deadline - now() - 1);
      const early = { strike: rig.strikeReleased, siren: rig.sirenOn, state: rig.controller.state().state };
      expect(early, `${where} (1 ms early)`).toEqual(before);
      rig.clock.advance(1);
      return now();
    }
  }
}

/** Shortest path to every state, each extended by every possible event: every transition. */
function transitionPaths(boot: DoorMachineInput['boot']): Array<StatePath<Snapshot, DoorEvent>> {
  const out: Array<StatePath<Snapshot, DoorEvent>> = [];
  for (const path of getShortestPaths(doorMachine, traversal(boot))) {
    for (const event of eventsFor(path.state)) {
      const [next] = transition(doorMachine, path.state, event as DoorEvent);
      out.push({
        state: next,
        weight: path.weight + 1,
        steps: [...path.steps, { event: event as DoorEvent, state: next }],
      });
    }
  }
  return out;
}

describe('door model: physical outputs follow the model on every path', () => {
  const simple = getSimplePaths(doorMachine, traversal(BOOTS['normal']!));

  it(`covers every state and all ${simple.length} simple paths from a normal boot`, () => {
    const reached = new Set(simple.map((p) => doorStateName(p.state.value)));
    expect([...reached].sort()).toEqual(['egress', 'fireClosed', 'fireOpen', 'forcedOpen', 'granted', 'heldOpen', 'locked', 'open'].sort());
    for (const path of simple) replay(path, BOOTS['normal']!);
    console.info(`door model: ${simple.length} simple paths replayed`);
  });

  for (const [label, boot] of Object.entries(BOOTS)) {
    const paths = transitionPaths(boot);
    it(`${label}: every transition (${paths.length} paths) drives strike and siren as the model says`, () => {
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) replay(path, boot);
      console.info(`door model (${label}): ${paths.length} transition paths replayed`);
    });
  }
});
