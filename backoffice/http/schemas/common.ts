/** Shapes shared by every backoffice route: the one error body and the error responses per status. */
import { Type, type TSchema } from 'typebox';

/** Every 4xx/5xx answer: a stable machine code (`error`, for the UI's i18n) and a German message. */
export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String() }, { additionalProperties: false });

export type ErrorBody = { error: string; message: string };

/** The error statuses any route may answer (auth 401/403, CSRF 403, validation 400, 5xx). */
const COMMON = [400, 401, 403, 500] as const;

/** `{200: ok, 400/401/403/500 and the given extra statuses: ErrorSchema}` for a route's `response`. */
export function responses<T extends TSchema>(ok: T, ...extra: number[]): Record<number, TSchema> {
  const r: Record<number, TSchema> = { 200: ok };
  for (const s of [...COMMON, ...extra]) r[s] = ErrorSchema;
  return r;
}

export const EpochMs = Type.Integer({ minimum: 0 });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
