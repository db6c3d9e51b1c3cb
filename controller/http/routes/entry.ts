import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CARD_UID_MAX_LENGTH, CARD_UID_PATTERN_SOURCE, MAX_TOKEN_TEXT_LENGTH, PIN_MAX_LENGTH, PIN_MIN_LENGTH, PIN_PATTERN_SOURCE } from '../../contract/credentialFormats.ts';
import { pickLang, reasonText } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

/** A scanner may add a line end; a token that is too long once trimmed is decided `malformed` (and logged). */
const TOKEN_WHITESPACE_ALLOWANCE = 8;
const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_TEXT_LENGTH + TOKEN_WHITESPACE_ALLOWANCE }) },
  { additionalProperties: false },
);
// The same formats the decision and the downlink use (controller/access/credentialFormats.ts).
const CardBody = Type.Object(
  {
    uid: Type.String({ minLength: 1, maxLength: CARD_UID_MAX_LENGTH, pattern: CARD_UID_PATTERN_SOURCE }),
    pin: Type.String({ minLength: PIN_MIN_LENGTH, maxLength: PIN_MAX_LENGTH, pattern: PIN_PATTERN_SOURCE }),
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
