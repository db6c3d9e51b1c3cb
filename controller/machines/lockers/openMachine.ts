import { setup } from 'xstate';

/**
 * One open of one locker compartment: the implementation the OpenRunner
 * (controller/lockers/openRunner.ts) runs and the model the model-based test walks
 * (test/model/lockerModel.test.ts).
 *
 *   opening  --entry: sendOpen (the ONLY place an open is sent; one per actor)-->
 *            OPENED → verifying | NOT_OPENED → notOpened | UNKNOWN → unknown | REFUSED → refused
 *   verifying --entry: readBack (the lock is read again after every open)-->
 *            READ_OPEN → open | READ_LATCHED → notOpened (the lock did not open: jammed)
 *            READ_FAILED → open (the board itself confirmed the open; the failed read is logged)
 *   open     DOOR_CLOSED → closed | after heldOpenMs → heldOpen (alarm raised)
 *   heldOpen DOOR_CLOSED → closed (alarm cleared)
 *
 * There is no transition back to `opening`: a second open for the same request is impossible
 * by construction. `notOpened` and `unknown` put the compartment out of service (the runner).
 */
export interface LockerOpenInput {
  compartment: string;
  requestId: string;
  heldOpenMs: number;
}

export type LockerOpenEvent =
  | { type: 'OPENED'; confirmedBy: string }
  | { type: 'NOT_OPENED'; reason: string; detail: string }
  | { type: 'UNKNOWN'; reason: string; detail: string }
  | { type: 'REFUSED'; detail: string }
  | { type: 'READ_OPEN' }
  | { type: 'READ_LATCHED' }
  | { type: 'READ_FAILED'; detail: string }
  | { type: 'DOOR_CLOSED' };

export type LockerOpenStateName = 'opening' | 'verifying' | 'open' | 'heldOpen' | 'closed' | 'notOpened' | 'unknown' | 'refused';

/** The states where a person has (or had) an open door in front of them. */
export const DOOR_OPEN_STATES: ReadonlySet<LockerOpenStateName> = new Set(['open', 'heldOpen']);
/** The open failed: the compartment goes out of service, the person is offered another. */
export const FAILED_STATES: ReadonlySet<LockerOpenStateName> = new Set(['notOpened', 'unknown', 'refused']);

export const lockerOpenMachine = setup({
  types: {
    context: {} as LockerOpenInput,
    events: {} as LockerOpenEvent,
    input: {} as LockerOpenInput,
  },
  actions: {
    /** Send the open to the lock board once (implemented by the runner). */
    sendOpen: () => {},
    /** Read the lock back (implemented by the runner). */
    readBack: () => {},
    raiseHeldOpen: () => {},
    clearHeldOpen: () => {},
  },
  delays: {
    heldOpen: ({ context }) => context.heldOpenMs,
  },
}).createMachine({
  id: 'lockerOpen',
  context: ({ input }) => ({ ...input }),
  initial: 'opening',
  states: {
    opening: {
      entry: 'sendOpen',
      on: { OPENED: 'verifying', NOT_OPENED: 'notOpened', UNKNOWN: 'unknown', REFUSED: 'refused' },
    },
    verifying: {
      entry: 'readBack',
      on: { READ_OPEN: 'open', READ_LATCHED: 'notOpened', READ_FAILED: 'open' },
    },
    open: {
      on: { DOOR_CLOSED: 'closed' },
      after: { heldOpen: 'heldOpen' },
    },
    heldOpen: {
      entry: 'raiseHeldOpen',
      on: { DOOR_CLOSED: { target: 'closed', actions: 'clearHeldOpen' } },
    },
    closed: { type: 'final' },
    notOpened: { type: 'final' },
    unknown: { type: 'final' },
    refused: { type: 'final' },
  },
});
