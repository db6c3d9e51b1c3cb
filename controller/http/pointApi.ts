import type { Compartment, DecisionViewData, PointSnapshotData, SimSnapshot } from '../contract/kiosk/snapshot.ts';
import type { DemoCredentialData } from '../contract/kiosk/routes.ts';
import type { DropOffBody, DropOffViewData, FridgeViewData, LockersAnswer, OpenAlarmData, SimFridgeBody, SimFridgeData } from '../contract/kiosk/lockers.ts';
import type { AgeBody, LooseCatalogData, PayBody, SaleViewData } from '../contract/kiosk/checkout.ts';
import type { Lang, MessageKey } from '../i18n/i18n.ts';
import type { SimPaperBody, SimPrinterAnswer, SimProductsAnswer, SimReaderBody, TechnicianStatus } from '../contract/kiosk/service.ts';
import type { PrintAnswer, ReceiptAnswer } from '../receipts/receiptDesk.ts';
import type { ServiceState, SignInResult } from '../technician/technicianDesk.ts';

/**
 * What the HTTP layer needs from the running point. The composition root adapts the door
 * controller, entry service, ledger, hardware status and sync client to this shape, so the
 * HTTP layer knows no feature's internals. The data types are the kiosk contract's
 * (controller/contract/kiosk/), so what the point produces is what the kiosk is promised.
 */

/** An access decision (retryAfterMs for pin-locked / replayed; seq of its `access.decision` event). */
export type DecisionView = DecisionViewData;

export type PointSnapshot = PointSnapshotData;

/** The simulated point's physical side, as the snapshot carries it (sim mode only). */
export type { SimSnapshot };

export interface PointApi {
  readonly siteId: string;
  snapshot(): PointSnapshot;
  /** Called whenever anything in the snapshot may have changed. */
  onChange(listener: () => void): () => void;
  presentToken(token: string): Promise<DecisionView>;
  presentCard(uid: string, pin: string): Promise<DecisionView>;
  /** Locker compartments and their last read state (latched / occupied; null = not read yet). */
  compartments?(): CompartmentView[];
  /** Parcel lockers (absent: the point has none). */
  lockers?(): LockersAnswer;
  /** Pickup by code (keypad digits or QR text). */
  pickup?(code: string): Promise<PickupOutcome>;
  /** One step of a courier's drop-off. */
  dropOff?(step: DropOffBody): Promise<DropOffOutcome>;
  fridges?(): FridgeViewData[];
  /** The alarm model's open alarms. */
  openAlarms?(): OpenAlarmData[];
  /** Record a help request from the kiosk (`help.requested`); returns its seq. Throws when the ledger refuses. */
  requestHelp?(screen: string): number;
  /** The kiosk checkout (absent: the point sells nothing). */
  checkout?: CheckoutKioskApi;
  /** Receipts of finished sales: screen text with the link, printing on request (controller/receipts/receiptDesk.ts). */
  receipts?: ReceiptsKioskApi;
  /** Technician mode and the out-of-service switch (controller/technician/). */
  technician?: TechnicianKioskApi;
  /** A serial scanner read a code (sent to the kiosk as a live `scan` message). */
  onScan?(listener: (code: string) => void): () => void;
}

export interface ReceiptsKioskApi {
  receipt(saleId: string, lang: Lang): Promise<ReceiptAnswer>;
  print(saleId: string, lang: Lang): Promise<PrintAnswer>;
}

export interface TechnicianKioskApi {
  signIn(pin: string): Promise<SignInResult>;
  /** Whether a session is valid now (and keeps it alive). */
  valid(session: string): boolean;
  service(): ServiceState;
  setOutOfService(outOfService: boolean): ServiceState;
  status(): TechnicianStatus;
}

/** A sale as the kiosk sees it; the refusal carries only its reason (the route translates it). */
export type SaleView = Omit<SaleViewData, 'refusal'> & { refusal: { reason: string } | null };

/** What a checkout action answered: the sale, or a refusal (nothing changed). */
export type CheckoutOutcome = { ok: true; sale: SaleView } | { ok: false; reason: string };

export type CheckoutAction =
  | { kind: 'scan'; code: string }
  | { kind: 'loose'; plu: string; qty: number }
  | { kind: 'confirm'; totalCents: number }
  | { kind: 'age'; age: AgeBody }
  | { kind: 'pay'; pay: PayBody }
  | { kind: 'abort' };

export interface CheckoutKioskApi {
  /** Start a sale (an unfinished one runs on until its idle limit; a finished one is forgotten when the next begins: then 404). */
  begin(): SaleView;
  /** One step of a sale; undefined = no such open sale. */
  act(saleId: string, action: CheckoutAction): Promise<CheckoutOutcome | undefined>;
  /** Where the sale stands; while a payment runs the provider is asked first (the kiosk polls). */
  sale(saleId: string): Promise<SaleView | undefined>;
  /** The picture grid of loose goods. */
  loose(): LooseCatalogData['products'];
}

/** Why a locker action was refused: a machine code and the catalogue key of the kiosk's text. */
export interface LockerRefusalView {
  ok: false;
  reason: string;
  messageKey: MessageKey;
  retryAfterMs?: number;
  offer?: 'S' | 'M' | 'L';
}

export type PickupOutcome = { ok: true; compartment: string } | LockerRefusalView;

export type DropOffOutcome =
  | { ok: true; sessionId: string; state: DropOffViewData['state']; compartment?: string }
  | (LockerRefusalView & { sessionId?: string; state?: DropOffViewData['state'] });

export type CompartmentView = Compartment;

export type DemoCredential = DemoCredentialData;

/** Controls of the simulated point (only in simulation mode). */
export interface SimControls {
  push(): boolean;
  force(): void;
  close(): void;
  pressExit(): void;
  setFireAlarm(active: boolean): void;
  demoCredentials(): DemoCredential[];
  /** Cables of the simulated serial boards (one per link). */
  cables?(): SimCableView[];
  /** Pull (false) or replug (true) the cable of the link a board hangs on; false = no such board. */
  setCable?(board: string, plugged: boolean): Promise<boolean>;
  /** The simulated fridges' physical side. */
  fridges?(): SimFridgeData[];
  /** Upset a simulated fridge; false = no such fridge. */
  fridge?(id: string, action: SimFridgeBody['action']): boolean;
  /** At the simulated card reader: `none` = no reader simulated, `idle` = it waits for no payment. */
  reader?(action: SimReaderBody['action']): Promise<'done' | 'idle' | 'none'>;
  /** The simulated serial scanner reads a code; false = no scanner simulated. */
  scan?(code: string): Promise<boolean>;
  /** Products with a GTIN, for the scanner panel. */
  products?(): SimProductsAnswer['products'];
  /** The simulated receipt printer's paper. */
  printer?(): SimPrinterAnswer;
  /** Load paper or let it run out; false = no printer simulated. */
  paper?(state: SimPaperBody['paper']): boolean;
}

export interface SimCableView {
  boards: string[];
  protocol: string;
  url: string;
  plugged: boolean;
}
