/**
 * How the event catalogue is declared. Every ledger event type the point writes has one entry:
 * a one-line summary and its schema versions, oldest first (`versions[0]` is version 1).
 *
 * Evolution rule (see README.md in this folder):
 * - Adding an optional property keeps the version. Anything else (a new required property,
 *   a changed meaning, a removed property) appends a new version to `versions`; old versions
 *   are never edited or removed, so the backoffice decodes every version it has ever known.
 * - An event of version >= 2 carries `v: <version>` in its data; no `v` means version 1.
 * - Money is always integer cents (`Cents`), never floats.
 */
import { Type, type Static, type TSchema } from 'typebox';

export interface EventType<V extends readonly TSchema[] = readonly TSchema[]> {
  readonly summary: string;
  readonly versions: V;
}

/** Declares a group of event types (one file per feature) with their types kept literal. */
export function defineEvents<const T extends Record<string, EventType>>(events: T): T {
  return events;
}

/** The newest version's schema of an event type. */
export type Latest<V extends readonly TSchema[]> = V extends readonly [...TSchema[], infer L extends TSchema] ? L : never;

/** Payload type (newest version) of every event type in a group. */
export type PayloadsOf<T extends Record<string, EventType>> = { [K in keyof T]: Static<Latest<T[K]['versions']>> };

/** Integer euro cents. */
export const Cents = Type.Integer({ minimum: -100_000_000, maximum: 100_000_000 });
/** Epoch milliseconds (a whole number: nothing persisted is fractional). */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
/** Milliseconds of a duration. */
export const DurationMs = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** An identifier chosen by us or the backoffice. */
export const Id = Type.String({ minLength: 1, maxLength: 200 });
