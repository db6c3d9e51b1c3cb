/**
 * For tests: a fake on a free port with a ManualClock and a recording logger, the official SDK
 * pointed at it, and a webhook receiver that keeps the raw bodies it was sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger, type LogRecord } from '../../firmware-bridge/platform/logger.ts';
import { createFakeStripe, type FakeStripe, type FakeStripeOptions } from './fakeStripe.ts';

export const TEST_SECRET_KEY = 'sk_test_dorfpunktFake0000000000';

export interface FakeHarness {
  fake: FakeStripe;
  clock: ManualClock;
  logs: LogRecord[];
  port: number;
  url: string;
  /** An SDK client; `maxNetworkRetries` 0 unless given, so failures surface. */
  sdk(opts?: { maxNetworkRetries?: number; timeout?: number; key?: string }): Stripe;
  /** `/_fake/…` control call with a JSON body. */
  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startFake(opts: Partial<FakeStripeOptions> = {}): Promise<FakeHarness> {
  const clock = new ManualClock();
  const logs: LogRecord[] = [];
  const fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock, logger: createRecordingLogger(logs), ...opts });
  const { port, url } = await fake.listen();
  return {
    fake,
    clock,
    logs,
    port,
    url,
    sdk: (o = {}) =>
      new Stripe(o.key ?? TEST_SECRET_KEY, {
        host: '127.0.0.1',
        port,
        protocol: 'http',
        telemetry: false,
        maxNetworkRetries: o.maxNetworkRetries ?? 0,
        timeout: o.timeout ?? 5_000,
      }),
    async control(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    },
    close: () => fake.close(),
  };
}

export interface ReceivedWebhook {
  body: string;
  signature: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer with, in order; then 200. */
  answers: number[];
  /** Resolves when the receiver has been sent `count` requests in total. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature'] ?? '') });
      res.statusCode = answers.shift() ?? 200;
      res.end();
      for (const w of [...waiters]) {
        if (received.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/stripe/webhook`,
    received,
    answers,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve) => waiters.push({ count, resolve: () => resolve(received) }));
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
