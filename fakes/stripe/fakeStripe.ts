/**
 * A stateful local fake of the parts of Stripe's HTTP API dorfpunkt uses, for the official
 * `stripe` SDK pointed at it with `host`/`port`/`protocol: 'http'`. Product code: `npm start`
 * runs it as the point's payment service; tests run it on a free port with a ManualClock.
 *
 *   const fake = createFakeStripe({ secretKey: 'sk_test_…', clock, logger });
 *   const { port } = await fake.listen();
 *   const stripe = new Stripe('sk_test_…', { host: '127.0.0.1', port, protocol: 'http', telemetry: false });
 */
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { registerCheckoutRoutes } from './checkout.ts';
import { ledger, registerControlRoutes, type Ledger } from './control.ts';
import { createCore, type Core } from './core.ts';
import { createHttpFront, type Fault } from './http.ts';
import { IdempotencyStore } from './idempotency.ts';
import { registerPaymentIntentRoutes } from './paymentIntents.ts';
import { registerRefundRoutes } from './refunds.ts';
import { Router } from './router.ts';
import { Store, type ReaderMode, type Reader, type WebhookEndpoint } from './store.ts';
import { getReader, registerTerminalRoutes, setReaderMode } from './terminal.ts';
import { createWebhookDelivery, registerEventRoutes } from './webhooks.ts';

export interface FakeStripeOptions {
  /** The only API key accepted (`Authorization: Bearer <secretKey>`); anything else is a 401. */
  secretKey: string;
  clock: Clock;
  logger: Logger;
  /** Base URL of checkout pages (what a phone opens); default the listening address. */
  publicUrl?: string;
  /** Webhook endpoints from the start (e.g. the backoffice's receiver). */
  webhookEndpoints?: { url: string; secret: string; enabledEvents?: string[] }[];
  /** Retry delays of a failed webhook delivery, on the injected clock. */
  webhookRetryDelaysMs?: readonly number[];
  /** Uncaptured card authorisations lapse after this (default 2 days). */
  authorizationHoldMs?: number;
}

export interface FakeStripe {
  listen(opts?: { host?: string; port?: number }): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
  /**
   * Register a simulated reader directly (same as `POST /v1/terminal/readers`); `id` fixes its
   * id (`tmr_…`) so a point's configuration can name it across restarts of the fake.
   */
  registerReader(label?: string, id?: string): Reader;
  setReaderMode(readerId: string, mode: ReaderMode): void;
  addWebhookEndpoint(url: string, secret?: string): WebhookEndpoint;
  injectFault(fault: Omit<Fault, 'remaining'> & { times?: number }): void;
  ledger(): Ledger;
  /** Everything the fake holds, as JSON-ready data (books, events, idempotency records, deliveries). */
  snapshot(): Record<string, unknown>;
  readonly core: Core;
}

export function createFakeStripe(o: FakeStripeOptions): FakeStripe {
  const store = new Store();
  const timers = new Set<TimerHandle>();
  let baseUrl = o.publicUrl ?? 'http://127.0.0.1';
  const schedule = (fn: () => void, ms: number): void => {
    const h = o.clock.setTimeout(
      () => {
        timers.delete(h);
        fn();
      },
      Math.max(0, ms),
    );
    timers.add(h);
  };
  const logger = o.logger.child({ component: 'stripe-fake' });
  const delivery = createWebhookDelivery({
    store,
    clock: o.clock,
    logger,
    schedule,
    ...(o.webhookRetryDelaysMs ? { retryDelaysMs: o.webhookRetryDelaysMs } : {}),
  });
  const core = createCore({
    store,
    clock: o.clock,
    logger,
    publicUrl: () => baseUrl,
    holdMs: o.authorizationHoldMs ?? 2 * 24 * 60 * 60 * 1000,
    deliver: (e) => delivery.deliver(e),
    schedule,
  });
  for (const ep of o.webhookEndpoints ?? []) {
    delivery.addEndpoint(ep.url, { secret: ep.secret, ...(ep.enabledEvents ? { enabledEvents: ep.enabledEvents } : {}) });
  }

  const api = new Router();
  registerPaymentIntentRoutes(api, core);
  registerRefundRoutes(api, core);
  registerTerminalRoutes(api, core);
  registerCheckoutRoutes(api, core);
  registerEventRoutes(api, core, delivery);
  const faults: Fault[] = [];
  const control = new Router();
  registerControlRoutes(control, core, delivery, faults);
  const idempotency = new IdempotencyStore(o.clock);
  const { server, hanging } = createHttpFront({ api, control, secretKey: o.secretKey, idempotency, faults, logger });

  return {
    core,
    async listen(opts = {}) {
      const host = opts.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const port = (server.address() as AddressInfo).port;
      const url = `http://${host}:${port}`;
      if (!o.publicUrl) baseUrl = url;
      logger.info({ url }, 'stripe fake: listening');
      return { host, port, url };
    },
    async close() {
      delivery.close();
      for (const h of timers) o.clock.clearTimeout(h);
      timers.clear();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
    registerReader(label, id) {
      if (id !== undefined && (!/^tmr_[A-Za-z0-9_]{1,40}$/.test(id) || store.readers.has(id))) {
        throw new Error(`reader id must be tmr_ + 1-40 letters, digits or _ and unused, got ${JSON.stringify(id)}`);
      }
      const m = api.match('POST', '/v1/terminal/readers');
      if (!m || m === 'method') throw new Error('reader route missing');
      const params = Object.assign(Object.create(null) as Record<string, string>, { registration_code: 'simulated-wpe' }, label ? { label } : {});
      const created = m.handler({ params, path: {}, requestId: 'direct', idempotencyKey: null }).body as Reader;
      if (id === undefined) return created;
      const reader = store.readers.get(created.id) as Reader;
      store.readers.delete(created.id);
      reader.id = id;
      store.readers.set(id, reader);
      return structuredClone(reader);
    },
    setReaderMode(readerId, mode) {
      getReader(core, readerId);
      setReaderMode(core, readerId, mode);
    },
    addWebhookEndpoint(url, secret) {
      return delivery.addEndpoint(url, secret ? { secret } : {});
    },
    injectFault(f) {
      faults.push({ mode: f.mode, remaining: f.times ?? 1, ...(f.method ? { method: f.method } : {}), ...(f.pathPrefix ? { pathPrefix: f.pathPrefix } : {}) });
    },
    ledger: () => ledger(core),
    snapshot: () =>
      structuredClone({
        paymentIntents: [...store.paymentIntents.values()],
        charges: [...store.charges.values()],
        refunds: [...store.refunds.values()],
        readers: [...store.readers.values()],
        checkoutSessions: [...store.checkoutSessions.values()],
        lineItems: Object.fromEntries(store.lineItems),
        events: store.events,
        deliveries: store.deliveries,
        idempotency: idempotency.snapshot(),
      }),
  };
}
