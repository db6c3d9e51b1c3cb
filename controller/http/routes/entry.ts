import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import { pickLang, reasonText } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

const { presentToken, presentCard } = kioskRoutes;

/**
 * Present a credential (kiosk QR scanner, card reader, or the virtual point page). The body
 * formats are the contract's (controller/contract/kiosk/routes.ts, built on credentialFormats.ts);
 * a token too long once trimmed is decided `malformed` (and logged).
 */
export const entryRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.post(presentToken.path, { schema: { body: presentToken.body, response: responses(presentToken.response) } }, async (req) => {
    const decision = await point.presentToken(req.body.token.trim());
    return { ...decision, message: reasonText(pickLang(req.headers['accept-language']), decision.reason) };
  });
  app.post(presentCard.path, { schema: { body: presentCard.body, response: responses(presentCard.response) } }, async (req) => {
    const decision = await point.presentCard(req.body.uid, req.body.pin);
    return { ...decision, message: reasonText(pickLang(req.headers['accept-language']), decision.reason) };
  });
};
