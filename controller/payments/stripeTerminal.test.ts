import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startFake, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { createStripeTerminalProvider, type StripeTerminalProvider } from './stripeTerminal.ts';

let h: FakeHarness;
let readerId: string;
let provider: StripeTerminalProvider;
const READER_TIMEOUT_MS = 60_000;

function newProvider(): StripeTerminalProvider {
  return createStripeTerminalProvider(
    {
      secretKey: 'sk_test_dorfpunktFake0000000000',
      readerId,
      api: { host: '127.0.0.1', port: h.port, protocol: 'http' },
      requestTimeoutMs: 2_000,
      maxNetworkRetries: 1,
      readerTimeoutMs: READER_TIMEOUT_MS,
    },
    { clock: h.clock, logger: createSilentLogger() },
  );
}

beforeEach(async () => {
  h = await startFake();
  readerId = h.fake.registerReader('Kiosk').id;
  provider = newProvider();
});
afterEach(() => h.close());

const tap = (number = '4242424242424242') => h.sdk().testHelpers.terminal.readers.presentPaymentMethod(readerId, { card_present: { number } });

async function started(amountCents = 1290, key = 'pay-L1'): Promise<string> {
  const r = await provider.start({ saleId: 'S-1', amountCents, idempotencyKey: key });
  if (r.kind !== 'pending') throw new Error(`not pending: ${JSON.stringify(r)}`);
  return r.ref;
}

describe('Stripe Terminal provider against the fake, with the official SDK', () => {
  it('a tapped card is approved with brand and last4, captured once and refunded in part', async () => {
    const ref = await started(1290);
    expect(await provider.poll(ref)).toEqual({ kind: 'pending', ref });
    await tap();
    expect(await provider.poll(ref)).toEqual({ kind: 'approved', ref, amountCents: 1290, captured: false, card: { brand: 'visa', last4: '4242' } });
    expect(await provider.capture(ref, 1290, 'cap-L2')).toEqual({ kind: 'captured', ref, amountCents: 1290 });
    expect(await provider.capture(ref, 1290, 'cap-L2')).toEqual({ kind: 'captured', ref, amountCents: 1290 });
    const refund = await provider.refund(ref, 290, 'ref-L3');
    expect(refund).toMatchObject({ kind: 'refunded', ref, amountCents: 290 });
    expect(await provider.refund(ref, 290, 'ref-L3')).toEqual(refund);
    expect(h.fake.ledger().paymentIntents).toEqual([
      expect.objectContaining({ id: ref, amountCaptured: 1290, amountRefunded: 290, metadata: { saleId: 'S-1' } }),
    ]);
  });

  it('captures less than authorised when the basket shrank', async () => {
    const ref = await started(1290);
    await tap();
    expect(await provider.capture(ref, 1000, 'cap-L4')).toEqual({ kind: 'captured', ref, amountCents: 1000 });
    expect(h.fake.ledger().totals.captured).toBe(1000);
  });

  it.each([
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
  ])('card %s is declined with %s, and a retry on the same payment can then succeed', async (number, declineCode) => {
    const ref = await started();
    await tap(number);
    expect(await provider.poll(ref)).toEqual({ kind: 'declined', ref, code: 'card_declined', declineCode });
    expect(await provider.retry(ref, 'pay-L1:retry-1')).toEqual({ kind: 'pending', ref });
    await tap();
    expect(await provider.poll(ref)).toMatchObject({ kind: 'approved', amountCents: 1290 });
    expect(h.fake.ledger().paymentIntents).toHaveLength(1);
  });

  it('after a crash the same key finds the same payment: one payment, no second charge', async () => {
    const ref = await started(1290, 'pay-L9');
    await tap();
    const restarted = newProvider();
    const again = await restarted.start({ saleId: 'S-1', amountCents: 1290, idempotencyKey: 'pay-L9' });
    expect(again).toEqual({ kind: 'pending', ref });
    expect(await restarted.poll(ref)).toMatchObject({ kind: 'approved', amountCents: 1290 });
    await restarted.capture(ref, 1290, 'cap-L10');
    expect(h.fake.ledger().paymentIntents).toHaveLength(1);
    expect(h.fake.ledger().totals.captured).toBe(1290);
  });

  it('an unresponsive reader: pending until the reader timeout, then the action is canceled and nothing is charged', async () => {
    h.fake.setReaderMode(readerId, 'unresponsive');
    const ref = await started();
    await tap();
    h.clock.advance(READER_TIMEOUT_MS - 1);
    expect(await provider.poll(ref)).toEqual({ kind: 'pending', ref });
    h.clock.advance(1);
    expect(await provider.poll(ref)).toEqual({ kind: 'timeout', ref });
    expect(((await h.sdk().terminal.readers.retrieve(readerId)) as Stripe.Terminal.Reader).action).toBeNull();
    expect(await provider.poll(ref)).toEqual({ kind: 'timeout', ref });
    expect(await provider.cancel(ref, 'cancel-L5')).toEqual({ kind: 'canceled', ref });
    expect(h.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ status: 'canceled', amountCaptured: 0 })]);
  });

  it('a reader that drops offline while waiting: timeout after the deadline, and cancel voids the payment', async () => {
    const ref = await started();
    h.fake.setReaderMode(readerId, 'offline');
    h.clock.advance(READER_TIMEOUT_MS);
    expect(await provider.poll(ref)).toEqual({ kind: 'timeout', ref });
    expect(await provider.cancel(ref, 'cancel-L18')).toEqual({ kind: 'canceled', ref });
    h.fake.setReaderMode(readerId, 'normal');
    // A late tap on the reader that comes back cannot take money from a canceled payment.
    await expect(tap()).rejects.toMatchObject({ code: 'terminal_reader_busy' });
    expect(h.fake.ledger().totals).toEqual({ captured: 0, refunded: 0, authorised: 0 });
  });

  it('a tap that lands just past the deadline is approved, not canceled', async () => {
    const ref = await started();
    h.clock.advance(READER_TIMEOUT_MS);
    await tap();
    expect(await provider.poll(ref)).toMatchObject({ kind: 'approved', ref });
  });

  it('an offline reader: start fails with reader-offline and the created payment is canceled', async () => {
    h.fake.setReaderMode(readerId, 'offline');
    const r = await provider.start({ saleId: 'S-2', amountCents: 500, idempotencyKey: 'pay-L6' });
    expect(r).toMatchObject({ kind: 'failed', reason: 'reader-offline' });
    expect(h.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ status: 'canceled' })]);
  });

  it('a busy reader: start fails with reader-busy', async () => {
    await started(500, 'pay-L7');
    const r = await provider.start({ saleId: 'S-3', amountCents: 700, idempotencyKey: 'pay-L8' });
    expect(r).toMatchObject({ kind: 'failed', reason: 'reader-busy' });
  });

  it('Stripe failing twice: start is unavailable and nothing was created', async () => {
    h.fake.injectFault({ mode: 'status500', times: 2 });
    const r = await provider.start({ saleId: 'S-4', amountCents: 500, idempotencyKey: 'pay-L11' });
    expect(r).toMatchObject({ kind: 'failed', reason: 'unavailable' });
    expect(h.fake.ledger().paymentIntents).toHaveLength(0);
  });

  it('a 500 once while creating: the SDK retries with our key and there is one payment', async () => {
    h.fake.injectFault({ mode: 'status500', times: 1, pathPrefix: '/v1/payment_intents' });
    const ref = await started(500, 'pay-L12');
    expect(h.fake.ledger().paymentIntents.map((p) => p.id)).toEqual([ref]);
  });

  it('poll while Stripe is unreachable says unavailable, then answers once it is back', async () => {
    const ref = await started();
    h.fake.injectFault({ mode: 'status500', times: 2, method: 'GET' });
    expect(await provider.poll(ref)).toMatchObject({ kind: 'unavailable', ref });
    expect(await provider.poll(ref)).toEqual({ kind: 'pending', ref });
  });

  it('cancel releases an authorisation; capturing it afterwards fails as not capturable', async () => {
    const ref = await started();
    await tap();
    expect(await provider.cancel(ref, 'cancel-L13')).toEqual({ kind: 'canceled', ref });
    expect(await provider.cancel(ref, 'cancel-L13b')).toEqual({ kind: 'canceled', ref });
    expect(await provider.capture(ref, 1290, 'cap-L14')).toMatchObject({ kind: 'failed', reason: 'not-capturable' });
    expect(h.fake.ledger().totals).toEqual({ captured: 0, refunded: 0, authorised: 0 });
  });

  it('cancel after capture refuses: already captured (refund instead)', async () => {
    const ref = await started();
    await tap();
    await provider.capture(ref, 1290, 'cap-L15');
    expect(await provider.cancel(ref, 'cancel-L16')).toMatchObject({ kind: 'failed', reason: 'already-captured' });
    expect(await provider.refund(ref, 2000, 'ref-L17')).toMatchObject({ kind: 'failed', reason: 'not-refundable' });
  });

  it('refuses a non-integer or non-positive amount before calling Stripe', async () => {
    expect(await provider.start({ saleId: 'S', amountCents: 12.5, idempotencyKey: 'k1' })).toMatchObject({ kind: 'failed', reason: 'rejected' });
    expect(await provider.start({ saleId: 'S', amountCents: 0, idempotencyKey: 'k2' })).toMatchObject({ kind: 'failed', reason: 'rejected' });
    expect(h.fake.ledger().paymentIntents).toHaveLength(0);
  });

  it('a relayed amount_capturable_updated event answers the next poll without asking Stripe', async () => {
    const ref = await started();
    await tap();
    const event = h.fake.core.store.events.find((e) => e.type === 'payment_intent.amount_capturable_updated')!;
    const readerEvent = h.fake.core.store.events.find((e) => e.type === 'terminal.reader.action_succeeded')!;
    expect(provider.acceptEvent(structuredClone(readerEvent))).toBe(ref);
    expect(provider.acceptEvent(structuredClone(event))).toBe(ref);
    h.fake.injectFault({ mode: 'status500', times: 10 });
    expect(await provider.poll(ref)).toMatchObject({ kind: 'approved', ref, amountCents: 1290, captured: false });
    expect(provider.acceptEvent({ id: 'evt_x', type: 'x', data: { object: null } })).toBeNull();
    expect(provider.acceptEvent({ id: 'evt_z', type: 'x' } as never)).toBeNull();
    expect(provider.acceptEvent({ id: 'evt_y', type: 'customer.created', data: { object: { object: 'customer', id: 'cus_1' } } })).toBeNull();
  });
});
