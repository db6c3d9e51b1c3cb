/**
 * Payments: the Stripe webhook (public; its signature is the authentication), pay-by-phone
 * Checkout Sessions (for operators; the points ask over MQTT, see payments/phoneDispatcher.ts) and their
 * public short links. Without a Stripe configuration the routes exist and answer 503.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { PayByPhoneError, type PayByPhone } from '../../payments/payByPhone.ts';
import type { StripeWebhookReceiver } from '../../payments/webhooks.ts';
import { authOf } from '../plugins/auth.ts';
import { ErrorSchema, responses } from '../schemas/common.ts';
import { PayByPhoneAnswer, PayByPhoneBody, PayLinkParams, PayLinkRedirect, WebhookAnswer } from '../schemas/payments.ts';
import type { App, RouteDeps } from '../types.ts';

export interface PaymentsApi {
  webhooks: StripeWebhookReceiver;
  payByPhone: PayByPhone;
}

/** A Stripe event is small; Stripe's own limit is far below this. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

function notConfigured(reply: FastifyReply) {
  return reply.code(503).send({ error: 'payments-not-configured', message: 'Zahlungen sind in diesem Backoffice nicht eingerichtet' });
}

/**
 * What a phone's browser shows for a link that leads nowhere (static German text, no input echoed).
 * API clients (no `text/html` in Accept) get the usual `{error, message}`.
 */
function linkPage(title: string, text: string): string {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>body{font:1.25rem/1.5 system-ui,sans-serif;margin:2rem auto;padding:0 1rem;max-width:32rem;color:#111;background:#fff}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

/** 404/410 of the link: `{error, message}`, or an HTML page for a browser. */
const ErrorOrPage = Type.Union([ErrorSchema, Type.String()]);

const LINK_ERRORS = {
  'not-found': { status: 404, title: 'Unbekannter Bezahl-Link', text: 'Diesen Bezahl-Link gibt es nicht. Bitte den QR-Code am Terminal noch einmal scannen.' },
  expired: { status: 410, title: 'Bezahl-Link abgelaufen', text: 'Dieser Bezahl-Link ist abgelaufen oder wurde schon benutzt. Bitte am Terminal neu starten.' },
} as const;

export function paymentRoutes(app: App, deps: RouteDeps, payments: PaymentsApi | null): void {
  // The signature covers the exact bytes Stripe sent: this scope keeps the body as a Buffer (no
  // JSON parser), every other route keeps its own parsers.
  void app.register(async (scope: App) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post('/api/stripe/webhook', { schema: { response: responses(WebhookAnswer, 503) } }, async (req, reply) => {
      if (!payments) return notConfigured(reply);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers['stripe-signature'];
      const r = await payments.webhooks.receive(raw, Array.isArray(header) ? header.join(',') : header, req.ip ?? null);
      if (!r.ok) return reply.code(400).send({ error: r.code, message: r.message });
      return { received: true as const, eventId: r.eventId, duplicate: r.duplicate, relay: r.relay };
    });
  });

  app.post('/api/pay-by-phone/sessions', { schema: { body: PayByPhoneBody, response: responses(PayByPhoneAnswer, 409, 502, 503) } }, async (req, reply) => {
    if (!payments) return notConfigured(reply);
    const { actor } = authOf(req);
    try {
      const a = await payments.payByPhone.create(req.body);
      await deps.audit.record(
        deps.db,
        actor,
        {
          action: 'payment.pay-by-phone',
          outcome: 'ok',
          siteId: req.body.siteId,
          target: a.sessionId,
          detail: { saleId: req.body.saleId, amountCents: a.amountCents, code: a.code, reused: a.reused },
        },
        deps.now(),
      );
      return a;
    } catch (e) {
      if (!(e instanceof PayByPhoneError)) throw e;
      await deps.audit.record(
        deps.db,
        actor,
        { action: 'payment.pay-by-phone', outcome: 'failed', siteId: req.body.siteId, detail: { saleId: req.body.saleId, reason: e.code } },
        deps.now(),
      );
      const status = e.code === 'amount-too-small' ? 400 : e.code === 'stripe-unreachable' ? 502 : 409;
      return reply.code(status).send({ error: e.code, message: e.message });
    }
  });

  // Public: the phone that scanned the QR code has no session. The code is 8 random characters
  // (31^8 ≈ 8.5e11) and leads only to Stripe's own page for one basket.
  app.get(
    '/p/:code',
    {
      schema: {
        params: PayLinkParams,
        response: { 200: PayLinkRedirect, 302: PayLinkRedirect, 400: ErrorSchema, 404: ErrorOrPage, 410: ErrorOrPage, 500: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!payments) return notConfigured(reply);
      const r = await payments.payByPhone.resolve(req.params.code);
      if (r.ok) return reply.redirect(r.url, 302);
      const e = LINK_ERRORS[r.code];
      if (String(req.headers.accept ?? '').includes('text/html')) return reply.code(e.status).type('text/html; charset=utf-8').send(linkPage(e.title, e.text));
      return reply.code(e.status).send({ error: r.code, message: e.text });
    },
  );
}
