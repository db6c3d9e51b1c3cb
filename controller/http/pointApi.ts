import type { Compartment, DecisionViewData, PointSnapshotData, SimSnapshot } from '../contract/kiosk/snapshot.ts';
import type { DemoCredentialData } from '../contract/kiosk/routes.ts';

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
}

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
}

export interface SimCableView {
  boards: string[];
  protocol: string;
  url: string;
  plugged: boolean;
}
