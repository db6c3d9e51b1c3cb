import { afterEach, describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { getPathsFromEvents, getSimplePaths, type StatePath } from 'xstate/graph';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { checkoutMachine, type CheckoutEvent, type CheckoutStateName } from '../../controller/machines/checkout/checkoutMachine.ts';
import type { CheckoutSession } from '../../controller/machines/checkout/checkoutSession.ts';
import { ADULT_CARD, audit, CheckoutRig, PIN, TIMING } from './checkoutRig.ts';

/**
 * Model-based test: the checkout machine is the model; a real CheckoutSession on a real ledger,
 * the Stripe fake with the Terminal provider, is the system under test. Every simple path from
 * `cart` to an end (`done`, `aborted`) is walked; each model event is made to happen in the
 * world (a scan, a PIN, an operator's decline, a tap, a declined card, the provider failing a
 * capture or a cancel, time passing), and after each step the session's state must be the
 * model's. At the end of every path the Stripe fake's books must agree with how the sale ended.
 */
type Snap = SnapshotFrom<typeof checkoutMachine>;
const IDLE_CART = 'xstate.after.idle.checkout.cart';
const IDLE_FAILED = 'xstate.after.idle.checkout.paymentFailed';
const AGE_TIMEOUT = 'xstate.after.age.checkout.ageCheck';
const PAY_TIMEOUT = 'xstate.after.pay.checkout.payment';
type ModelEvent = CheckoutEvent | { type: typeof IDLE_CART | typeof IDLE_FAILED | typeof AGE_TIMEOUT | typeof PAY_TIMEOUT };

function events(s: Snap): CheckoutEvent[] {
  const ev: ModelEvent[] = [];
  switch (s.value as CheckoutStateName) {
    case 'cart':
      ev.push({ type: 'CHECKOUT', needsAge: true }, { type: 'CHECKOUT', needsAge: false }, { type: 'ABORT' }, { type: IDLE_CART });
      break;
    case 'ageCheck':
      ev.push({ type: 'AGE_PASSED' }, { type: 'AGE_FAILED' }, { type: 'ABORT' }, { type: AGE_TIMEOUT });
      break;
    case 'payment':
      ev.push({ type: 'PAY_APPROVED' }, { type: 'PAY_FAILED' }, { type: 'ABORT' }, { type: PAY_TIMEOUT });
      break;
    case 'paymentFailed':
      ev.push({ type: 'RETRY' }, { type: 'ABORT' }, { type: IDLE_FAILED });
      break;
    case 'voiding':
      ev.push({ type: 'VOIDED' });
      break;
    case 'committing':
      ev.push({ type: 'COMMITTED' }, { type: 'COMMIT_REFUSED' });
      break;
    case 'signing':
      ev.push({ type: 'SIGNED' });
      break;
    case 'receipt':
      ev.push({ type: 'RECEIPT_DONE' });
      break;
  }
  return ev as CheckoutEvent[];
}

const paths = getSimplePaths(checkoutMachine, {
  input: { timing: TIMING },
  events,
  serializeState: (s) => JSON.stringify(s.value),
}).filter((p) => ['done', 'aborted'].includes(p.state.value as string));

/** RETRY goes back to `payment`, so no simple path takes it: these walks do (a decline, then the second try). */
const retryWalks: CheckoutEvent[][] = [
  [
    { type: 'CHECKOUT', needsAge: false },
    { type: 'PAY_FAILED' },
    { type: 'RETRY' },
    { type: 'PAY_APPROVED' },
    { type: 'COMMITTED' },
    { type: 'SIGNED' },
    { type: 'RECEIPT_DONE' },
  ],
  [{ type: 'CHECKOUT', needsAge: true }, { type: 'AGE_PASSED' }, { type: 'PAY_FAILED' }, { type: 'RETRY' }, { type: 'PAY_FAILED' }, { type: 'ABORT' }],
  [{ type: 'CHECKOUT', needsAge: false }, { type: 'PAY_FAILED' }, { type: 'RETRY' }, { type: 'ABORT' }, { type: 'VOIDED' }],
];
for (const walk of retryWalks) {
  const [p] = getPathsFromEvents(checkoutMachine, walk, { input: { timing: TIMING } });
  if (p) paths.push(p);
}

/** The sale's step after the one that makes no stimulus of its own (the session passes through them). */
const PASSED_THROUGH = new Set<CheckoutStateName>(['signing', 'receipt']);

let rig: CheckoutRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const currentPi = (r: CheckoutRig): string => r.stripe.fake.ledger().paymentIntents.at(-1)!.id;
const fault = (r: CheckoutRig, path: string) => r.stripe.control('POST', '/_fake/faults', { mode: 'status500', times: 1, method: 'POST', path });

async function ensurePaying(r: CheckoutRig, s: CheckoutSession): Promise<void> {
  if (s.view().payment?.status !== 'pending') await s.pay({ method: 'card' });
}

/** Make `event` happen to the real sale; `next` is the model's following event (what must be observable). */
async function stimulate(r: CheckoutRig, s: CheckoutSession, event: ModelEvent, next: ModelEvent | undefined): Promise<void> {
  switch (event.type) {
    case 'CHECKOUT':
      s.scan(event.needsAge ? demoGtin('Pils') : demoGtin('Vollmilch 3,5 %'));
      s.checkout(s.view().totalCents);
      return;
    case 'AGE_PASSED':
      await s.ageByMember(ADULT_CARD, PIN);
      return;
    case 'AGE_FAILED': {
      s.ageByRemote();
      const req = r.remoteRequests.at(-1)!;
      r.checkout.remoteAgeDecision({ checkId: req.checkId, saleId: s.saleId, approved: false, operator: 'op-model' });
      return;
    }
    case AGE_TIMEOUT:
      r.clock.advance(TIMING.ageMs);
      return;
    case PAY_TIMEOUT:
      // the kiosk stopped asking (it died): the payment is voided on its own; the first cancel fails
      await ensurePaying(r, s);
      await fault(r, `/v1/payment_intents/${currentPi(r)}/cancel`);
      r.clock.advance(TIMING.payMs);
      await s.settled();
      return;
    case IDLE_CART:
    case IDLE_FAILED:
      r.clock.advance(TIMING.idleMs);
      return;
    case 'PAY_APPROVED':
      await ensurePaying(r, s);
      await r.tap();
      // hold the sale in `committing`: the capture fails once at the provider
      await fault(r, `/v1/payment_intents/${currentPi(r)}/capture`);
      await s.poll();
      return;
    case 'PAY_FAILED':
      await ensurePaying(r, s);
      await r.tap('4000000000000002');
      await s.poll();
      return;
    case 'RETRY':
      await s.retry();
      return;
    case 'ABORT':
      if (next?.type === 'VOIDED') await ensurePaying(r, s); // the customer started paying, then gave up
      if (next?.type === 'VOIDED') await fault(r, `/v1/payment_intents/${currentPi(r)}/cancel`); // hold in `voiding`
      await s.abort();
      return;
    case 'COMMIT_REFUSED':
      r.blocked.add('molkerei');
      r.blocked.add('getraenke');
      await fault(r, `/v1/payment_intents/${currentPi(r)}/cancel`);
      await s.poll();
      return;
    case 'COMMITTED':
    case 'VOIDED':
      await s.poll();
      return;
    case 'SIGNED':
    case 'RECEIPT_DONE':
      return; // passed through by the COMMITTED step
  }
}

const name = (p: StatePath<Snap, CheckoutEvent>) =>
  p.steps
    .slice(1)
    .map(
      (st) => st.event.type.replace(/^xstate\.after\.(\w+)\.checkout\.\w+$/, 'after-$1') + ('needsAge' in st.event ? (st.event.needsAge ? '(18)' : '(0)') : ''),
    )
    .join(' → ');

describe('checkout machine paths on the real session', () => {
  it('the model has paths to both ends through every state', () => {
    const visited = new Set(paths.flatMap((p) => p.steps.map((st) => st.state.value as string)));
    expect([...visited].sort()).toEqual(
      ['ageCheck', 'aborted', 'cart', 'committing', 'done', 'payment', 'paymentFailed', 'receipt', 'signing', 'voiding'].sort(),
    );
    expect(paths.length).toBe(20);
    expect(paths.filter((p) => p.steps.some((st) => st.event.type === 'RETRY'))).toHaveLength(3);
  });

  it.each(paths.map((p) => [name(p), p] as const))('%s', async (_, path) => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    const steps = path.steps.slice(1); // steps[0] is the initial state
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      await stimulate(rig, s, step.event as ModelEvent, steps[i + 1]?.event as ModelEvent | undefined);
      const want = step.state.value as CheckoutStateName;
      if (!PASSED_THROUGH.has(want)) expect(s.state(), `after ${step.event.type}`).toBe(want);
    }
    await s.settled();
    const a = await audit(rig);
    expect(a).toMatchObject({ doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [], openAtProvider: [] });
    const books = rig.stripe.fake.ledger().totals;
    if (path.state.value === 'done') {
      expect(a.committed).toBe(1);
      expect(s.view().receipt?.totalCents).toBe(books.captured);
    } else {
      expect(a.committed).toBe(0);
      expect(books.captured - books.refunded).toBe(0);
      if (a.sales > 0) expect(rig.events('sale.aborted')).toHaveLength(1);
    }
  });
});
