/**
 * `/_fake/…`: what no real Stripe endpoint offers but tests and the simulated point need —
 * the fake's own books (`ledger`), reader modes, injected API faults, webhook endpoints with a
 * known secret, event redelivery, delivery attempts, and the customer's phone paying a session.
 */
import { payCheckoutSession, getSession } from './checkout.ts';
import { checkoutPage } from './checkoutPage.ts';
import type { Core } from './core.ts';
import { ApiError, invalidParam } from './errors.ts';
import type { Fault } from './http.ts';
import { Params } from './params.ts';
import type { Router } from './router.ts';
import { setReaderMode } from './terminal.ts';
import type { WebhookDelivery } from './webhooks.ts';

export interface LedgerEntry {
  id: string;
  status: string;
  amount: number;
  captureMethod: string;
  amountCapturable: number;
  amountCaptured: number;
  amountRefunded: number;
  metadata: Record<string, string>;
  card: { brand: string; last4: string } | null;
}

export interface Ledger {
  paymentIntents: LedgerEntry[];
  totals: { captured: number; refunded: number; authorised: number };
}

export function ledger(core: Core): Ledger {
  const entries: LedgerEntry[] = [...core.store.paymentIntents.values()].map((pi) => {
    const charge = pi.latest_charge ? core.store.charges.get(pi.latest_charge) : undefined;
    const d = charge?.payment_method_details;
    const card = d?.card_present ?? d?.card;
    return {
      id: pi.id,
      status: pi.status,
      amount: pi.amount,
      captureMethod: pi.capture_method,
      amountCapturable: pi.amount_capturable,
      amountCaptured: charge?.amount_captured ?? 0,
      amountRefunded: charge?.amount_refunded ?? 0,
      metadata: { ...pi.metadata },
      card: card ? { brand: card.brand, last4: card.last4 } : null,
    };
  });
  const sum = (f: (e: LedgerEntry) => number): number => entries.reduce((s, e) => s + f(e), 0);
  return {
    paymentIntents: entries,
    totals: { captured: sum((e) => e.amountCaptured), refunded: sum((e) => e.amountRefunded), authorised: sum((e) => e.amountCapturable) },
  };
}

export function registerControlRoutes(router: Router, core: Core, delivery: WebhookDelivery, faults: Fault[]): void {
  router.add('GET', '/_fake/ledger', () => ({ body: ledger(core) }));

  router.add('POST', '/_fake/readers/:id/behaviour', (req) => {
    const p = new Params(req.params, ['mode']);
    const mode = p.oneOf('mode', ['normal', 'unresponsive', 'offline', 'timeout']);
    return { body: structuredClone(setReaderMode(core, req.path['id'] as string, mode)) };
  });

  router.add('POST', '/_fake/faults', (req) => {
    const p = new Params(req.params, ['mode', 'times', 'method', 'path']);
    const fault: Fault = {
      mode: p.oneOf('mode', ['status500', 'hang', 'dropAfterCommit']),
      remaining: p.integer('times', { min: 1, max: 100 }) ?? 1,
    };
    const method = p.string('method');
    if (method) fault.method = p.oneOf('method', ['GET', 'POST']);
    const path = p.string('path');
    if (path) {
      if (!path.startsWith('/v1/')) throw invalidParam('path', 'path must start with /v1/');
      fault.pathPrefix = path;
    }
    faults.push(fault);
    return { body: { ...fault } };
  });

  router.add('POST', '/_fake/webhook_endpoints', (req) => {
    const p = new Params(req.params, ['url', 'secret', 'enabled_events']);
    const secret = p.string('secret');
    if (secret !== undefined && !/^whsec_[A-Za-z0-9_-]{8,}$/.test(secret)) {
      throw invalidParam('secret', 'secret must look like whsec_… (8+ characters after the prefix).');
    }
    const ep = delivery.addEndpoint(p.requiredString('url'), {
      ...(secret ? { secret } : {}),
      enabledEvents: p.stringList('enabled_events') ?? ['*'],
    });
    return { body: structuredClone(ep) };
  });

  router.add('POST', '/_fake/events/:id/redeliver', (req) => {
    new Params(req.params, []);
    return { body: structuredClone(delivery.redeliver(req.path['id'] as string)) };
  });

  router.add('GET', '/_fake/deliveries', () => ({ body: structuredClone(core.store.deliveries) }));

  router.add('GET', '/_fake/checkout/:id', (req) => {
    const session = getSession(core, req.path['id'] as string);
    return { body: checkoutPage(session, core.store.lineItems.get(session.id) ?? []), contentType: 'text/html; charset=utf-8' };
  });

  router.add('POST', '/_fake/checkout/:id/pay', (req) => {
    const p = new Params(req.params, ['number']);
    return { body: structuredClone(payCheckoutSession(core, req.path['id'] as string, cardNumber(p))) };
  });

  // The hosted page's form: same as /pay, answered with the page (paid, or the decline shown).
  router.add('POST', '/_fake/checkout/:id/pay-page', (req) => {
    const p = new Params(req.params, ['number']);
    const id = req.path['id'] as string;
    let note: string | undefined;
    try {
      payCheckoutSession(core, id, cardNumber(p));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      note = err.message;
    }
    const session = getSession(core, id);
    return { body: checkoutPage(session, core.store.lineItems.get(id) ?? [], note), contentType: 'text/html; charset=utf-8' };
  });
}

function cardNumber(p: Params): string | undefined {
  return p.string('number', { max: 40 })?.replace(/[\s-]+/g, '');
}
