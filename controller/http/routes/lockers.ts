import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import type { DropOffAnswer, LockerAnswer } from '../../contract/kiosk/lockers.ts';
import { pickLang, t, type Lang } from '../../i18n/i18n.ts';
import type { DropOffOutcome, LockerRefusalView, PointApi } from '../pointApi.ts';

const { lockers, pickup, dropOff } = kioskRoutes;

/**
 * The parcel lockers at the kiosk: the compartments, pickup by code (keypad digits or QR text)
 * and the courier's drop-off, one step per request. A refusal is a 200 answer with `ok: false`,
 * its reason, the translated message and, while the keypad is locked out, `retryAfterMs`; the
 * code typed is never echoed. A point without lockers lists none and answers the actions 404.
 */
export const lockerRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.get(lockers.path, { schema: { response: responses(lockers.response) } }, async () => point.lockers?.() ?? { compartments: [], dropOff: null });

  app.post(pickup.path, { schema: { body: pickup.body, response: responses(pickup.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.pickup) return reply.status(404).send({ error: 'not-available', message: t(lang, 'locker.unavailable') });
    const r = await point.pickup(req.body.code);
    if (!r.ok) return refusalAnswer(lang, r);
    return { ok: true, compartment: r.compartment, message: t(lang, 'locker.pickup.opened').replace('{compartment}', r.compartment) } satisfies LockerAnswer;
  });

  app.post(dropOff.path, { schema: { body: dropOff.body, response: responses(dropOff.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.dropOff) return reply.status(404).send({ error: 'not-available', message: t(lang, 'locker.unavailable') });
    return dropOffAnswer(lang, await point.dropOff(req.body));
  });
};

function refusalAnswer(lang: Lang, r: LockerRefusalView): LockerAnswer {
  const retry = r.retryAfterMs !== undefined ? ' ' + t(lang, 'locker.retryAfter').replace('{seconds}', String(Math.ceil(r.retryAfterMs / 1000))) : '';
  return {
    ok: false,
    reason: r.reason,
    message: t(lang, r.messageKey) + retry,
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
    ...(r.offer !== undefined ? { offer: r.offer } : {}),
  };
}

function dropOffAnswer(lang: Lang, r: DropOffOutcome): DropOffAnswer {
  const session = { ...(r.sessionId !== undefined ? { sessionId: r.sessionId } : {}), ...(r.state !== undefined ? { state: r.state } : {}) };
  if (!r.ok) return { ...refusalAnswer(lang, r), ...session };
  const message =
    r.state === 'ended'
      ? t(lang, 'locker.dropoff.ended')
      : r.state === 'awaitingSize'
        ? t(lang, 'locker.dropoff.chooseSize')
        : r.compartment !== undefined
          ? t(lang, 'locker.dropoff.opened').replace('{compartment}', r.compartment)
          : t(lang, 'locker.dropoff.started');
  return { ok: true, message, ...session, ...(r.compartment !== undefined ? { compartment: r.compartment } : {}) };
}
