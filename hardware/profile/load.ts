import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Value from 'typebox/value';
import { ValidationError } from '../../firmware-bridge/platform/validation.ts';
import { PROFILE_CHECKS } from './checks.ts';
import { jsonErrorPosition } from './jsonPosition.ts';
import { schemaIssues } from './problems.ts';
import { HardwareProfileSchema, type HardwareProfile } from './schema.ts';

/** Profiles are a few KB; anything huge is a wrong file, not a profile. */
const MAX_PROFILE_BYTES = 256 * 1024;

/** A profile that cannot be used; `problems` has one line per problem, each naming its field. */
export class HardwareProfileError extends ValidationError {
  constructor(source: string, problems: string[]) {
    super(`hardware profile ${source}`, problems);
    this.name = 'HardwareProfileError';
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validate an already-parsed value: schema (with defaults filled in), then cross-field checks. */
export function validateHardwareProfile(value: unknown, sourceName: string): HardwareProfile {
  const withDefaults = Value.Default(HardwareProfileSchema, structuredClone(value));
  const problems = schemaIssues(HardwareProfileSchema, withDefaults);
  if (problems.length > 0) throw new HardwareProfileError(sourceName, problems);
  const profile = withDefaults as HardwareProfile;
  const issues = PROFILE_CHECKS.flatMap((check) => check(profile));
  if (issues.length > 0)
    throw new HardwareProfileError(
      sourceName,
      issues.map((i) => `${i.path}: ${i.message}`),
    );
  return deepFreeze(profile);
}

/** Parse profile JSON text. Syntax errors name the source, line and column. */
export function parseHardwareProfile(json: string, sourceName: string): HardwareProfile {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    const pos = jsonErrorPosition(json);
    const where = pos ? ` at line ${pos.line}, column ${pos.column} (offset ${pos.offset})` : '';
    throw new HardwareProfileError(sourceName, [`not valid JSON${where}: ${(err as Error).message}`]);
  }
  return validateHardwareProfile(value, sourceName);
}

/** Read and parse a profile file; every failure names the file. */
export async function loadHardwareProfile(path: string): Promise<HardwareProfile> {
  const name = basename(path);
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_PROFILE_BYTES) throw new Error(`${info.size} bytes is larger than ${MAX_PROFILE_BYTES}`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HardwareProfileError(path, [`cannot read: ${(err as Error).message}`]);
  }
  return parseHardwareProfile(text.replace(/^\uFEFF/, ''), name === path ? path : `${name} (${path})`);
}

/** Path of a profile shipped in hardware/profile/profiles (e.g. 'simulated', 'pi4-example'). */
export function bundledProfilePath(name: 'simulated' | 'pi4-example'): string {
  return fileURLToPath(new URL(`./profiles/${name}.json`, import.meta.url));
}
