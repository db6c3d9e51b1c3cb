/**
 * The view the HTTP API serves (`PointApi`): the live snapshot, one change signal for the live
 * socket, the entry actions with the last decisions, the locker compartments. Adapts the door
 * controller, entry service, ledger, hardware status and sync client to the kiosk contract's
 * shapes, so the HTTP layer knows no feature's internals. `start()` subscribes to the features'
 * changes, `stop()` drops the subscriptions.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { DecisionView, PointApi, PointSnapshot, SimSnapshot } from './pointApi.ts';
import type { CompartmentState } from '../../hardware/boards/lockers.ts';
import type { DoorView } from '../machines/door/doorController.ts';
import type { EntryResult } from '../entry/entryService.ts';
import type { HardwareEntry } from '../hardware/hardwareStatus.ts';
import type { SyncStatus } from '../sync/syncClient.ts';
import type { HelpViewData } from '../contract/kiosk/snapshot.ts';

const RECENT_DECISIONS = 20;

type Unsubscribe = () => unknown;

export interface PointViewDeps {
  siteId: string;
  clock: Clock;
  door: { state(): DoorView; onChange(l: () => void): Unsubscribe };
  entry: { occupancy(): number; present(credential: unknown): Promise<EntryResult> };
  ledger: { lastSeq(): number; outboxCount(): number; onAppended(l: () => void): Unsubscribe };
  hardware: { entries(): HardwareEntry[]; compartments(): CompartmentState[]; onChange(l: () => void): Unsubscribe };
  sync?: { status(): SyncStatus; onStatus(l: () => void): Unsubscribe } | undefined;
  sim?: { snapshot(): SimSnapshot; onChange(l: () => void): Unsubscribe } | undefined;
  /** Help requests and their answers (controller/help/helpState.ts); changes come with ledger appends. */
  help?: { view(): HelpViewData } | undefined;
  /** The kiosk's locker, fridge, alarm, help and checkout accessors (controller/lockers/kioskApi.ts, fridges, alarms, wiring/checkoutKioskApi.ts). */
  extras?: Partial<
    Pick<PointApi, 'lockers' | 'pickup' | 'dropOff' | 'fridges' | 'openAlarms' | 'requestHelp' | 'checkout' | 'receipts' | 'technician' | 'onScan'>
  >;
}

export interface PointView extends PointApi {
  start(): void;
  stop(): void;
}

export function createPointView(deps: PointViewDeps): PointView {
  const { clock, door, entry, ledger, hardware, sync, sim } = deps;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };
  const recent: Array<DecisionView & { at: number }> = [];
  const remember = (d: DecisionView): DecisionView => {
    recent.unshift({ ...d, at: clock.now() });
    recent.length = Math.min(recent.length, RECENT_DECISIONS);
    changed();
    return d;
  };
  let unsubscribers: Array<Unsubscribe | undefined> = [];

  return {
    siteId: deps.siteId,
    start() {
      if (unsubscribers.length > 0) return;
      unsubscribers = [door.onChange(changed), ledger.onAppended(changed), hardware.onChange(changed), sync?.onStatus(changed), sim?.onChange(changed)];
    },
    stop() {
      for (const u of unsubscribers.splice(0)) u?.();
    },
    snapshot: (): PointSnapshot => ({
      siteId: deps.siteId,
      at: clock.now(),
      door: { ...door.state() },
      occupancy: entry.occupancy(),
      ledger: { lastSeq: ledger.lastSeq(), outbox: ledger.outboxCount() },
      hardware: hardware.entries(),
      sync: sync ? { ...sync.status() } : null,
      sim: sim?.snapshot() ?? null,
      recentDecisions: recent,
      ...(deps.extras?.technician ? { service: deps.extras.technician.service() } : {}),
      ...(deps.help ? { help: deps.help.view() } : {}),
    }),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    presentToken: async (token) => remember(decisionView(await entry.present({ kind: 'token', token }))),
    presentCard: async (uid, pin) => remember(decisionView(await entry.present({ kind: 'card', uid, pin }))),
    compartments: () => hardware.compartments(),
    ...(deps.extras ?? {}),
  };
}

/** An entry result as the kiosk sees it (retryAfterMs in whole ms; seq of its `access.decision` event). */
export function decisionView(r: {
  decision: { granted: boolean; reason: string; memberId?: string; role?: string; retryAfterMs?: number };
  seq?: number;
}): DecisionView {
  const d = r.decision;
  return {
    granted: d.granted,
    reason: d.reason,
    memberId: d.memberId,
    role: d.role,
    ...(d.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(d.retryAfterMs) } : {}),
    ...(r.seq !== undefined ? { seq: r.seq } : {}),
  };
}
