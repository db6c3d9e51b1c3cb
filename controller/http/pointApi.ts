/**
 * What the HTTP layer needs from the running point. The composition root adapts the door
 * controller, entry service, ledger, hardware status and sync client to this shape, so the
 * HTTP layer knows no feature's internals.
 */
export interface DecisionView {
  granted: boolean;
  reason: string;
  memberId?: string | undefined;
  role?: string | undefined;
  /** For pin-locked / replayed: milliseconds until a retry can succeed. */
  retryAfterMs?: number;
  /** Ledger sequence of the decision's `access.decision` event. */
  seq?: number;
}

export interface PointSnapshot {
  siteId: string;
  at: number;
  door: Record<string, unknown>;
  occupancy: number;
  ledger: { lastSeq: number; outbox: number };
  hardware: Array<{ name: string; status: string; detail?: string }>;
  sync: Record<string, unknown> | null;
  sim: Record<string, unknown> | null;
  recentDecisions: Array<DecisionView & { at: number }>;
}

export interface PointApi {
  readonly siteId: string;
  snapshot(): PointSnapshot;
  /** Called whenever anything in the snapshot may have changed. */
  onChange(listener: () => void): () => void;
  presentToken(token: string): Promise<DecisionView>;
  presentCard(uid: string, pin: string): Promise<DecisionView>;
  /** Locker compartments and their last read state (latched / occupied; null = not read yet). */
  compartments?(): CompartmentView[];
}

export interface CompartmentView {
  id: string;
  board: string;
  lock: number;
  size: string;
  latched: boolean | null;
  occupied: boolean | null;
}

export interface DemoCredential {
  label: string;
  memberId: string;
  /** i18n key of the explanation shown with the credential. */
  note: string;
  token?: string;
  qrSvg?: string;
  cardUid?: string;
  pin?: string;
}

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
}

export interface SimCableView {
  boards: string[];
  protocol: string;
  url: string;
  plugged: boolean;
}
