import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { pickLang, t } from '../i18n/i18n.ts';

/**
 * 4xx errors: a translated `message` for the person at the kiosk (German unless English is
 * asked for) and the technical `detail` (AJV's English validation text naming the field) for
 * the technician. 5xx errors are logged in full and shown to the client only generically.
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
    void reply.status(status).send({
      error: error.code ?? 'bad-request',
      message: t(lang, 'error.badRequest'),
      ...(error.message ? { detail: error.message } : {}),
    });
  };
}
