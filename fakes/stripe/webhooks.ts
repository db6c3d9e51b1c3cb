/**
 * Webhook endpoints and event delivery. Each event goes by HTTP POST to every enabled endpoint,
 * signed as Stripe signs (`Stripe-Signature`, see signature.ts) at the moment of each attempt.
 * A non-2xx answer or a failed connection is retried after `retryDelaysMs[n]` on the injected
 * clock until the delays run out. Redelivering an event sends the same event (same id) again:
 * de-duplication is the receiver's job, as with Stripe.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Core } from './core.ts';
import { invalidParam, noSuch } from './errors.ts';
import { newId } from './ids.ts';
import { Params } from './params.ts';
import type { Router } from './router.ts';
import type { Store, StripeEvent, WebhookEndpoint } from './store.ts';
import { signPayload } from './signature.ts';

export interface WebhookDeliveryOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Delay before each retry; its length bounds the retries. Default 1 min, 5 min, 30 min, 2 h, 5 h. */
  retryDelaysMs?: readonly number[];
  /** Time one attempt may take (real time: it is network I/O). */
  attemptTimeoutMs?: number;
  schedule: (fn: () => void, ms: number) => void;
}

export interface WebhookDelivery {
  deliver(event: StripeEvent): void;
  redeliver(eventId: string): StripeEvent;
  addEndpoint(url: string, opts?: { secret?: string; enabledEvents?: string[] }): WebhookEndpoint;
  close(): void;
}

const DEFAULT_RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 18_000_000];

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function createWebhookDelivery(o: WebhookDeliveryOptions): WebhookDelivery {
  const delays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const inFlight = new Set<AbortController>();
  let closed = false;

  const accepts = (ep: WebhookEndpoint, type: string): boolean => ep.enabled_events.includes('*') || ep.enabled_events.includes(type);

  async function attempt(event: StripeEvent, ep: WebhookEndpoint, n: number, redelivery: boolean): Promise<void> {
    if (closed) return;
    const body = JSON.stringify(event, null, 2);
    const signature = signPayload(body, ep.secret, Math.floor(o.clock.now() / 1000));
    const ctl = new AbortController();
    inFlight.add(ctl);
    const timer = setTimeout(() => ctl.abort(), o.attemptTimeoutMs ?? 10_000);
    let status: number | null = null;
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body,
        signal: ctl.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      o.logger.warn({ eventId: event.id, endpoint: ep.id, err: (err as Error).message }, 'stripe fake: webhook delivery failed');
    } finally {
      clearTimeout(timer);
      inFlight.delete(ctl);
    }
    if (closed) return;
    o.store.deliveries.push({ eventId: event.id, endpointId: ep.id, attempt: n, status, at: o.clock.now(), redelivery });
    const ok = status !== null && status >= 200 && status < 300;
    const delay = delays[n - 1];
    if (!ok && delay !== undefined) {
      o.schedule(() => void attempt(event, ep, n + 1, redelivery), delay);
    } else if (!ok) {
      o.logger.warn({ eventId: event.id, endpoint: ep.id, attempts: n }, 'stripe fake: webhook delivery gave up');
    }
  }

  function send(event: StripeEvent, redelivery: boolean): void {
    for (const ep of o.store.webhookEndpoints.values()) {
      if (accepts(ep, event.type)) void attempt(event, ep, 1, redelivery);
    }
  }

  return {
    deliver: (event) => send(event, false),
    redeliver(eventId) {
      const event = o.store.events.find((e) => e.id === eventId);
      if (!event) throw noSuch('event', eventId);
      send(event, true);
      return event;
    },
    addEndpoint(url, opts = {}) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalidParam('url', `Invalid URL: ${url}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidParam('url', 'Invalid URL: must be http(s).');
      const ep: WebhookEndpoint = {
        id: newId('we'),
        object: 'webhook_endpoint',
        url,
        enabled_events: opts.enabledEvents ?? ['*'],
        secret: opts.secret ?? newWebhookSecret(),
        status: 'enabled',
        created: Math.floor(o.clock.now() / 1000),
        livemode: false,
      };
      o.store.webhookEndpoints.set(ep.id, ep);
      return ep;
    },
    close() {
      closed = true;
      for (const ctl of inFlight) ctl.abort();
    },
  };
}

export function registerEventRoutes(router: Router, core: Core, delivery: WebhookDelivery): void {
  router.add('POST', '/v1/webhook_endpoints', (req) => {
    const p = new Params(req.params, ['url', 'enabled_events', 'description', 'api_version', 'metadata']);
    const ep = delivery.addEndpoint(p.requiredString('url', { max: 2048 }), { enabledEvents: p.stringList('enabled_events') ?? ['*'] });
    return { body: structuredClone(ep) };
  });

  router.add('GET', '/v1/events/:id', (req) => {
    new Params(req.params, []);
    const event = core.store.events.find((e) => e.id === req.path['id']);
    if (!event) throw noSuch('event', req.path['id'] as string);
    return { body: structuredClone(event) };
  });

  router.add('GET', '/v1/events', (req) => {
    const p = new Params(req.params, ['limit', 'type', 'starting_after']);
    const limit = p.integer('limit', { min: 1, max: 100 }) ?? 10;
    const type = p.string('type');
    const all = core.store.events.filter((e) => !type || e.type === type).reverse();
    const after = p.string('starting_after');
    const start = after ? all.findIndex((e) => e.id === after) + 1 : 0;
    return {
      body: {
        object: 'list',
        url: '/v1/events',
        has_more: start + limit < all.length,
        data: structuredClone(all.slice(start, start + limit)),
      },
    };
  });
}
