/**
 * Compiled schema checks with readable problems, for both ends of the contract (the point and
 * the backoffice may import nothing of each other, so this lives here).
 */
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';

export interface Checker<S extends TSchema> {
  check(value: unknown): value is Static<S>;
  /** Up to `max` problems as `/path message`. */
  problems(value: unknown, max?: number): string[];
}

const cache = new WeakMap<TSchema, Checker<TSchema>>();

export function checker<S extends TSchema>(schema: S): Checker<S> {
  const hit = cache.get(schema);
  if (hit) return hit as Checker<S>;
  const compiled = Compile(schema);
  const c: Checker<S> = {
    check: (value): value is Static<S> => compiled.Check(value),
    problems: (value, max = 5) =>
      compiled
        .Errors(value)
        .slice(0, max)
        .map((e) => `${e.instancePath || '/'} ${e.message}`),
  };
  cache.set(schema, c as Checker<TSchema>);
  return c;
}
