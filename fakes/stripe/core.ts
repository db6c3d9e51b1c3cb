/**
 * What every resource module of the fake shares: the books, the injected clock and logger,
 * and `emit` (record an event and hand it to webhook delivery).
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { newId } from './ids.ts';
import type { RequestContext } from './router.ts';
import { snapshot, type Store, type StripeEvent } from './store.ts';

/** The API version the fake answers as (stripe-node 23's pinned version). */
export const FAKE_API_VERSION = '2026-11-18.endive';

export interface Core {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base URL customers' phones open (checkout pages). */
  readonly publicUrl: () => string;
  /** How long an uncaptured card authorisation holds before the intent is canceled. */
  readonly holdMs: number;
  unixNow(): number;
  /** A timer on the injected clock that `close()` clears. */
  schedule(fn: () => void, ms: number): void;
  emit(type: string, object: object, req?: RequestContext | null): StripeEvent;
}

export function createCore(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  publicUrl: () => string;
  holdMs: number;
  deliver: (event: StripeEvent) => void;
  schedule: (fn: () => void, ms: number) => void;
}): Core {
  const unixNow = (): number => Math.floor(deps.clock.now() / 1000);
  return {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    publicUrl: deps.publicUrl,
    holdMs: deps.holdMs,
    unixNow,
    schedule: deps.schedule,
    emit(type, object, req) {
      const event: StripeEvent = {
        id: newId('evt'),
        object: 'event',
        api_version: FAKE_API_VERSION,
        created: unixNow(),
        type,
        data: { object: snapshot(object) as Record<string, unknown> },
        livemode: false,
        pending_webhooks: 0,
        request: { id: req?.requestId ?? null, idempotency_key: req?.idempotencyKey ?? null },
      };
      deps.store.events.push(event);
      deps.logger.info({ eventId: event.id, type }, 'stripe fake: event');
      deps.deliver(event);
      return event;
    },
  };
}
