/**
 * Idempotent requests as Stripe keeps them: the first response to a POST with an
 * `Idempotency-Key` (status and body) is stored for 24 h and replayed for the same key; the same
 * key with other parameters or another endpoint is a 400 `idempotency_error`. Only a hash of the
 * parameters is kept (they may hold a test card number).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import { ApiError } from './errors.ts';
import type { FormObject, FormValue } from './form.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyRecord {
  endpoint: string;
  paramsHash: string;
  response: StoredResponse;
  atMs: number;
  requestId: string;
}

const KEEP_MS = 24 * 60 * 60 * 1000;

function canonical(value: FormValue): unknown {
  if (typeof value === 'string' || Array.isArray(value)) return Array.isArray(value) ? value.map(canonical) : value;
  return Object.keys(value)
    .sort()
    .map((k) => [k, canonical(value[k] as FormValue)]);
}

export function hashParams(params: FormObject): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(params)))
    .digest('hex');
}

export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  constructor(private readonly clock: Clock) {}

  /** The stored response to replay, undefined for a new key; throws on a conflicting reuse. */
  lookup(key: string, endpoint: string, params: FormObject): (StoredResponse & { requestId: string }) | undefined {
    const rec = this.records.get(key);
    if (!rec) return undefined;
    if (this.clock.now() - rec.atMs > KEEP_MS) {
      this.records.delete(key);
      return undefined;
    }
    if (rec.endpoint !== endpoint || rec.paramsHash !== hashParams(params)) {
      throw new ApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return { ...structuredClone(rec.response), requestId: rec.requestId };
  }

  save(key: string, endpoint: string, params: FormObject, response: StoredResponse, requestId: string): void {
    this.records.set(key, {
      endpoint,
      paramsHash: hashParams(params),
      response: structuredClone(response),
      atMs: this.clock.now(),
      requestId,
    });
  }

  snapshot(): Record<string, IdempotencyRecord> {
    return Object.fromEntries(structuredClone([...this.records]));
  }
}
