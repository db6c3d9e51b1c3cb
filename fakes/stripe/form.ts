/**
 * Decodes `application/x-www-form-urlencoded` bodies and query strings the way Stripe reads
 * them: bracket keys build nested objects (`metadata[saleId]=S1`, `line_items[0][quantity]=2`),
 * and an object whose keys are exactly 0..n-1 becomes an array (`payment_method_types[0]`).
 * Values stay strings; each endpoint converts and validates the fields it knows.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export class FormError extends Error {}

const MAX_DEPTH = 6;
const MAX_PAIRS = 2000;

function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\[\]]*)\]/gy;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    parts.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) throw new FormError(`Invalid parameter name: ${key}`);
  if (parts.length > MAX_DEPTH) throw new FormError(`Parameter nested too deeply: ${key}`);
  return parts;
}

function toArrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  for (const k of keys) value[k] = toArrays(value[k] as FormValue);
  const isList = keys.length > 0 && keys.every((k, i) => k === String(i)) && keys.length === new Set(keys).size;
  if (isList) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k] as FormValue);
  return value;
}

export function parseForm(text: string): FormObject {
  const root: FormObject = Object.create(null) as FormObject;
  let count = 0;
  for (const [rawKey, val] of new URLSearchParams(text)) {
    if (++count > MAX_PAIRS) throw new FormError('Too many parameters');
    const parts = splitKey(rawKey);
    let node: FormObject = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] as string;
      // `key[]=a&key[]=b` (an unindexed list) gets positions in order of appearance.
      if (part === '') part = String(Object.keys(node).length);
      if (part === '__proto__' || part === 'constructor' || part === 'prototype') {
        throw new FormError(`Invalid parameter name: ${rawKey}`);
      }
      if (i === parts.length - 1) {
        if (typeof node[part] === 'object') throw new FormError(`Conflicting parameter: ${rawKey}`);
        node[part] = val;
      } else {
        const next = node[part];
        if (typeof next === 'string') throw new FormError(`Conflicting parameter: ${rawKey}`);
        if (next === undefined) {
          const child = Object.create(null) as FormObject;
          node[part] = child;
          node = child;
        } else {
          node = next as FormObject;
        }
      }
    }
  }
  for (const k of Object.keys(root)) root[k] = toArrays(root[k] as FormValue);
  return root;
}
