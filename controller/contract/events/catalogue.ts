/**
 * The event catalogue: every ledger event type the point writes, with its schema versions.
 * The point's `Ledger.append` is typed over it (an unknown type or a wrong payload does not
 * compile, and is refused at run time with nothing written); the backoffice decodes every stored
 * event with it (`decodeEvent`). See README.md in this folder for the evolution rule.
 */
import type { Static, TSchema } from 'typebox';
import { accessEvents } from './access.ts';
import { alarmEvents } from './alarms.ts';
import type { EventType as EventTypeDef, Latest } from './define.ts';
import { doorEvents } from './door.ts';
import { fridgeEvents } from './fridges.ts';
import { hardwareEvents } from './hardware.ts';
import { kioskEvents } from './kiosk.ts';
import { kioskServiceEvents } from './kioskService.ts';
import { lockerEvents } from './lockers.ts';
import { paymentEvents } from './payments.ts';
import { salesEvents } from './sales.ts';

export const eventCatalogue = {
  ...doorEvents,
  ...accessEvents,
  ...hardwareEvents,
  ...lockerEvents,
  ...alarmEvents,
  ...fridgeEvents,
  ...salesEvents,
  ...paymentEvents,
  ...kioskEvents,
  ...kioskServiceEvents,
} as const satisfies Record<string, EventTypeDef>;

export type EventCatalogue = typeof eventCatalogue;
export type EventType = keyof EventCatalogue;
/** The payload of the newest version of `T`: what the point writes today. */
export type EventPayload<T extends EventType> = Static<Latest<EventCatalogue[T]['versions']>>;
/** One event as a typed pair (for appendMany). */
export type TypedEvent = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}

/** The schema versions of a type, oldest first; undefined for an unknown type. */
export function versionsOf(type: string): readonly TSchema[] | undefined {
  return isEventType(type) ? (eventCatalogue[type].versions as readonly TSchema[]) : undefined;
}
