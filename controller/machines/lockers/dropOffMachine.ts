import { setup, assign } from 'xstate';

/**
 * A courier's drop-off session, run by controller/lockers/dropOff.ts and walked by the
 * model-based test. Inputs reach the machine only after the service validated them (a refused
 * credential, a malformed reference or a full size never becomes an event: the state stays
 * and the person gets a clear refusal).
 *
 *   awaitingCredential --COURIER--> awaitingReference --REFERENCE--> awaitingSize
 *   awaitingSize --COMPARTMENT (reserved by the service)--> opening (entry: open)
 *   opening --OPENED--> awaitingClose | --OPEN_FAILED--> awaitingSize (out of service; offer another)
 *   awaitingClose --DOOR_CLOSED--> awaitingReference (entry of the transition: deposit; next parcel)
 *   idle too long in awaitingReference/awaitingSize, or CANCEL → ended
 */
export interface DropOffContext {
  idleMs: number;
  courierId: string | null;
  reference: string | null;
  compartment: string | null;
  deposited: number;
}

export type DropOffEvent =
  | { type: 'COURIER'; courierId: string }
  | { type: 'REFERENCE'; reference: string }
  | { type: 'COMPARTMENT'; compartment: string }
  | { type: 'OPENED' }
  | { type: 'OPEN_FAILED' }
  | { type: 'DOOR_CLOSED' }
  | { type: 'CANCEL' };

export type DropOffStateName = 'awaitingCredential' | 'awaitingReference' | 'awaitingSize' | 'opening' | 'awaitingClose' | 'ended';

export const dropOffMachine = setup({
  types: {
    context: {} as DropOffContext,
    events: {} as DropOffEvent,
    input: {} as { idleMs: number },
  },
  actions: {
    /** Open context.compartment (implemented by the service: one OpenRunner request). */
    open: () => {},
    /** Record `parcel.deposited` for context.reference in context.compartment. */
    deposit: () => {},
    /** Release whatever the session still holds. */
    end: () => {},
  },
  delays: {
    idle: ({ context }) => context.idleMs,
  },
}).createMachine({
  id: 'dropOff',
  context: ({ input }) => ({ idleMs: input.idleMs, courierId: null, reference: null, compartment: null, deposited: 0 }),
  initial: 'awaitingCredential',
  states: {
    awaitingCredential: {
      on: {
        COURIER: { target: 'awaitingReference', actions: assign({ courierId: ({ event }) => event.courierId }) },
        CANCEL: 'ended',
      },
      after: { idle: 'ended' },
    },
    awaitingReference: {
      on: {
        REFERENCE: { target: 'awaitingSize', actions: assign({ reference: ({ event }) => event.reference }) },
        CANCEL: 'ended',
      },
      after: { idle: 'ended' },
    },
    awaitingSize: {
      on: {
        COMPARTMENT: { target: 'opening', actions: assign({ compartment: ({ event }) => event.compartment }) },
        CANCEL: 'ended',
      },
      after: { idle: 'ended' },
    },
    opening: {
      entry: 'open',
      on: {
        OPENED: 'awaitingClose',
        OPEN_FAILED: { target: 'awaitingSize', actions: assign({ compartment: null }) },
      },
    },
    awaitingClose: {
      on: {
        DOOR_CLOSED: {
          target: 'awaitingReference',
          actions: ['deposit', assign({ reference: null, compartment: null, deposited: ({ context }) => context.deposited + 1 })],
        },
      },
    },
    ended: { type: 'final', entry: 'end' },
  },
});
