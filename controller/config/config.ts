import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { parseJsonWithSchema, validateWithSchema } from '../../firmware-bridge/platform/validation.ts';
import { LimitsSchema } from './limits.ts';

const Bundesland = Type.Union(['BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'].map((c) => Type.Literal(c)));

/**
 * The controller's own configuration file (one per point). Everything about pins and boards
 * lives in the hardware profile, not here.
 */
export const ControllerConfigSchema = Type.Object(
  {
    siteId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
    dataDir: Type.String({ minLength: 1 }),
    hardwareProfile: Type.String({ minLength: 1 }),
    /** PEM file with the backoffice's Ed25519 public key for offline credential checks. */
    publicKeyFile: Type.String({ minLength: 1 }),
    bundesland: Bundesland,
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^(mqtt|mqtts|tcp|ws|wss)://' }),
          username: Type.Optional(Type.String()),
          password: Type.Optional(Type.String()),
          keepaliveSec: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** The technician PIN's scrypt hash (`hashPin`, controller/access/pin.ts); without it technician mode at the kiosk is refused. */
    technicianPinHash: Type.Optional(Type.String({ pattern: '^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9_-]+\\$[A-Za-z0-9_-]+$' })),
    /** The backoffice's public address: the kiosk's receipt QR code links to `<url>/r/<siteId>/<saleId>?t=…`. */
    backofficePublicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
    /** Help at the kiosk: the operators' phone number, offered when a help request stays unanswered for `answerWithinSec` (default 180). */
    help: Type.Optional(
      Type.Object(
        {
          phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 /()-]{3,30}$' })),
          answerWithinSec: Type.Optional(Type.Integer({ minimum: 30, maximum: 3600 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Brute-force limits; defaults in limits.ts (README: "Limits and what they promise"). */
    limits: Type.Optional(LimitsSchema),
    logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], {
      default: 'info',
    }),
  },
  { additionalProperties: false },
);

export type ControllerConfig = Static<typeof ControllerConfigSchema>;

export function parseControllerConfig(value: unknown, source: string): ControllerConfig {
  return validateWithSchema(ControllerConfigSchema, value, source);
}

export function loadControllerConfig(path: string): ControllerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read controller config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseJsonWithSchema(ControllerConfigSchema, text, path);
}
