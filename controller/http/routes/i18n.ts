import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { catalog, pickLang } from '../../i18n/i18n.ts';

const Query = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });

/** The message catalogue for browser pages: German by default, English on request. */
export const i18nRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/i18n', { schema: { querystring: Query } }, async (req) => {
    const lang = pickLang(req.query.lang ?? req.headers['accept-language']);
    return { lang, messages: catalog(lang) };
  });
};
