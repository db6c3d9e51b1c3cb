/**
 * The kiosk's service routes (issue 10): the receipt of a finished sale (screen text, the link
 * to the backoffice's receipt page and its QR code) and printing it on request; technician mode
 * (PIN → a short session → hardware status and the out-of-service switch); and the simulated
 * point's card reader, scanner and receipt printer. Refusals answer 200 with `ok: false`, a reason
 * code and the translated message; nothing changed.
 */
import { Type, type Static } from 'typebox';
import { PIN_MAX_LENGTH, PIN_MIN_LENGTH, PIN_PATTERN_SOURCE } from '../credentialFormats.ts';
import { Code, EpochMs, NonNegInt } from './common.ts';
import { DoorViewSchema, HardwareEntrySchema } from './snapshot.ts';
import { FridgeViewSchema } from './lockers.ts';

// ---- receipts ----------------------------------------------------------------------------

/** `GET /api/checkout/:id/receipt`: the receipt of a done sale as screen text, with the link to it online. */
export const ReceiptAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Code),
  message: Type.Optional(Type.String()),
  /** The receipt as 42-column lines (what the printer prints). */
  text: Type.Optional(Type.Array(Type.String())),
  /** The backoffice's receipt page (null: no backoffice URL configured). */
  url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** The link as a QR code (SVG markup), null without a URL. */
  qrSvg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type ReceiptAnswer = Static<typeof ReceiptAnswerSchema>;

/** `POST /api/checkout/:id/receipt/print`: printed, or why not (the sale stays booked either way). */
export const PrintAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  /** printed, paper-out, cover-open, offline, error, no-answer, status-unknown, no-printer; no-receipt (no such done sale) */
  outcome: Code,
  message: Type.String(),
});
export type PrintAnswer = Static<typeof PrintAnswerSchema>;

// ---- technician ----------------------------------------------------------------------------

/** `POST /api/technician/sign-in`: the technician PIN. */
export const TechnicianPinBodySchema = Type.Object(
  { pin: Type.String({ minLength: PIN_MIN_LENGTH, maxLength: PIN_MAX_LENGTH, pattern: PIN_PATTERN_SOURCE }) },
  { additionalProperties: false },
);
export type TechnicianPinBody = Static<typeof TechnicianPinBodySchema>;

export const TechnicianSignInAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  /** The session for the technician routes (valid a few minutes). */
  session: Type.Optional(Type.String()),
  reason: Type.Optional(Code),
  message: Type.Optional(Type.String()),
  retryAfterMs: Type.Optional(NonNegInt),
});
export type TechnicianSignInAnswer = Static<typeof TechnicianSignInAnswerSchema>;

const Session = Type.String({ minLength: 1, maxLength: 100 });

/** `POST /api/technician/status`: a technician session. */
export const TechnicianSessionBodySchema = Type.Object({ session: Session }, { additionalProperties: false });
export type TechnicianSessionBody = Static<typeof TechnicianSessionBodySchema>;

/** `POST /api/technician/service`: take the kiosk out of service or put it back. */
export const TechnicianServiceBodySchema = Type.Object({ session: Session, outOfService: Type.Boolean() }, { additionalProperties: false });
export type TechnicianServiceBody = Static<typeof TechnicianServiceBodySchema>;

export const TechnicianStatusSchema = Type.Object({
  outOfService: Type.Boolean(),
  door: DoorViewSchema,
  /** Links and boards (as `/api/hardware`), printer and scanner included. */
  hardware: Type.Array(HardwareEntrySchema),
  fridges: Type.Array(FridgeViewSchema),
  printer: Type.Object({
    present: Type.Boolean(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('lost'), Type.Literal('none')]),
    detail: Type.Optional(Type.String()),
  }),
  sync: Type.Union([Type.Object({ connected: Type.Boolean(), backlog: NonNegInt }), Type.Null()]),
  ledger: Type.Object({ lastSeq: NonNegInt, outbox: NonNegInt }),
});
export type TechnicianStatus = Static<typeof TechnicianStatusSchema>;

/** The technician routes' answer: the status, or a refusal (no or expired session). */
export const TechnicianAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Code),
  message: Type.Optional(Type.String()),
  status: Type.Optional(TechnicianStatusSchema),
});
export type TechnicianAnswer = Static<typeof TechnicianAnswerSchema>;

/** `GET /api/service`: whether customers may use the kiosk (a technician's switch). */
export const ServiceAnswerSchema = Type.Object({ outOfService: Type.Boolean(), since: Type.Union([EpochMs, Type.Null()]) });
export type ServiceAnswer = Static<typeof ServiceAnswerSchema>;

// ---- simulation ----------------------------------------------------------------------------

/** `POST /api/sim/reader`: at the simulated card reader, present a card (approved), a declined card, or walk away. */
export const SimReaderBodySchema = Type.Object(
  { action: Type.Union([Type.Literal('present'), Type.Literal('decline'), Type.Literal('walk-away')]) },
  { additionalProperties: false },
);
export type SimReaderBody = Static<typeof SimReaderBodySchema>;
export const SimReaderAnswerSchema = Type.Object({ ok: Type.Boolean(), message: Type.String() });
export type SimReaderAnswer = Static<typeof SimReaderAnswerSchema>;

/** `POST /api/sim/scan`: the simulated serial scanner reads this code (a product's GTIN). */
export const SimScanBodySchema = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x20-\\x7e]+$' }) },
  { additionalProperties: false },
);
export type SimScanBody = Static<typeof SimScanBodySchema>;

/** `GET /api/sim/printer`: the simulated printer's paper (receipts decoded from its ESC/POS bytes) and roll. */
export const SimPrinterAnswerSchema = Type.Object({
  present: Type.Boolean(),
  paper: Type.Union([Type.Literal('ok'), Type.Literal('near-end'), Type.Literal('out')]),
  receipts: Type.Array(Type.Object({ at: EpochMs, text: Type.Array(Type.String()), qrCodes: Type.Array(Type.String()) })),
});
export type SimPrinterAnswer = Static<typeof SimPrinterAnswerSchema>;

/** `POST /api/sim/printer`: load paper or let the roll run out. */
export const SimPaperBodySchema = Type.Object(
  { paper: Type.Union([Type.Literal('ok'), Type.Literal('near-end'), Type.Literal('out')]) },
  { additionalProperties: false },
);
export type SimPaperBody = Static<typeof SimPaperBodySchema>;

/** The products the simulated scanner offers (the catalog's products with a GTIN). */
export const SimProductsAnswerSchema = Type.Object({
  products: Type.Array(Type.Object({ gtin: Type.String(), name: Type.String(), priceCents: NonNegInt })),
});
export type SimProductsAnswer = Static<typeof SimProductsAnswerSchema>;
