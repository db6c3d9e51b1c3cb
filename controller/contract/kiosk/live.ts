/**
 * Live messages on the WebSocket `GET /api/live` (server → client; the channel is read-only:
 * commands go through the HTTP routes). Each message is a JSON object with a `type`; today only
 * `state` (the full snapshot, on connect and again on every change, at most one per 50 ms per
 * client). New message types are added to LIVE_MESSAGES; a client decodes with
 * `decodeLiveMessage`, which reports a type it does not know as `unknown-type` so it can be
 * ignored rather than break an older kiosk.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { PointSnapshotSchema } from './snapshot.ts';

export const StateMessageSchema = Type.Object({ type: Type.Literal('state'), state: PointSnapshotSchema });
export type StateMessage = Static<typeof StateMessageSchema>;

/** A serial barcode scanner read a code (the kiosk adds it to an open cart as if typed). */
export const ScanMessageSchema = Type.Object({ type: Type.Literal('scan'), code: Type.String({ minLength: 1, maxLength: 200 }) });
export type ScanMessage = Static<typeof ScanMessageSchema>;

/** Every live message type, by its `type`. */
export const LIVE_MESSAGES = {
  state: StateMessageSchema,
  scan: ScanMessageSchema,
} as const;

export const LiveMessageSchema = Type.Union(Object.values(LIVE_MESSAGES));
export type LiveMessage = { [K in keyof typeof LIVE_MESSAGES]: Static<(typeof LIVE_MESSAGES)[K]> }[keyof typeof LIVE_MESSAGES];
export type LiveMessageType = LiveMessage['type'];

/** A live message is never larger than this (the server's WebSocket limit is far above a snapshot). */
export const MAX_LIVE_MESSAGE_CHARS = 1024 * 1024;

export type LiveDecodeErrorCode = 'too-large' | 'not-json' | 'unknown-type' | 'schema';
export interface LiveDecodeError {
  code: LiveDecodeErrorCode;
  message: string;
}
export type LiveDecodeResult = { ok: true; value: LiveMessage } | { ok: false; error: LiveDecodeError };

const validators: Record<string, ReturnType<typeof Compile>> = Object.fromEntries(
  Object.entries(LIVE_MESSAGES).map(([type, schema]): [string, ReturnType<typeof Compile>] => [type, Compile(schema)]),
);

function fail(code: LiveDecodeErrorCode, message: string): LiveDecodeResult {
  return { ok: false, error: { code, message } };
}

/** Decode one WebSocket text frame. Never throws. */
export function decodeLiveMessage(data: string): LiveDecodeResult {
  if (typeof data !== 'string') return fail('not-json', 'live message is not a text frame');
  if (data.length > MAX_LIVE_MESSAGE_CHARS) return fail('too-large', `live message of ${data.length} characters exceeds ${MAX_LIVE_MESSAGE_CHARS}`);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e) {
    return fail('not-json', `live message is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('schema', 'live message is not a JSON object');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return fail('schema', 'live message has no string "type"');
  const validator = Object.hasOwn(validators, type) ? validators[type] : undefined;
  if (!validator) return fail('unknown-type', `live message type ${JSON.stringify(type.slice(0, 64))} is not known to this client`);
  if (!validator.Check(value)) {
    const problems = validator
      .Errors(value)
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`);
    return fail('schema', `live "${type}" message does not match the contract: ${problems.join('; ')}`);
  }
  return { ok: true, value: value as LiveMessage };
}
