/**
 * Every HTTP route of the point's local API, with its request and response schemas, as one
 * table (`kioskRoutes`). The controller's fastify routes take their schemas from it, the typed
 * client (client.ts) calls through it, and the contract test checks real answers against it.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  CARD_UID_MAX_LENGTH,
  CARD_UID_PATTERN_SOURCE,
  MAX_TOKEN_TEXT_LENGTH,
  PIN_MAX_LENGTH,
  PIN_MIN_LENGTH,
  PIN_PATTERN_SOURCE,
} from '../credentialFormats.ts';
import { ErrorSchema, NonNegInt, OkSchema } from './common.ts';
import {
  AgeBodySchema,
  CheckoutAnswerSchema,
  ConfirmBodySchema,
  LooseBodySchema,
  LooseCatalogSchema,
  PayBodySchema,
  SaleParamsSchema,
  SaleViewSchema,
  ScanBodySchema,
} from './checkout.ts';
import {
  AlarmsAnswerSchema,
  DropOffAnswerSchema,
  DropOffBodySchema,
  FridgesAnswerSchema,
  LockerAnswerSchema,
  LockersAnswerSchema,
  PickupBodySchema,
  SimFridgeBodySchema,
  SimFridgesAnswerSchema,
} from './lockers.ts';
import {
  PrintAnswerSchema,
  ReceiptAnswerSchema,
  ServiceAnswerSchema,
  SimPaperBodySchema,
  SimPrinterAnswerSchema,
  SimProductsAnswerSchema,
  SimReaderAnswerSchema,
  SimReaderBodySchema,
  SimScanBodySchema,
  TechnicianAnswerSchema,
  TechnicianPinBodySchema,
  TechnicianServiceBodySchema,
  TechnicianSessionBodySchema,
  TechnicianSignInAnswerSchema,
} from './service.ts';
import { CompartmentSchema, DecisionAnswerSchema, DoorViewSchema, HardwareEntrySchema, PointSnapshotSchema } from './snapshot.ts';

// ---- requests ----------------------------------------------------------------------------

/** A scanner may add a line end; a token that is too long once trimmed is decided `malformed`. */
export const TOKEN_WHITESPACE_ALLOWANCE = 8;

/** `POST /api/entry/token`: the scanned QR text (`DP1.…`); surrounding whitespace is trimmed. */
export const TokenBodySchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_TEXT_LENGTH + TOKEN_WHITESPACE_ALLOWANCE }) },
  { additionalProperties: false },
);
export type TokenBody = Static<typeof TokenBodySchema>;

/** `POST /api/entry/card`: card UID and PIN, in the formats of ../credentialFormats.ts. */
export const CardBodySchema = Type.Object(
  {
    uid: Type.String({ minLength: 1, maxLength: CARD_UID_MAX_LENGTH, pattern: CARD_UID_PATTERN_SOURCE }),
    pin: Type.String({ minLength: PIN_MIN_LENGTH, maxLength: PIN_MAX_LENGTH, pattern: PIN_PATTERN_SOURCE }),
  },
  { additionalProperties: false },
);
export type CardBody = Static<typeof CardBodySchema>;

/** `GET /api/i18n?lang=en`: German unless English is asked for (then Accept-Language decides). */
export const I18nQuerySchema = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });
export type I18nQuery = Static<typeof I18nQuerySchema>;

/** `POST /api/sim/fire`: switch the simulated fire-alarm input. */
export const FireBodySchema = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
export type FireBody = Static<typeof FireBodySchema>;

/** `POST /api/sim/cable`: pull (`plugged: false`) or replug the cable of the link a board hangs on. */
export const CableBodySchema = Type.Object({ board: Type.String({ minLength: 1, maxLength: 40 }), plugged: Type.Boolean() }, { additionalProperties: false });
export type CableBody = Static<typeof CableBodySchema>;

/** The kiosk screens a help request can come from (kiosk-ui). */
export const HELP_SCREEN_PATTERN_SOURCE = '^[a-z][a-z-]{0,39}$';

/** `POST /api/help`: a person at the kiosk asks for help; `screen` is where they were. */
export const HelpBodySchema = Type.Object(
  { screen: Type.String({ minLength: 1, maxLength: 40, pattern: HELP_SCREEN_PATTERN_SOURCE }) },
  { additionalProperties: false },
);
export type HelpBody = Static<typeof HelpBodySchema>;

// ---- responses ---------------------------------------------------------------------------

/** `GET /health`: only a lost link or board (or a faulted door) makes it not ok; degraded still works. */
export const HealthSchema = Type.Object({
  ok: Type.Boolean(),
  degraded: Type.Boolean(),
  siteId: Type.String(),
  ledger: Type.Object({ lastSeq: NonNegInt, outbox: NonNegInt }),
  hardware: Type.Array(HardwareEntrySchema),
  door: DoorViewSchema,
});
export type Health = Static<typeof HealthSchema>;

/** `GET /api/hardware`: every link and board, and the locker compartments. */
export const HardwareAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Array(HardwareEntrySchema),
  compartments: Type.Array(CompartmentSchema),
});
export type HardwareAnswer = Static<typeof HardwareAnswerSchema>;

/** `POST /api/help`: recorded (the ledger event's seq) and the text telling the person what happens next. */
export const HelpAnswerSchema = Type.Object({
  ok: Type.Literal(true),
  seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  message: Type.String(),
});
export type HelpAnswer = Static<typeof HelpAnswerSchema>;

export const LangSchema = Type.Union([Type.Literal('de'), Type.Literal('en')]);
export type Lang = Static<typeof LangSchema>;

/** `GET /api/i18n`: the whole message catalogue of one language (key → text). */
export const I18nAnswerSchema = Type.Object({
  lang: LangSchema,
  messages: Type.Record(Type.String(), Type.String()),
});
export type I18nAnswer = Static<typeof I18nAnswerSchema>;

/** `POST /api/sim/door/push`: the door opens only while the strike is released; else why not. */
export const PushAnswerSchema = Type.Object({ opened: Type.Boolean(), message: Type.Optional(Type.String()) });
export type PushAnswer = Static<typeof PushAnswerSchema>;

/** A demo member's credential shown on the virtual point page (sim mode only). */
export const DemoCredentialSchema = Type.Object({
  label: Type.String(),
  memberId: Type.String(),
  /** i18n key of the explanation shown with the credential. */
  note: Type.String(),
  token: Type.Optional(Type.String()),
  qrSvg: Type.Optional(Type.String()),
  cardUid: Type.Optional(Type.String()),
  pin: Type.Optional(Type.String()),
});
export type DemoCredentialData = Static<typeof DemoCredentialSchema>;

export const DemoCredentialsSchema = Type.Array(DemoCredentialSchema);

export const CableAnswerSchema = Type.Object({ ok: Type.Literal(true), plugged: Type.Boolean() });
export type CableAnswer = Static<typeof CableAnswerSchema>;

// ---- the route table ---------------------------------------------------------------------

export interface RouteDef {
  method: 'GET' | 'POST';
  path: string;
  body?: TSchema;
  query?: TSchema;
  /** Path parameters (`:id`). */
  params?: TSchema;
  /** The 200 answer. Every route answers errors (4xx, 5xx) as ErrorSchema. */
  response: TSchema;
  /** Only served by a simulated point. */
  simOnly?: true;
}

export const kioskRoutes = {
  health: { method: 'GET', path: '/health', response: HealthSchema },
  state: { method: 'GET', path: '/api/state', response: PointSnapshotSchema },
  hardware: { method: 'GET', path: '/api/hardware', response: HardwareAnswerSchema },
  i18n: { method: 'GET', path: '/api/i18n', query: I18nQuerySchema, response: I18nAnswerSchema },
  presentToken: { method: 'POST', path: '/api/entry/token', body: TokenBodySchema, response: DecisionAnswerSchema },
  presentCard: { method: 'POST', path: '/api/entry/card', body: CardBodySchema, response: DecisionAnswerSchema },
  /** Parcel lockers: compartments and the drop-off session in progress (empty on a point without lockers). */
  lockers: { method: 'GET', path: '/api/lockers', response: LockersAnswerSchema },
  /** Pickup by code; a refusal answers 200 with `ok: false`, the reason and (locked out) `retryAfterMs`. 404 `not-available` without lockers. */
  pickup: { method: 'POST', path: '/api/lockers/pickup', body: PickupBodySchema, response: LockerAnswerSchema },
  /** One step of a courier's drop-off (see DropOffBodySchema). 404 `not-available` without lockers. */
  dropOff: { method: 'POST', path: '/api/lockers/drop-off', body: DropOffBodySchema, response: DropOffAnswerSchema },
  fridges: { method: 'GET', path: '/api/fridges', response: FridgesAnswerSchema },
  /** A help request from the kiosk: recorded as `help.requested` for the backoffice. */
  help: { method: 'POST', path: '/api/help', body: HelpBodySchema, response: HelpAnswerSchema },
  alarms: { method: 'GET', path: '/api/alarms', response: AlarmsAnswerSchema },
  /** Kiosk checkout (contract/kiosk/checkout.ts). Refusals answer 200 `ok: false` with reason and message; an unknown or ended sale 404 `unknown-sale`; a point without checkout 404 `not-available`. */
  checkoutBegin: { method: 'POST', path: '/api/checkout', response: CheckoutAnswerSchema },
  checkoutScan: { method: 'POST', path: '/api/checkout/:id/scan', params: SaleParamsSchema, body: ScanBodySchema, response: CheckoutAnswerSchema },
  checkoutLoose: { method: 'POST', path: '/api/checkout/:id/loose', params: SaleParamsSchema, body: LooseBodySchema, response: CheckoutAnswerSchema },
  catalogLoose: { method: 'GET', path: '/api/catalog/loose', response: LooseCatalogSchema },
  checkoutConfirm: { method: 'POST', path: '/api/checkout/:id/confirm', params: SaleParamsSchema, body: ConfirmBodySchema, response: CheckoutAnswerSchema },
  checkoutAge: { method: 'POST', path: '/api/checkout/:id/age', params: SaleParamsSchema, body: AgeBodySchema, response: CheckoutAnswerSchema },
  checkoutPay: { method: 'POST', path: '/api/checkout/:id/pay', params: SaleParamsSchema, body: PayBodySchema, response: CheckoutAnswerSchema },
  /** Where the sale stands; while a payment runs this asks the provider (the kiosk polls it). */
  checkoutSale: { method: 'GET', path: '/api/checkout/:id', params: SaleParamsSchema, response: SaleViewSchema },
  checkoutAbort: { method: 'POST', path: '/api/checkout/:id/abort', params: SaleParamsSchema, response: CheckoutAnswerSchema },
  /** The receipt of a done sale (service.ts): screen text, link and QR code; a sale without one answers `ok: false`. */
  checkoutReceipt: { method: 'GET', path: '/api/checkout/:id/receipt', params: SaleParamsSchema, response: ReceiptAnswerSchema },
  /** Print the receipt of a done sale on request; the printer's trouble is the answer's `outcome`, the sale stays booked. */
  checkoutPrint: { method: 'POST', path: '/api/checkout/:id/receipt/print', params: SaleParamsSchema, response: PrintAnswerSchema },
  /** Whether customers may use the kiosk (a technician's out-of-service switch). */
  service: { method: 'GET', path: '/api/service', response: ServiceAnswerSchema },
  /** Technician mode: the technician PIN (guarded against guessing like card PINs) opens a short session. */
  technicianSignIn: { method: 'POST', path: '/api/technician/sign-in', body: TechnicianPinBodySchema, response: TechnicianSignInAnswerSchema },
  technicianStatus: { method: 'POST', path: '/api/technician/status', body: TechnicianSessionBodySchema, response: TechnicianAnswerSchema },
  technicianService: { method: 'POST', path: '/api/technician/service', body: TechnicianServiceBodySchema, response: TechnicianAnswerSchema },
  simPush: { method: 'POST', path: '/api/sim/door/push', response: PushAnswerSchema, simOnly: true },
  simForce: { method: 'POST', path: '/api/sim/door/force', response: OkSchema, simOnly: true },
  simClose: { method: 'POST', path: '/api/sim/door/close', response: OkSchema, simOnly: true },
  simExit: { method: 'POST', path: '/api/sim/exit', response: OkSchema, simOnly: true },
  simFire: { method: 'POST', path: '/api/sim/fire', body: FireBodySchema, response: OkSchema, simOnly: true },
  simCredentials: { method: 'GET', path: '/api/sim/credentials', response: DemoCredentialsSchema, simOnly: true },
  /** Answers 404 `unknown-board` for a board the simulation does not have. */
  simCable: { method: 'POST', path: '/api/sim/cable', body: CableBodySchema, response: CableAnswerSchema, simOnly: true },
  simFridges: { method: 'GET', path: '/api/sim/fridges', response: SimFridgesAnswerSchema, simOnly: true },
  /** Answers 404 `unknown-fridge` for a fridge the simulation does not have. */
  simFridge: { method: 'POST', path: '/api/sim/fridge', body: SimFridgeBodySchema, response: OkSchema, simOnly: true },
  /** The simulated card reader (the Stripe fake's Terminal test helpers): present a card, a declined one, or walk away. */
  simReader: { method: 'POST', path: '/api/sim/reader', body: SimReaderBodySchema, response: SimReaderAnswerSchema, simOnly: true },
  /** The simulated serial scanner reads a code (its real bytes go to the point's scanner link). */
  simScan: { method: 'POST', path: '/api/sim/scan', body: SimScanBodySchema, response: OkSchema, simOnly: true },
  simProducts: { method: 'GET', path: '/api/sim/products', response: SimProductsAnswerSchema, simOnly: true },
  /** The simulated receipt printer's paper: receipts decoded from the ESC/POS bytes it received. */
  simPrinter: { method: 'GET', path: '/api/sim/printer', response: SimPrinterAnswerSchema, simOnly: true },
  simPaper: { method: 'POST', path: '/api/sim/printer', body: SimPaperBodySchema, response: OkSchema, simOnly: true },
} as const satisfies Record<string, RouteDef>;

export type KioskRoutes = typeof kioskRoutes;
export type KioskRouteName = keyof KioskRoutes;

/** The WebSocket of live messages (live.ts): `GET /api/live` upgraded. */
export const LIVE_PATH = '/api/live';

/** The `schema.response` of a fastify route: the 200 answer and the one error shape. */
export function responses<T extends TSchema>(ok: T): { 200: T; '4xx': typeof ErrorSchema; '5xx': typeof ErrorSchema } {
  return { 200: ok, '4xx': ErrorSchema, '5xx': ErrorSchema };
}
