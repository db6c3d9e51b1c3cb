/**
 * Reading one endpoint's parameters: unknown top-level names are refused as Stripe does
 * ("Received unknown parameter"), and each reader converts a string field or names it in a
 * `parameter_invalid` / `parameter_missing` error.
 */
import { invalidParam, missingParam, unknownParam } from './errors.ts';
import type { FormObject, FormValue } from './form.ts';

export class Params {
  constructor(
    readonly raw: FormObject,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(raw)) {
      if (key !== 'expand' && !allowed.includes(key)) throw unknownParam(key);
    }
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== '';
  }

  string(name: string, opts: { max?: number } = {}): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw invalidParam(name, `Invalid string: ${name} must be a string.`);
    if (v.length > (opts.max ?? 5000)) throw invalidParam(name, `Invalid string: ${name} is too long.`);
    return v;
  }

  requiredString(name: string, opts: { max?: number } = {}): string {
    const v = this.string(name, opts);
    if (v === undefined) throw missingParam(name);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback?: T): T {
    const v = this.string(name);
    if (v === undefined) {
      if (fallback === undefined) throw missingParam(name);
      return fallback;
    }
    if (!(values as readonly string[]).includes(v)) {
      throw invalidParam(name, `Invalid ${name}: must be one of ${values.join(', ')}`);
    }
    return v as T;
  }

  integer(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,15}$/.test(v)) throw invalidParam(name, `Invalid integer: ${v}`);
    const n = Number(v);
    if (opts.min !== undefined && n < opts.min) throw invalidParam(name, `${name} must be at least ${opts.min}.`);
    if (opts.max !== undefined && n > opts.max) throw invalidParam(name, `${name} must be at most ${opts.max}.`);
    return n;
  }

  requiredInteger(name: string, opts: { min?: number; max?: number } = {}): number {
    const v = this.integer(name, opts);
    if (v === undefined) throw missingParam(name);
    return v;
  }

  stringList(name: string): string[] | undefined {
    const v = this.raw[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw invalidParam(name, `Invalid array: ${name} must be a list of strings.`);
    }
    return v as string[];
  }

  object(name: string): FormObject | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(name, `Invalid object: ${name}`);
    return v;
  }

  list(name: string): FormValue[] | undefined {
    const v = this.raw[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw invalidParam(name, `Invalid array: ${name}`);
    return v;
  }

  /** Stripe metadata: ≤ 50 keys, key ≤ 40 characters, value ≤ 500 characters, strings only. */
  metadata(name = 'metadata'): Record<string, string> {
    const v = this.raw[name];
    if (v === undefined || v === '') return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam(name, 'Invalid metadata: must be an object.');
    const out: Record<string, string> = {};
    const keys = Object.keys(v);
    if (keys.length > 50) throw invalidParam(name, 'Invalid metadata: at most 50 keys.');
    for (const k of keys) {
      const val = v[k];
      if (typeof val !== 'string') throw invalidParam(`${name}[${k}]`, 'Invalid metadata value: must be a string.');
      if (k.length > 40) throw invalidParam(`${name}[${k}]`, 'Invalid metadata key: at most 40 characters.');
      if (val.length > 500) throw invalidParam(`${name}[${k}]`, 'Invalid metadata value: at most 500 characters.');
      out[k] = val;
    }
    return out;
  }

  expand(): string[] {
    const v = this.raw['expand'];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParam('expand', 'Invalid array: expand');
    return v as string[];
  }
}
