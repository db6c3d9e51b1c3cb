import { createHash } from 'node:crypto';
import { LedgerError } from './errors.ts';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON of event data: object keys sorted, no whitespace. Only values that survive a
 * JSON round trip unchanged are accepted (null, booleans, finite numbers, strings, arrays, plain
 * objects); `undefined` object properties are dropped like JSON.stringify does. Anything else
 * (NaN, Infinity, BigInt, functions, symbols, Dates, Maps, class instances, cycles, undefined in
 * arrays) is refused with a LedgerError naming the path, e.g. `data.items[2].price`.
 */
export function canonicalJson(value: unknown, path = 'data'): string {
  return encode(value, path, new Set());
}

function encode(value: unknown, path: string, stack: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw unserialisable(path, `${value} is not a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw unserialisable(path, `a ${typeof value} cannot be stored as JSON`);
  }
  const obj = value as object;
  if (stack.has(obj)) throw unserialisable(path, 'it refers to itself (cycle)');
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      const parts = obj.map((item, i) => {
        if (item === undefined) throw unserialisable(`${path}[${i}]`, 'undefined is not allowed in an array');
        return encode(item, `${path}[${i}]`, stack);
      });
      return `[${parts.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj.constructor as { name?: string } | undefined)?.name ?? 'unknown';
      throw unserialisable(path, `a ${name} is not a plain object`);
    }
    const rec = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(rec).sort()) {
      const v = rec[key];
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${encode(v, `${path}.${key}`, stack)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    stack.delete(obj);
  }
}

function unserialisable(path: string, why: string): LedgerError {
  return new LedgerError('invalid-event', `ledger event ${path} is not JSON-serialisable: ${why}`);
}

/** sha256 hex of one event's chained fields; `canonicalData` is the stored data text. */
export function eventHash(prevHash: string, seq: number, type: string, at: number, clockSynced: boolean, canonicalData: string): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, seq, type, at, clockSynced, canonicalData]))
    .digest('hex');
}
