import type { TSchema } from 'typebox';
import Value from 'typebox/value';

/**
 * Schema errors as technician-readable lines: `door.strike.bcm: must be 0..27, got 40`.
 * (Like firmware-bridge/platform/validation.ts `schemaProblems`, plus the allowed range,
 * the offending value, and one line per unknown or missing property.)
 */

/** `/temperature/probes/0/id` -> `temperature.probes[0].id` */
export function displayPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function at(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const join = (path: string, prop: string): string => (path === '' ? prop : `${path}.${prop}`);

export function schemaIssues(schema: TSchema, value: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  const push = (line: string): void => {
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  };
  for (const e of Value.Errors(schema, value)) {
    const err = e as { keyword: string; instancePath: string; schemaPath: string; message: string; params: Record<string, unknown> };
    const path = displayPath(err.instancePath);
    const got = at(value, err.instancePath);
    const node = (at(schema, err.schemaPath) ?? {}) as Record<string, unknown>;
    const where = path === '' ? '(profile)' : path;
    switch (err.keyword) {
      case 'boolean':
        continue; // the per-property echo of additionalProperties: false
      case 'additionalProperties':
        for (const p of (err.params['additionalProperties'] as string[] | undefined) ?? []) push(`${join(path, p)}: unknown property`);
        continue;
      case 'required':
        for (const p of (err.params['requiredProperties'] as string[] | undefined) ?? []) push(`${join(path, p)}: is required`);
        continue;
      case 'minimum':
      case 'maximum': {
        const min = node['minimum'];
        const max = node['maximum'];
        const range =
          min !== undefined && max !== undefined ? `${String(min)}..${String(max)}` : err.keyword === 'minimum' ? `>= ${String(min)}` : `<= ${String(max)}`;
        push(`${where}: must be ${range}, got ${describe(got)}`);
        continue;
      }
      case 'type':
        push(`${where}: must be ${String(err.params['type'])}, got ${describe(got)}`);
        continue;
      case 'enum':
        push(`${where}: must be one of ${((err.params['allowedValues'] as unknown[]) ?? []).map(describe).join(', ')}, got ${describe(got)}`);
        continue;
      case 'const':
        push(`${where}: must be ${describe(err.params['allowedValue'])}, got ${describe(got)}`);
        continue;
      case 'pattern':
        push(`${where}: must match ${String(node['pattern'])}, got ${describe(got)}`);
        continue;
      default:
        push(`${where}: ${err.message}, got ${describe(got)}`);
    }
  }
  return lines;
}
