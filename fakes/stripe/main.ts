/**
 * The Stripe fake as its own process (a composition root): what `npm start` runs in place of
 * api.stripe.com. In-memory books: a restart of the fake forgets every payment.
 *
 *   tsx fakes/stripe/main.ts --port 12111 --secret-key sk_test_… [--reader tmr_sim_kiosk]…  (one --reader per kiosk)
 *       [--webhook http://127.0.0.1:8081/api/stripe/webhook=whsec_…] [--public-url http://192.168.1.5:12111]
 *
 * Environment fallbacks: STRIPE_FAKE_PORT, STRIPE_SECRET_KEY, STRIPE_FAKE_READER,
 * STRIPE_FAKE_WEBHOOK (url=secret), LOG_LEVEL.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { createFakeStripe } from './fakeStripe.ts';

function fail(message: string): never {
  process.stderr.write(`stripe fake: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'secret-key': { type: 'string' },
    reader: { type: 'string', multiple: true },
    webhook: { type: 'string', multiple: true },
    'public-url': { type: 'string' },
  },
  strict: true,
});

const env = process.env;
const port = Number(values.port ?? env['STRIPE_FAKE_PORT'] ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const secretKey = values['secret-key'] ?? env['STRIPE_SECRET_KEY'];
if (!secretKey || !/^sk_test_[A-Za-z0-9_]{8,}$/.test(secretKey)) fail('--secret-key sk_test_… (8+ characters) is required');
const webhooks = (values.webhook ?? (env['STRIPE_FAKE_WEBHOOK'] ? [env['STRIPE_FAKE_WEBHOOK']] : [])).map((w) => {
  const at = w.lastIndexOf('=');
  const url = w.slice(0, at);
  const secret = w.slice(at + 1);
  if (at < 0 || !/^https?:\/\//.test(url) || !secret.startsWith('whsec_')) fail(`--webhook must be <http url>=whsec_…, got ${w}`);
  return { url, secret };
});

const logger = pino({ level: env['LOG_LEVEL'] ?? 'info' }) as unknown as Logger;
const fake = createFakeStripe({
  secretKey,
  clock: createSystemClock(),
  logger,
  webhookEndpoints: webhooks,
  ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
});
const readerIds = values.reader ?? [env['STRIPE_FAKE_READER'] ?? 'tmr_sim_kiosk'];
try {
  for (const id of readerIds) fake.registerReader(readerIds.length === 1 ? 'Kiosk (simulated)' : `Kiosk ${id} (simulated)`, id);
} catch (err) {
  fail((err as Error).message);
}
const { url } = await fake.listen({ host: values.host ?? '127.0.0.1', port });
process.stdout.write(
  `stripe fake: ${url} (readers ${readerIds.join(', ')}; tap a card: POST ${url}/v1/test_helpers/terminal/readers/<reader>/present_payment_method)\n`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
