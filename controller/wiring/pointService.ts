/**
 * The kiosk's service side of a running point (issue 10): the receipt desk (receipts of finished
 * sales kept as the checkout hands them out, shown with their link, printed on request on the
 * profile's `escpos` printer), technician mode with its PIN guard and the out-of-service switch,
 * and the profile's serial scanners feeding the kiosk (live `scan` messages). Built before the
 * API; `start()` subscribes to the scanners, `stop()` lets go.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { PrinterHandle, ScannerHandle } from '../../hardware/boards/boardHandles.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import type { LimitsConfig } from '../config/limits.ts';
import { NO_LOCK, type LockoutPolicy, type LockRecord } from '../access/attemptLimiter.ts';
import { TrustedTime } from '../access/trustedTime.ts';
import type { TechnicianStatus } from '../contract/kiosk/service.ts';
import type { Ledger } from '../ledger/index.ts';
import type { HardwareStatus } from '../hardware/hardwareStatus.ts';
import type { CheckoutKioskApi, PointApi, ReceiptsKioskApi, SaleView, TechnicianKioskApi } from '../http/pointApi.ts';
import type { Receipt } from '../receipts/receipt.ts';
import { ReceiptDesk } from '../receipts/receiptDesk.ts';
import { TechnicianDesk, type ServiceState } from '../technician/technicianDesk.ts';

export interface PointServiceOptions {
  /** The technician PIN's scrypt hash (controller/access/pin.ts `hashPin`); without it technician mode is refused. */
  technicianPinHash?: string | undefined;
  /** The backoffice's public address, for the receipt link (`/r/<site>/<sale>?t=…`). */
  backofficePublicUrl?: string | undefined;
}

export interface PointServiceDeps extends PointServiceOptions {
  siteId: string;
  profile: HardwareProfile;
  ledger: Ledger;
  hardware: HardwareStatus;
  bootId: string;
  /** The technician PIN's lockout (the point's PIN policy). */
  policy: LockoutPolicy;
  clock: Clock;
  logger: Logger;
}

export interface PointService {
  readonly receipts: ReceiptsKioskApi;
  readonly technician: TechnicianKioskApi;
  /** The checkout's kiosk API, keeping every receipt it hands out. */
  wrapCheckout(checkout: CheckoutKioskApi | undefined): CheckoutKioskApi | undefined;
  /** Status for the technician screen (door, fridges, sync) from the view the API serves. */
  bindStatus(source: () => Pick<ReturnType<PointApi['snapshot']>, 'door' | 'hardware' | 'sync' | 'ledger'> & { fridges: TechnicianStatus['fridges'] }): void;
  /** A serial scanner read a product code. */
  onScan(l: (code: string) => void): () => void;
  onServiceChange(l: () => void): () => void;
  start(): void;
  stop(): void;
}

export type { LimitsConfig };

export function createPointService(deps: PointServiceDeps): PointService {
  const { ledger, clock, logger } = deps;
  const devices = deps.profile.boards?.devices ?? [];
  const printerId = devices.find((d) => d.protocol === 'escpos')?.id;
  const scannerIds = devices.filter((d) => d.protocol === 'scanner').map((d) => d.id);
  const printerHandle = (): PrinterHandle | undefined => {
    const h = printerId ? deps.hardware.boards.board(printerId) : undefined;
    return h instanceof PrinterHandle ? h : undefined;
  };

  const desk = new ReceiptDesk({
    siteId: deps.siteId,
    publicUrl: deps.backofficePublicUrl,
    printer: () => printerHandle()?.printer,
    record: (data) => void ledger.appendChecked('sale.receipt-printed', { ...data }),
    logger: logger.child({ module: 'receipts' }),
  });

  const time = new TrustedTime(clock, ledger.timeFloorMs());
  const guardEvent = ledger.latestEvent('technician.guard');
  const serviceEvent = ledger.latestEvent('kiosk.service-set');
  const tech = new TechnicianDesk({
    pinHash: deps.technicianPinHash,
    clock,
    bootId: deps.bootId,
    trustedNow: () => time.now(),
    policy: deps.policy,
    loadGuard: () => (guardEvent ? (guardEvent.data as unknown as LockRecord) : { ...NO_LOCK }),
    loadService: (): ServiceState => {
      const d = serviceEvent?.data as { outOfService?: boolean; at?: number } | undefined;
      return d?.outOfService ? { outOfService: true, since: d.at ?? null } : { outOfService: false, since: null };
    },
    record: {
      guard: (state) => void ledger.appendChecked('technician.guard', { ...state }),
      signedIn: (data) => void ledger.appendChecked('technician.signed-in', { ...data }),
      service: (data) => void ledger.appendChecked('kiosk.service-set', { ...data }),
    },
    logger: logger.child({ module: 'technician' }),
  });

  let statusSource: Parameters<PointService['bindStatus']>[0] | undefined;
  const scanListeners = new Set<(code: string) => void>();
  let unsubs: Array<() => unknown> = [];

  const keep = (s: SaleView): SaleView => {
    if (s.receipt) desk.keep(s.saleId, s.receipt as Receipt, s.receiptToken ?? null);
    return s;
  };

  return {
    receipts: { receipt: (saleId, lang) => desk.receipt(saleId, lang), print: (saleId, lang) => desk.print(saleId, lang) },
    technician: {
      signIn: (pin) => tech.signIn(pin),
      valid: (session) => tech.valid(session),
      service: () => tech.serviceState(),
      setOutOfService: (on) => tech.setOutOfService(on),
      status: (): TechnicianStatus => {
        const s = statusSource?.();
        const printer = printerHandle();
        const printerEntry = printerId ? s?.hardware.find((h) => h.name.includes(printerId)) : undefined;
        return {
          outOfService: tech.serviceState().outOfService,
          door: s!.door,
          hardware: s?.hardware ?? [],
          fridges: s?.fridges ?? [],
          printer: printer
            ? { present: true, status: printerEntry?.status ?? 'ok', ...(printerEntry?.detail ? { detail: printerEntry.detail } : {}) }
            : { present: false, status: 'none' },
          sync: s?.sync ? { connected: s.sync.connected, backlog: s.sync.backlog } : null,
          ledger: s?.ledger ?? { lastSeq: ledger.lastSeq(), outbox: ledger.outboxCount() },
        };
      },
    },
    wrapCheckout(checkout) {
      if (!checkout) return undefined;
      return {
        begin: () => checkout.begin(),
        loose: () => checkout.loose(),
        act: async (saleId, action) => {
          const r = await checkout.act(saleId, action);
          if (r?.ok) keep(r.sale);
          return r;
        },
        sale: async (saleId) => {
          const s = await checkout.sale(saleId);
          return s ? keep(s) : s;
        },
      };
    },
    bindStatus(source) {
      statusSource = source;
    },
    onScan(l) {
      scanListeners.add(l);
      return () => scanListeners.delete(l);
    },
    onServiceChange: (l) => tech.onServiceChange(l),
    start() {
      for (const id of scannerIds) {
        const h = deps.hardware.boards.board(id);
        if (!(h instanceof ScannerHandle)) continue;
        unsubs.push(
          h.onScan((e) => {
            if (!e.ok) {
              logger.warn({ scanner: id, error: e.error }, 'unreadable scan');
              return;
            }
            for (const l of [...scanListeners]) l(e.line.data);
          }),
        );
      }
    },
    stop() {
      for (const u of unsubs.splice(0)) u();
    },
  };
}
