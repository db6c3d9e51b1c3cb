import type { TSchema, Static } from 'typebox';
import Value from 'typebox/value';

/**
 * Validate untrusted data (config files, profiles, bodies) against a TypeBox schema and
 * produce one readable message per problem, naming the field path:
 * `door.strike.bcm: must be <= 27`. Unknown properties are reported by name.
 */
export function schemaProblems(schema: TSchema, value: unknown): string[] {
  const problems: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    const err = e as { keyword: string; instancePath: string; message: string; params?: Record<string, unknown> };
    if (err.keyword === 'boolean' && err.message === 'schema is false') continue;
    const path = err.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    if (err.keyword === 'additionalProperties') {
      const extra = (err.params?.['additionalProperties'] as string[] | undefined) ?? [];
      problems.push(`${path}: unknown propert${extra.length === 1 ? 'y' : 'ies'} ${extra.map((p) => `"${p}"`).join(', ')}`);
      continue;
    }
    problems.push(`${path}: ${err.message}`);
  }
  return problems;
}

export class ValidationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ValidationError';
  }
}

/** Parse JSON text and validate it; errors name the source and the position or field. */
export function parseJsonWithSchema<S extends TSchema>(schema: S, text: string, source: string): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(source, [`not valid JSON: ${(err as Error).message}`]);
  }
  return validateWithSchema(schema, value, source);
}

export function validateWithSchema<S extends TSchema>(schema: S, value: unknown, source: string): Static<S> {
  const withDefaults = Value.Default(schema, structuredClone(value));
  const problems = schemaProblems(schema, withDefaults);
  if (problems.length > 0) throw new ValidationError(source, problems);
  return withDefaults as Static<S>;
}
