import { assign, setup } from 'xstate';

/**
 * One sale at the kiosk: the model the CheckoutSession (checkoutSession.ts) follows and the
 * model-based test (test/model/checkoutModel.test.ts) walks. The machine decides what may
 * happen next; the session does the work (ledger first, then the provider) and reports back.
 *
 *   cart          CHECKOUT(needsAge) → ageCheck | payment;   ABORT / idle → aborted
 *   ageCheck      AGE_PASSED → payment; AGE_FAILED → aborted; ABORT / ageMs → aborted
 *   payment       PAY_APPROVED → committing; PAY_FAILED → paymentFailed; ABORT / payMs → voiding
 *   paymentFailed RETRY → payment; ABORT / idle → aborted
 *   voiding       VOIDED → aborted        (the payment was canceled or refunded)
 *   committing    COMMITTED → signing;    COMMIT_REFUSED → voiding (e.g. a fridge blocked meanwhile)
 *   signing       SIGNED → receipt        (the fiscal module's place; today a no-op signer)
 *   receipt       RECEIPT_DONE → done
 *
 * There is no way from `payment` back to `cart`: a priced, fixed cart is what gets paid.
 * Past `payment`, ABORT is not accepted (the money is the customer's: the sale completes or
 * the payment is voided, never neither).
 */
export interface CheckoutTiming {
  /** Customer inactivity in the cart or after a failed payment. */
  idleMs: number;
  /** How long an age check may take (remote operator included). */
  ageMs: number;
  /** How long a payment may stay undecided (nobody polls: the kiosk died) before it is voided. */
  payMs: number;
}

export const DEFAULT_CHECKOUT_TIMING: CheckoutTiming = { idleMs: 180_000, ageMs: 120_000, payMs: 300_000 };

export type CheckoutEvent =
  | { type: 'CHECKOUT'; needsAge: boolean }
  | { type: 'AGE_PASSED' }
  | { type: 'AGE_FAILED' }
  | { type: 'PAY_APPROVED' }
  | { type: 'PAY_FAILED' }
  | { type: 'RETRY' }
  | { type: 'VOIDED' }
  | { type: 'COMMITTED' }
  | { type: 'COMMIT_REFUSED' }
  | { type: 'SIGNED' }
  | { type: 'RECEIPT_DONE' }
  | { type: 'ABORT' };

export type CheckoutStateName = 'cart' | 'ageCheck' | 'payment' | 'paymentFailed' | 'voiding' | 'committing' | 'signing' | 'receipt' | 'done' | 'aborted';

export type EndReason = 'customer' | 'idle' | 'age-failed' | 'age-timeout' | 'payment-timeout' | 'commit-refused' | null;

export interface CheckoutContext {
  timing: CheckoutTiming;
  endReason: EndReason;
}

export const checkoutMachine = setup({
  types: {
    context: {} as CheckoutContext,
    events: {} as CheckoutEvent,
    input: {} as { timing: CheckoutTiming } | undefined,
  },
  delays: {
    idle: ({ context }) => context.timing.idleMs,
    age: ({ context }) => context.timing.ageMs,
    pay: ({ context }) => context.timing.payMs,
  },
  guards: {
    needsAge: ({ event }) => event.type === 'CHECKOUT' && event.needsAge,
  },
  actions: {
    because: assign((_, params: { reason: EndReason }) => ({ endReason: params.reason })),
  },
}).createMachine({
  id: 'checkout',
  context: ({ input }) => ({ timing: input?.timing ?? DEFAULT_CHECKOUT_TIMING, endReason: null }),
  initial: 'cart',
  states: {
    cart: {
      on: {
        CHECKOUT: [{ guard: 'needsAge', target: 'ageCheck' }, { target: 'payment' }],
        ABORT: { target: 'aborted', actions: { type: 'because', params: { reason: 'customer' } } },
      },
      after: { idle: { target: 'aborted', actions: { type: 'because', params: { reason: 'idle' } } } },
    },
    ageCheck: {
      on: {
        AGE_PASSED: 'payment',
        AGE_FAILED: { target: 'aborted', actions: { type: 'because', params: { reason: 'age-failed' } } },
        ABORT: { target: 'aborted', actions: { type: 'because', params: { reason: 'customer' } } },
      },
      after: { age: { target: 'aborted', actions: { type: 'because', params: { reason: 'age-timeout' } } } },
    },
    payment: {
      on: {
        PAY_APPROVED: 'committing',
        PAY_FAILED: 'paymentFailed',
        ABORT: { target: 'voiding', actions: { type: 'because', params: { reason: 'customer' } } },
      },
      after: { pay: { target: 'voiding', actions: { type: 'because', params: { reason: 'payment-timeout' } } } },
    },
    paymentFailed: {
      on: {
        RETRY: 'payment',
        ABORT: { target: 'aborted', actions: { type: 'because', params: { reason: 'customer' } } },
      },
      after: { idle: { target: 'aborted', actions: { type: 'because', params: { reason: 'idle' } } } },
    },
    voiding: { on: { VOIDED: 'aborted' } },
    committing: {
      on: {
        COMMITTED: 'signing',
        COMMIT_REFUSED: { target: 'voiding', actions: { type: 'because', params: { reason: 'commit-refused' } } },
      },
    },
    signing: { on: { SIGNED: 'receipt' } },
    receipt: { on: { RECEIPT_DONE: 'done' } },
    done: { type: 'final' },
    aborted: { type: 'final' },
  },
});
