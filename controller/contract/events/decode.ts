/**
 * Decoding a stored or received event with the catalogue. Never throws.
 *  - `checkEvent` (the point, before it writes): the payload must match the newest version.
 *  - `decodeEvent` (the backoffice, and anyone reading history): the version is `data.v`
 *    (absent = 1) and must be one this catalogue knows; an event of a *newer* version than this
 *    side knows is reported as `unknown-version` (stored and flagged, never refused).
 */
import type { TSchema } from 'typebox';
import { checker } from '../check.ts';
import { isEventType, versionsOf } from './catalogue.ts';

export type EventDecode =
  { ok: true; type: string; version: number } | { ok: false; problem: 'unknown-type' | 'unknown-version' | 'schema'; message: string; version?: number };

function versionOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 1;
  const v = (data as { v?: unknown }).v;
  if (v === undefined) return 1;
  return Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : undefined;
}

export function decodeEvent(type: string, data: unknown): EventDecode {
  const versions = versionsOf(type);
  if (!versions) return { ok: false, problem: 'unknown-type', message: `unknown event type "${type}"` };
  const version = versionOf(data);
  if (version === undefined) return { ok: false, problem: 'schema', message: `event "${type}": data.v must be a whole number >= 1` };
  const schema = versions[version - 1];
  if (!schema)
    return {
      ok: false,
      problem: 'unknown-version',
      version,
      message: `event "${type}" version ${version} is newer than this catalogue (knows ${versions.length})`,
    };
  const c = checker(schema as TSchema);
  if (!c.check(data)) return { ok: false, problem: 'schema', version, message: `event "${type}" v${version}: ${c.problems(data).join('; ')}` };
  return { ok: true, type, version };
}

/**
 * The point's check before writing: the payload must match the version it declares (`v`, absent
 * = 1). Returns the problem, or undefined. A feature writes the newest version; while a feature
 * moves to a new version (the door's `alarm.cleared` v1 → the alarm model's v2) both validate.
 */
export function checkEvent(type: string, data: unknown): string | undefined {
  if (!isEventType(type)) return `unknown event type "${type}"`;
  const d = decodeEvent(type, data);
  return d.ok ? undefined : `ledger event "${type}": ${d.message.replace(/^event "[^"]*"( v\d+)?:? ?/, '')}`;
}
