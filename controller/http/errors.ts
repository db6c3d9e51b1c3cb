import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { pickLang, t } from '../i18n/i18n.ts';

/**
 * 4xx errors say what was wrong (validation messages name the field); 5xx errors are logged
 * in full and shown to the client only as a generic message.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const lang = pickLang(request.headers['accept-language']);
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      logger.error({ err: error, url: request.url }, 'request failed');
      void reply.status(500).send({ error: 'internal', message: t(lang, 'error.internal') });
      return;
    }
    void reply.status(status).send({ error: error.code ?? 'bad-request', message: error.message || t(lang, 'error.badRequest') });
  };
}
