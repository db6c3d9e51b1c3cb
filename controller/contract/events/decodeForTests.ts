import Value from 'typebox/value';
import type { EventType } from './define.ts';

/**
 * Problems of one event's data against its group's catalogue entry (the version named by
 * `data.v`, 1 when absent). Empty = the event decodes. Used by feature tests to prove that what
 * they write matches what they declared.
 */
export function catalogueProblems(group: Record<string, EventType>, type: string, data: Record<string, unknown>): string[] {
  const entry = Object.hasOwn(group, type) ? group[type] : undefined;
  if (!entry) return [`${type}: not declared in this group`];
  const v = typeof data['v'] === 'number' ? data['v'] : 1;
  const schema = entry.versions[v - 1];
  if (!schema) return [`${type}: unknown version ${v}`];
  return [...Value.Errors(schema, data)].map((e) => `${type}${(e as { instancePath: string }).instancePath}: ${(e as { message: string }).message}`);
}
