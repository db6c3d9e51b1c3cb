import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pickLang, reasonText } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false });
const CardBody = Type.Object(
  {
    uid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f:]+$' }),
    pin: Type.String({ minLength: 4, maxLength: 12, pattern: '^[0-9]+$' }),
  },
  { additionalProperties: false },
);

/** Present a credential (kiosk QR scanner, card reader, or the virtual point page). */
export const entryRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.post('/api/entry/token', { schema: { body: TokenBody } }, async (req) => {
    const decision = await point.presentToken(req.body.token.trim());
    return { ...decision, message: reasonText(pickLang(req.headers['accept-language']), decision.reason) };
  });
  app.post('/api/entry/card', { schema: { body: CardBody } }, async (req) => {
    const decision = await point.presentCard(req.body.uid, req.body.pin);
    return { ...decision, message: reasonText(pickLang(req.headers['accept-language']), decision.reason) };
  });
};
