import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import { pickLang, t } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

const { help } = kioskRoutes;

/**
 * A help request from the kiosk: recorded as `help.requested` (when, and from which screen) and
 * synced to the backoffice, where an operator can answer, e.g. by releasing the door. A point
 * whose ledger refuses answers 500 (the person is told help could not be called).
 */
export const helpRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.post(help.path, { schema: { body: help.body, response: responses(help.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.requestHelp) return reply.status(404).send({ error: 'not-available', message: t(lang, 'help.unavailable') });
    const seq = point.requestHelp(req.body.screen);
    return { ok: true as const, seq, message: t(lang, 'help.requested') };
  });
};
