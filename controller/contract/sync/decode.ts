/**
 * Decode a raw MQTT payload into a validated message. Never throws: every failure is a value
 * with a code and a message naming the problem (size, JSON, version, schema, ordering).
 */
import { Compile } from 'typebox/compile';
import { MAX_BYTES, SCHEMAS, WIRE_VERSION, type PayloadByKind } from './schemas.ts';
import { parseTopic, type MessageKind, type ParsedTopic } from './topics.ts';

export type DecodeErrorCode = 'too-large' | 'not-json' | 'unsupported-version' | 'schema' | 'invalid' | 'bad-topic' | 'site-mismatch';
export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

const validators = {
  events: Compile(SCHEMAS.events),
  ack: Compile(SCHEMAS.ack),
  state: Compile(SCHEMAS.state),
  changes: Compile(SCHEMAS.changes),
  applied: Compile(SCHEMAS.applied),
  commands: Compile(SCHEMAS.commands),
  'command-results': Compile(SCHEMAS['command-results']),
};

function fail<T>(code: DecodeErrorCode, message: string): DecodeResult<T> {
  return { ok: false, error: { code, message } };
}

export function decode<K extends MessageKind>(kind: K, payload: Uint8Array | string): DecodeResult<PayloadByKind[K]> {
  try {
    const validator = validators[kind];
    if (!validator) return fail('invalid', `unknown message kind ${JSON.stringify(kind)}`);
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    const limit = MAX_BYTES[kind];
    if (size > limit) return fail('too-large', `${kind} payload of ${size} bytes exceeds the limit of ${limit} bytes`);
    const text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return fail('not-json', `${kind} payload is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('schema', `${kind} payload is not a JSON object`);
    const v = (value as { v?: unknown }).v;
    if (v !== WIRE_VERSION) return fail('unsupported-version', `${kind} payload version ${JSON.stringify(v)} is not supported (expected ${WIRE_VERSION})`);
    if (!validator.Check(value)) {
      const errors = validator
        .Errors(value)
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message}`);
      return fail('schema', `${kind} payload does not match the schema: ${errors.join('; ')}`);
    }
    if (kind === 'events') {
      const events = (value as PayloadByKind['events']).events;
      for (let i = 1; i < events.length; i++) {
        if (events[i]!.seq <= events[i - 1]!.seq) return fail('invalid', `events are not in strictly ascending seq order at index ${i}`);
      }
    }
    if (kind === 'commands') {
      const c = value as PayloadByKind['commands'];
      if (c.expiresAt !== undefined && c.expiresAt !== c.issuedAt + c.ttlMs) return fail('invalid', 'command expiresAt must equal issuedAt + ttlMs');
    }
    return { ok: true, value: value as PayloadByKind[K] };
  } catch (e) {
    if (e instanceof TypeError) return fail('not-json', `${kind} payload is not valid UTF-8`);
    return fail('invalid', `${kind} payload could not be decoded: ${(e as Error).message}`);
  }
}

export interface DecodedMessage<K extends MessageKind = MessageKind> {
  topic: ParsedTopic & { kind: K };
  value: PayloadByKind[K];
}

/** Parse the topic and decode the payload; an event batch must name the same site as its topic. */
export function decodeMessage(topic: string, payload: Uint8Array | string): DecodeResult<DecodedMessage> {
  const t = parseTopic(topic);
  if (!t.ok) return fail('bad-topic', t.error);
  const d = decode(t.value.kind, payload);
  if (!d.ok) return d;
  if (t.value.kind === 'events' && (d.value as PayloadByKind['events']).siteId !== t.value.siteId) {
    return fail('site-mismatch', `event batch names site ${JSON.stringify((d.value as PayloadByKind['events']).siteId)} but was published on ${topic}`);
  }
  return { ok: true, value: { topic: t.value, value: d.value } };
}

/** Encode a message as UTF-8 JSON (the sender should have built it from the typed shape). */
export function encode<K extends MessageKind>(_kind: K, value: PayloadByKind[K]): Buffer {
  return Buffer.from(JSON.stringify(value));
}
