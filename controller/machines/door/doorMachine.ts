import { setup, assign } from 'xstate';

/**
 * The street door of a point: electric strike (fail-secure, mechanical egress), door contact,
 * exit button, fire-alarm input, siren. This machine is both the implementation the
 * DoorController runs and the model the model-based test walks (test/model/doorModel.test.ts).
 *
 * Decisions (see README.md in this folder):
 * - Outputs are written only by entry actions of states, so "state → outputs" is a pure table
 *   (`expectedOutputs`) that tests check against the physical pins.
 * - The strike relocks as soon as the door opens (or the grant expires): a door that is open
 *   needs no released strike, and a fail-secure strike accepts a closing door while locked.
 * - Forced-open: siren on until the door is closed again; the alarm stays in the ledger for the
 *   operator (no on-site acknowledgement: nobody is on site at night).
 * - Fire alarm overrides everything: strike released while the input is active, siren off (the
 *   building's fire sounder is not ours to drive); it tracks the contact so that clearing the
 *   fire input with the door still open continues into `open` (held-open timing from then on).
 * - Boot: the `boot` state writes the strike locked before anything else happens, then goes to
 *   `fire.*` if the fire input is active, to `normal.open` (event `door.open-at-boot`, held-open
 *   timing from boot, NOT a forced-open alarm: we cannot know how it got open while we were
 *   down, and a false burglary siren at every reboot would teach people to ignore it), else
 *   to `normal.locked`. Snapshots are never restored.
 */

export interface DoorTiming {
  /** How long a grant keeps the strike released when the caller gives no duration. */
  grantMs: number;
  /** How long the exit button keeps the strike released. */
  exitGrantMs: number;
  /** Door open this long → held-open alarm. */
  heldOpenAfterMs: number;
}

export interface DoorMachineInput {
  timing: DoorTiming;
  /** Inputs read once at boot, after the strike was written locked. */
  boot: { fireAlarm: boolean; contactOpen: boolean };
}

export interface DoorContext {
  timing: DoorTiming;
  boot: { fireAlarm: boolean; contactOpen: boolean };
  /** The grant currently (or last) holding the strike released. */
  grantId: number | null;
  grantMs: number;
}

export type DoorEvent =
  | { type: 'GRANT'; grantId: number; durationMs: number; reason: string }
  | { type: 'CONTACT_OPEN' }
  | { type: 'CONTACT_CLOSE' }
  | { type: 'EXIT' }
  | { type: 'FIRE_ON' }
  | { type: 'FIRE_OFF' };

/** Stable machine codes of everything the door records (ledger event types). */
export type DoorRecordType =
  | 'door.released'
  | 'door.grant-ended'
  | 'door.grant-ignored'
  | 'door.exit-request'
  | 'door.egress-ended'
  | 'door.opened'
  | 'door.closed'
  | 'door.open-at-boot'
  | 'alarm.held-open'
  | 'alarm.forced-open'
  | 'alarm.cleared'
  | 'alarm.fire'
  | 'alarm.fire-cleared';

export type DoorStateName = 'boot' | 'locked' | 'granted' | 'egress' | 'open' | 'heldOpen' | 'forcedOpen' | 'fireClosed' | 'fireOpen';

export interface DoorOutputs {
  strikeReleased: boolean;
  sirenOn: boolean;
}

/** What the outputs must be in each state (the entry actions implement exactly this). */
export const expectedOutputs: Readonly<Record<DoorStateName, DoorOutputs>> = {
  boot: { strikeReleased: false, sirenOn: false },
  locked: { strikeReleased: false, sirenOn: false },
  granted: { strikeReleased: true, sirenOn: false },
  egress: { strikeReleased: true, sirenOn: false },
  open: { strikeReleased: false, sirenOn: false },
  heldOpen: { strikeReleased: false, sirenOn: true },
  forcedOpen: { strikeReleased: false, sirenOn: true },
  fireClosed: { strikeReleased: true, sirenOn: false },
  fireOpen: { strikeReleased: true, sirenOn: false },
};

/** Flatten a snapshot value (`{ normal: 'open' }`, `{ fire: 'closed' }`, `'boot'`) to a name. */
export function doorStateName(value: unknown): DoorStateName {
  if (value === 'boot') return 'boot';
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v['normal'] === 'string' && v['normal'] in expectedOutputs) return v['normal'] as DoorStateName;
    if (v['fire'] === 'closed') return 'fireClosed';
    if (v['fire'] === 'open') return 'fireOpen';
  }
  throw new Error(`unknown door state value ${JSON.stringify(value)}`);
}

/** Events that leave `granted`, mapped to the grant's outcome. */
function grantOutcome(eventType: string): string {
  if (eventType === 'CONTACT_OPEN') return 'opened';
  if (eventType === 'GRANT') return 'superseded';
  if (eventType === 'FIRE_ON') return 'fire';
  if (eventType.startsWith('xstate.after.')) return 'expired';
  return 'stopped';
}

const ignoreExit = (outcome: string) => ({ actions: { type: 'record', params: { type: 'door.exit-request', data: { outcome } } } }) as const;
const ignoreGrant = (outcome: string) =>
  ({
    actions: {
      type: 'record',
      params: ({ event }: { event: DoorEvent }) => ({
        type: 'door.grant-ignored' as const,
        data: { outcome, grantId: event.type === 'GRANT' ? event.grantId : null },
      }),
    },
  }) as const;

/** The door stands open (normally, held too long, or forced): same transitions in all three. */
const whileDoorOpen = {
  GRANT: ignoreGrant('door-open'),
  EXIT: ignoreExit('door-open'),
  CONTACT_CLOSE: {
    target: 'locked',
    actions: { type: 'record', params: { type: 'door.closed' } },
  },
  FIRE_ON: '#door.fire.open',
} as const;

export const doorMachine = setup({
  types: {
    context: {} as DoorContext,
    events: {} as DoorEvent,
    input: {} as DoorMachineInput,
  },
  actions: {
    /** Drive the strike; implemented by the DoorController (`provide`). */
    strike: (_, _params: { released: boolean }) => {},
    /** Drive the siren; implemented by the DoorController. */
    siren: (_, _params: { on: boolean }) => {},
    /** Record a fact durably; implemented by the DoorController. */
    record: (_, _params: { type: DoorRecordType; data?: Record<string, unknown> }) => {},
    assignGrant: assign(({ event }) => (event.type === 'GRANT' ? { grantId: event.grantId, grantMs: event.durationMs } : {})),
  },
  delays: {
    grant: ({ context }) => context.grantMs,
    exitGrant: ({ context }) => context.timing.exitGrantMs,
    heldOpen: ({ context }) => context.timing.heldOpenAfterMs,
  },
  guards: {
    fireAndOpenAtBoot: ({ context }) => context.boot.fireAlarm && context.boot.contactOpen,
    fireAtBoot: ({ context }) => context.boot.fireAlarm,
    openAtBoot: ({ context }) => context.boot.contactOpen,
  },
}).createMachine({
  id: 'door',
  context: ({ input }) => ({
    timing: input.timing,
    boot: input.boot,
    grantId: null,
    grantMs: input.timing.grantMs,
  }),
  initial: 'boot',
  states: {
    boot: {
      entry: [
        { type: 'strike', params: { released: false } },
        { type: 'siren', params: { on: false } },
      ],
      always: [
        {
          guard: 'fireAndOpenAtBoot',
          target: '#door.fire.open',
          actions: { type: 'record', params: { type: 'door.open-at-boot' } },
        },
        { guard: 'fireAtBoot', target: '#door.fire.closed' },
        {
          guard: 'openAtBoot',
          target: '#door.normal.open',
          actions: { type: 'record', params: { type: 'door.open-at-boot' } },
        },
        { target: '#door.normal.locked' },
      ],
    },
    normal: {
      initial: 'locked',
      states: {
        locked: {
          entry: [
            { type: 'strike', params: { released: false } },
            { type: 'siren', params: { on: false } },
          ],
          on: {
            GRANT: { target: 'granted', actions: 'assignGrant' },
            EXIT: {
              target: 'egress',
              actions: { type: 'record', params: { type: 'door.exit-request', data: { outcome: 'released' } } },
            },
            CONTACT_OPEN: 'forcedOpen',
            FIRE_ON: '#door.fire.closed',
          },
        },
        granted: {
          entry: [
            { type: 'strike', params: { released: true } },
            { type: 'siren', params: { on: false } },
            {
              type: 'record',
              params: ({ context }) => ({
                type: 'door.released' as const,
                data: { by: 'grant', grantId: context.grantId, durationMs: context.grantMs },
              }),
            },
          ],
          exit: {
            type: 'record',
            params: ({ context, event }) => ({
              type: 'door.grant-ended' as const,
              data: { grantId: context.grantId, outcome: grantOutcome(event.type) },
            }),
          },
          after: { grant: 'locked' },
          on: {
            GRANT: { target: 'granted', reenter: true, actions: 'assignGrant' },
            EXIT: ignoreExit('already-released'),
            CONTACT_OPEN: {
              target: 'open',
              actions: {
                type: 'record',
                params: ({ context }) => ({ type: 'door.opened' as const, data: { via: 'grant', grantId: context.grantId } }),
              },
            },
            FIRE_ON: '#door.fire.closed',
          },
        },
        egress: {
          entry: [
            { type: 'strike', params: { released: true } },
            { type: 'siren', params: { on: false } },
            {
              type: 'record',
              params: ({ context }) => ({
                type: 'door.released' as const,
                data: { by: 'exit', durationMs: context.timing.exitGrantMs },
              }),
            },
          ],
          after: {
            exitGrant: {
              target: 'locked',
              actions: { type: 'record', params: { type: 'door.egress-ended', data: { outcome: 'expired' } } },
            },
          },
          on: {
            GRANT: { target: 'granted', actions: 'assignGrant' },
            EXIT: {
              target: 'egress',
              reenter: true,
              actions: { type: 'record', params: { type: 'door.exit-request', data: { outcome: 'released' } } },
            },
            CONTACT_OPEN: {
              target: 'open',
              actions: { type: 'record', params: { type: 'door.opened', data: { via: 'exit' } } },
            },
            FIRE_ON: '#door.fire.closed',
          },
        },
        open: {
          entry: [
            { type: 'strike', params: { released: false } },
            { type: 'siren', params: { on: false } },
          ],
          after: { heldOpen: 'heldOpen' },
          on: whileDoorOpen,
        },
        heldOpen: {
          entry: [
            { type: 'strike', params: { released: false } },
            { type: 'siren', params: { on: true } },
            {
              type: 'record',
              params: ({ context }) => ({
                type: 'alarm.held-open' as const,
                data: { openForMs: context.timing.heldOpenAfterMs },
              }),
            },
          ],
          exit: {
            type: 'record',
            params: ({ event }) => ({
              type: 'alarm.cleared' as const,
              data: { alarm: 'held-open', cause: event.type === 'FIRE_ON' ? 'fire' : 'closed' },
            }),
          },
          on: whileDoorOpen,
        },
        forcedOpen: {
          entry: [
            { type: 'strike', params: { released: false } },
            { type: 'siren', params: { on: true } },
            { type: 'record', params: { type: 'alarm.forced-open' } },
          ],
          exit: {
            type: 'record',
            params: ({ event }) => ({
              type: 'alarm.cleared' as const,
              data: { alarm: 'forced-open', cause: event.type === 'FIRE_ON' ? 'fire' : 'closed' },
            }),
          },
          on: whileDoorOpen,
        },
      },
    },
    fire: {
      initial: 'closed',
      entry: [
        { type: 'strike', params: { released: true } },
        { type: 'siren', params: { on: false } },
        { type: 'record', params: { type: 'alarm.fire' } },
      ],
      exit: { type: 'record', params: { type: 'alarm.fire-cleared' } },
      on: {
        GRANT: ignoreGrant('fire'),
        EXIT: ignoreExit('fire'),
      },
      states: {
        closed: {
          on: {
            CONTACT_OPEN: {
              target: 'open',
              actions: { type: 'record', params: { type: 'door.opened', data: { via: 'fire' } } },
            },
            FIRE_OFF: '#door.normal.locked',
          },
        },
        open: {
          on: {
            CONTACT_CLOSE: {
              target: 'closed',
              actions: { type: 'record', params: { type: 'door.closed' } },
            },
            FIRE_OFF: '#door.normal.open',
          },
        },
      },
    },
  },
});

export type DoorMachine = typeof doorMachine;
