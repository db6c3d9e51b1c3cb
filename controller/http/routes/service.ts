import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import type { TechnicianAnswer, TechnicianSignInAnswer } from '../../contract/kiosk/service.ts';
import { pickLang, t, type Lang } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

const { checkoutReceipt, checkoutPrint, service, technicianSignIn, technicianStatus, technicianService } = kioskRoutes;

/**
 * The kiosk's service routes: the receipt of a done sale (screen text, link, QR code) and printing
 * it on request (a printer's trouble is the answer's outcome and message; the sale stays booked),
 * the out-of-service state customers see, and technician mode (PIN → session → status and the
 * out-of-service switch). Refusals are 200 `ok: false` with reason and message; a point without
 * the feature answers 404 `not-available`.
 */
export const serviceRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  const unavailable = (reply: FastifyReply, lang: Lang) => reply.status(404).send({ error: 'not-available', message: t(lang, 'checkout.unavailable') });

  app.get(checkoutReceipt.path, { schema: { params: checkoutReceipt.params, response: responses(checkoutReceipt.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.receipts) return unavailable(reply, lang);
    return point.receipts.receipt(req.params.id, lang);
  });

  app.post(checkoutPrint.path, { schema: { params: checkoutPrint.params, response: responses(checkoutPrint.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.receipts) return unavailable(reply, lang);
    return point.receipts.print(req.params.id, lang);
  });

  app.get(service.path, { schema: { response: responses(service.response) } }, async () => point.technician?.service() ?? { outOfService: false, since: null });

  app.post(technicianSignIn.path, { schema: { body: technicianSignIn.body, response: responses(technicianSignIn.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.technician) return unavailable(reply, lang);
    const r = await point.technician.signIn(req.body.pin);
    if (r.ok) return { ok: true, session: r.session } satisfies TechnicianSignInAnswer;
    const key = r.reason === 'locked' ? 'technician.locked' : r.reason === 'wrong-pin' ? 'technician.wrongPin' : 'technician.notConfigured';
    return { ok: false, reason: r.reason, message: t(lang, key), ...(r.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(r.retryAfterMs) } : {}) };
  });

  const withSession = (lang: Lang, session: string, act: () => void): TechnicianAnswer => {
    const tech = point.technician!;
    if (!tech.valid(session)) return { ok: false, reason: 'no-session', message: t(lang, 'technician.session') };
    act();
    return { ok: true, status: tech.status() };
  };

  app.post(technicianStatus.path, { schema: { body: technicianStatus.body, response: responses(technicianStatus.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.technician) return unavailable(reply, lang);
    return withSession(lang, req.body.session, () => undefined);
  });

  app.post(technicianService.path, { schema: { body: technicianService.body, response: responses(technicianService.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.technician) return unavailable(reply, lang);
    const tech = point.technician;
    return withSession(lang, req.body.session, () => void tech.setOutOfService(req.body.outOfService));
  });
};
