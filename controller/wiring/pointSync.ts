/**
 * Sync with the backoffice: the outbox up; changes (access, lockers, fridges, catalog) and commands (door,
 * lockers, remote age checks) down; the backoffice's time from its acks to the access decider and the lockers.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Ledger } from '../ledger/index.ts';
import type { RecordFn } from '../ledger/recorder.ts';
import type { DoorController } from '../machines/door/doorController.ts';
import type { Lockers } from '../lockers/lockers.ts';
import type { Fridges } from '../fridges/fridges.ts';
import { SyncClient } from '../sync/syncClient.ts';
import type { BackoffOptions } from '../sync/backoff.ts';
import type { ChangeEventMapper } from '../sync/changeApplier.ts';
import { changeEvents } from '../downlink/changes.ts';
import { commandHandlers } from '../downlink/commands.ts';
import { ageCheckCommandHandlers } from '../downlink/ageCheckCommands.ts';
import type { CheckoutService } from '../machines/checkout/checkoutService.ts';
import { catalogChangeMapper } from '../catalog/catalog.ts';

export interface PointSyncOptions {
  brokerUrl: string;
  username?: string | undefined;
  password?: string | undefined;
  keepaliveSec?: number | undefined;
  /** Reconnect backoff (default: sync/backoff.ts DEFAULT_BACKOFF); tests shorten it. */
  backoff?: BackoffOptions | undefined;
}

export interface PointSyncDeps {
  link: PointSyncOptions;
  siteId: string;
  ledger: Ledger;
  record: RecordFn;
  door: DoorController;
  lockers: Lockers;
  fridges: Fridges;
  /** The kiosk checkout: operators' answers to remote age checks (`age-check.decide`). */
  checkout?: Pick<CheckoutService, 'remoteAgeDecision'> | undefined;
  /** The checkout's payment changes (pointCheckout.ts `changeEvents`). */
  paymentChanges?: Readonly<Record<string, ChangeEventMapper>> | undefined;
  /** The backoffice's time, from each ack. */
  onServerTime: (ms: number) => void;
  isClockSynced?: (() => boolean) | undefined;
  clock: Clock;
  logger: Logger;
}

export function createPointSync(deps: PointSyncDeps): SyncClient {
  const { link } = deps;
  return new SyncClient({
    brokerUrl: link.brokerUrl,
    siteId: deps.siteId,
    ...(link.username ? { username: link.username } : {}),
    ...(link.password ? { password: link.password } : {}),
    ...(link.keepaliveSec ? { keepaliveSec: link.keepaliveSec } : {}),
    ...(link.backoff ? { backoff: link.backoff } : {}),
    ledger: deps.ledger,
    clock: deps.clock,
    ...(deps.isClockSynced ? { isClockSynced: deps.isClockSynced } : {}),
    logger: deps.logger.child({ module: 'sync' }),
    changeEvents: {
      ...changeEvents,
      ...deps.lockers.changeEvents(),
      'fridge.corrective-action': deps.fridges.correctiveActionMapper,
      catalog: catalogChangeMapper,
      ...deps.paymentChanges,
    },
    commandHandlers: {
      ...commandHandlers({ door: deps.door, record: deps.record }),
      ...deps.lockers.commandHandlers(),
      ...(deps.checkout ? ageCheckCommandHandlers({ checkout: deps.checkout }) : {}),
    },
    onServerTime: deps.onServerTime,
  });
}
