/** Bodies and answers of the Stripe webhook, pay-by-phone sessions and their short links. */
import { Type, type Static } from 'typebox';
import { SITE_ID_PATTERN } from '../../../controller/contract/sync/index.ts';
import { CODE_PATTERN } from '../../payments/payByPhone.ts';
import { EpochMs } from './common.ts';

export const WebhookAnswer = Type.Object(
  {
    received: Type.Literal(true),
    eventId: Type.String(),
    duplicate: Type.Boolean(),
    relay: Type.Union([Type.Literal('pending'), Type.Literal('relayed'), Type.Literal('not-relayed'), Type.Literal('no-site')]),
  },
  { additionalProperties: false },
);

export const PayByPhoneBody = Type.Object(
  {
    siteId: Type.String({ pattern: SITE_ID_PATTERN }),
    saleId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,200}$' }),
    lines: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          unitCents: Type.Integer({ minimum: 0, maximum: 99_999_999 }),
          quantity: Type.Integer({ minimum: 1, maximum: 999 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export type PayByPhoneBodyT = Static<typeof PayByPhoneBody>;

export const PayByPhoneAnswer = Type.Object(
  {
    sessionId: Type.String(),
    code: Type.String(),
    shortUrl: Type.String(),
    amountCents: Type.Integer({ minimum: 0 }),
    expiresAt: EpochMs,
    qrSvg: Type.String(),
    reused: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const PayLinkParams = Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) }, { additionalProperties: false });

/** Declared for the app's start check; the link answers 302 (or 404/410). */
export const PayLinkRedirect = Type.Object({}, { additionalProperties: false });
