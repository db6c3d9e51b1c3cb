import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../../firmware-bridge/platform/clock.ts';
import { doorMachine, doorStateName, expectedOutputs, type DoorEvent, type DoorMachineInput } from './doorMachine.ts';

const timing = { grantMs: 5_000, exitGrantMs: 3_000, heldOpenAfterMs: 30_000 };
const EVENTS: DoorEvent[] = [
  { type: 'GRANT', grantId: 1, durationMs: timing.grantMs, reason: 't' },
  { type: 'CONTACT_OPEN' },
  { type: 'CONTACT_CLOSE' },
  { type: 'EXIT' },
  { type: 'FIRE_ON' },
  { type: 'FIRE_OFF' },
];

function run(boot: DoorMachineInput['boot']) {
  const clock = new ManualClock();
  const outputs = { strike: undefined as boolean | undefined, siren: undefined as boolean | undefined };
  const writes: Array<['strike' | 'siren', boolean]> = [];
  const records: string[] = [];
  const actor = createActor(
    doorMachine.provide({
      actions: {
        strike: (_, p) => {
          outputs.strike = p.released;
          writes.push(['strike', p.released]);
        },
        siren: (_, p) => {
          outputs.siren = p.on;
          writes.push(['siren', p.on]);
        },
        record: (_, p) => records.push(p.type),
      },
    }),
    { clock, input: { timing, boot } },
  );
  actor.start();
  return { actor, clock, outputs, writes, records };
}

describe('door machine (pure)', () => {
  it('writes the strike locked as its very first action, whatever the boot inputs', () => {
    for (const fireAlarm of [false, true]) {
      for (const contactOpen of [false, true]) {
        const { writes } = run({ fireAlarm, contactOpen });
        expect(writes[0]).toEqual(['strike', false]);
      }
    }
  });

  it('after any event in any reachable state, the last written outputs equal the state table', () => {
    const paths = getShortestPaths(doorMachine, {
      input: { timing, boot: { fireAlarm: false, contactOpen: false } },
      events: EVENTS,
      serializeState: (s) => JSON.stringify(s.value),
    });
    // every state but heldOpen, which only time reaches (covered below and by test/model)
    expect(paths.map((p) => doorStateName(p.state.value)).sort()).toEqual(['egress', 'fireClosed', 'fireOpen', 'forcedOpen', 'granted', 'locked', 'open']);
    for (const path of paths) {
      for (const extra of EVENTS) {
        const { actor, outputs } = run({ fireAlarm: false, contactOpen: false });
        for (const step of path.steps.slice(1)) actor.send(step.event);
        actor.send(extra);
        const want = expectedOutputs[doorStateName(actor.getSnapshot().value)];
        expect({ strike: outputs.strike, siren: outputs.siren }).toEqual({ strike: want.strikeReleased, siren: want.sirenOn });
        actor.stop();
      }
    }
  });

  it('held-open is raised by time alone and cleared by closing', () => {
    const { actor, clock, outputs, records } = run({ fireAlarm: false, contactOpen: false });
    actor.send({ type: 'GRANT', grantId: 7, durationMs: 5_000, reason: 't' });
    actor.send({ type: 'CONTACT_OPEN' });
    clock.advance(timing.heldOpenAfterMs - 1);
    expect(outputs.siren).toBe(false);
    clock.advance(1);
    expect(outputs.siren).toBe(true);
    actor.send({ type: 'CONTACT_CLOSE' });
    expect(outputs.siren).toBe(false);
    expect(records).toEqual(['door.released', 'door.grant-ended', 'door.opened', 'alarm.held-open', 'alarm.cleared', 'door.closed']);
  });

  it('a grant with its own duration holds the strike exactly that long', () => {
    const { actor, clock, outputs } = run({ fireAlarm: false, contactOpen: false });
    actor.send({ type: 'GRANT', grantId: 1, durationMs: 12_000, reason: 'remote' });
    clock.advance(11_999);
    expect(outputs.strike).toBe(true);
    clock.advance(1);
    expect(outputs.strike).toBe(false);
  });
});
