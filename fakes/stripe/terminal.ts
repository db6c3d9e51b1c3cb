/**
 * Terminal readers, server-driven: register a simulated reader, hand it a PaymentIntent, cancel
 * its action; and the test helper that plays the customer tapping a card. A reader's mode
 * (fake-control) makes it never answer, be offline, or time out on a request.
 */
import { DEFAULT_TEST_CARD, inspectCard } from './cards.ts';
import type { Core } from './core.ts';
import { invalidParam, noSuch, readerError, unexpectedState } from './errors.ts';
import { newId } from './ids.ts';
import { authorize, decline, getPaymentIntent } from './paymentIntents.ts';
import { Params } from './params.ts';
import type { RequestContext, Router } from './router.ts';
import type { Reader, ReaderMode } from './store.ts';

const DEVICE_TYPES: Record<string, string> = {
  'simulated-wpe': 'simulated_wisepos_e',
  'simulated-s700': 'simulated_stripe_s700',
};

export function getReader(core: Core, id: string): Reader {
  const reader = core.store.readers.get(id);
  if (!reader) throw noSuch('terminal.reader', id);
  return reader;
}

export function readerMode(core: Core, id: string): ReaderMode {
  return core.store.readerModes.get(id) ?? 'normal';
}

/** Fake control: how the reader behaves from now on. Going offline ends nothing in progress. */
export function setReaderMode(core: Core, id: string, mode: ReaderMode): Reader {
  const reader = getReader(core, id);
  core.store.readerModes.set(id, mode);
  reader.status = mode === 'offline' ? 'offline' : 'online';
  core.logger.info({ reader: id, mode }, 'stripe fake: reader mode');
  return reader;
}

function reachable(core: Core, reader: Reader): void {
  const mode = readerMode(core, reader.id);
  if (mode === 'offline') throw readerError('terminal_reader_offline', `Reader ${reader.id} is offline.`);
  if (mode === 'timeout') throw readerError('terminal_reader_timeout', `Reader ${reader.id} did not respond in time.`);
}

function presentCard(core: Core, reader: Reader, number: string, req: RequestContext): void {
  const action = reader.action;
  if (!action || action.status !== 'in_progress') {
    throw readerError('terminal_reader_busy', `Reader ${reader.id} has no action waiting for a payment method.`);
  }
  // An unresponsive or offline reader never reports the tap: the action stays in progress.
  const mode = readerMode(core, reader.id);
  if (mode === 'unresponsive' || mode === 'offline') return;
  const card = inspectCard(number);
  if (!card) throw invalidParam('card_present[number]', 'Your card number is incorrect.', 'incorrect_number');
  const pi = getPaymentIntent(core, action.process_payment_intent.payment_intent);
  if (pi.status !== 'requires_payment_method') {
    throw unexpectedState('payment_intent', pi.id, pi.status, 'processed');
  }
  const o = card.outcome;
  if (o.kind === 'approved') {
    authorize(core, pi, { card: { brand: card.brand, last4: card.last4 }, methodType: 'card_present', holdMs: core.holdMs, req });
    action.status = 'succeeded';
    core.emit('terminal.reader.action_succeeded', reader, req);
    return;
  }
  const error =
    o.kind === 'declined'
      ? { type: 'card_error', code: 'card_declined', decline_code: o.declineCode, message: o.message }
      : { type: 'card_error', code: o.code, message: o.message };
  decline(core, pi, error, req);
  action.status = 'failed';
  action.failure_code = error.code;
  action.failure_message = error.message;
  action.api_error = error;
  core.emit('terminal.reader.action_failed', reader, req);
}

export function registerTerminalRoutes(router: Router, core: Core): void {
  router.add('POST', '/v1/terminal/readers', (req) => {
    const p = new Params(req.params, ['registration_code', 'label', 'location', 'metadata']);
    const code = p.requiredString('registration_code');
    const deviceType = DEVICE_TYPES[code];
    if (!deviceType) throw invalidParam('registration_code', `Invalid registration code: ${code}`);
    const reader: Reader = {
      id: newId('tmr'),
      object: 'terminal.reader',
      action: null,
      device_type: deviceType,
      label: p.string('label', { max: 100 }) ?? code,
      location: p.string('location') ?? null,
      serial_number: `${deviceType.toUpperCase()}-${core.store.readers.size + 1}`,
      status: 'online',
      metadata: p.metadata(),
      livemode: false,
    };
    core.store.readers.set(reader.id, reader);
    return { body: structuredClone(reader) };
  });

  router.add('GET', '/v1/terminal/readers/:id', (req) => {
    new Params(req.params, []);
    return { body: structuredClone(getReader(core, req.path['id'] as string)) };
  });

  router.add('POST', '/v1/terminal/readers/:id/process_payment_intent', (req) => {
    const p = new Params(req.params, ['payment_intent', 'process_config']);
    const reader = getReader(core, req.path['id'] as string);
    reachable(core, reader);
    if (reader.action?.status === 'in_progress') {
      throw readerError('terminal_reader_busy', `Reader ${reader.id} is currently busy processing another request.`);
    }
    const pi = getPaymentIntent(core, p.requiredString('payment_intent'));
    if (!pi.payment_method_types.includes('card_present')) {
      throw invalidParam('payment_intent', 'The PaymentIntent does not accept card_present payments.');
    }
    if (pi.status !== 'requires_payment_method') throw unexpectedState('payment_intent', pi.id, pi.status, 'processed');
    reader.action = {
      type: 'process_payment_intent',
      status: 'in_progress',
      failure_code: null,
      failure_message: null,
      api_error: null,
      process_payment_intent: { payment_intent: pi.id },
    };
    return { body: structuredClone(reader) };
  });

  router.add('POST', '/v1/terminal/readers/:id/cancel_action', (req) => {
    new Params(req.params, []);
    const reader = getReader(core, req.path['id'] as string);
    reachable(core, reader);
    if (reader.action?.status !== 'in_progress') {
      throw readerError('terminal_reader_busy', `Reader ${reader.id} has no action in progress to cancel.`);
    }
    reader.action = null;
    return { body: structuredClone(reader) };
  });

  router.add('POST', '/v1/test_helpers/terminal/readers/:id/present_payment_method', (req) => {
    const p = new Params(req.params, ['type', 'card_present', 'amount_tip']);
    p.oneOf('type', ['card_present'], 'card_present');
    const cardPresent = p.object('card_present');
    const number = cardPresent?.['number'];
    if (number !== undefined && typeof number !== 'string') throw invalidParam('card_present[number]', 'Invalid card number.');
    const reader = getReader(core, req.path['id'] as string);
    presentCard(core, reader, number ?? DEFAULT_TEST_CARD, req);
    return { body: structuredClone(reader) };
  });
}
