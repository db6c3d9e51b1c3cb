import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import { catalog, pickLang } from '../../i18n/i18n.ts';

const route = kioskRoutes.i18n;

/** The message catalogue for browser pages: German by default, English on request. */
export const i18nRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(route.path, { schema: { querystring: route.query, response: responses(route.response) } }, async (req) => {
    const lang = pickLang(req.query.lang ?? req.headers['accept-language']);
    return { lang, messages: catalog(lang) };
  });
};
