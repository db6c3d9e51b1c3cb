/**
 * Building blocks of the kiosk contract: number kinds and the one error shape every route
 * answers 4xx/5xx with.
 */
import { Type, type Static } from 'typebox';

/** Whole non-negative number (counts, sequence numbers, milliseconds). */
export const NonNegInt = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** Wall-clock milliseconds since the epoch (the point's clock; may be wrong on an unsynced Pi). */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
/** A machine code (`granted`, `wrong-pin`, `unknown-board`, `FST_ERR_VALIDATION`). */
export const Code = Type.String({ minLength: 1, maxLength: 64 });

/**
 * Every error answer (controller/http/errors.ts): `error` a machine code, `message` the
 * translated text for the person at the kiosk (German unless English is asked for), `detail`
 * (4xx only) the technical reason in English, e.g. the validation error naming the field.
 */
export const ErrorSchema = Type.Object({
  error: Type.String({ minLength: 1, maxLength: 200 }),
  message: Type.String(),
  detail: Type.Optional(Type.String()),
});
export type ErrorAnswer = Static<typeof ErrorSchema>;

/** `{ ok: true }`: a command was carried out. */
export const OkSchema = Type.Object({ ok: Type.Literal(true) });
export type OkAnswer = Static<typeof OkSchema>;
