/**
 * Every text a user can see has a German and an English message, and the catalogue holds no
 * dead keys: access reasons, the virtual point page's static and computed keys, door states,
 * alarms and hardware statuses. The lists of codes below are `Record<Union, true>`, so a new
 * reason, door state, alarm or status is a tsc error here until it is listed (and then a test
 * failure until it has its messages).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Reason } from '../access/decide.ts';
import type { DoorView } from '../machines/door/doorController.ts';
import { expectedOutputs } from '../machines/door/doorMachine.ts';
import type { StatusEntry } from '../../hardware/boards/status.ts';
import { catalog, isMessageKey, LANGS } from './i18n.ts';
import { REFUSAL_REASONS } from '../machines/checkout/refusals.ts';

const REASONS: Record<Reason, true> = {
  granted: true,
  malformed: true,
  'bad-signature': true,
  'unknown-version': true,
  expired: true,
  'not-yet-valid': true,
  revoked: true,
  'outside-hours': true,
  'unknown-card': true,
  'wrong-pin': true,
  'pin-locked': true,
  replayed: true,
  'internal-error': true,
};
const ALARMS: Record<DoorView['alarms'][number], true> = { 'held-open': true, 'forced-open': true, fire: true };
const HARDWARE_STATUSES: Record<StatusEntry['status'], true> = { ok: true, degraded: true, lost: true };
const DOOR_STATES = Object.keys(expectedOutputs);

/** Keys the page computes at run time (`tr(`prefix.${…}`)`), with every value they can take. */
const COMPUTED: Record<string, string[]> = {
  'reason.': Object.keys(REASONS),
  'alarm.': Object.keys(ALARMS),
  'hardware.': Object.keys(HARDWARE_STATUSES),
  'door.state.': DOOR_STATES,
  'checkout.refused.': [...REFUSAL_REASONS],
  'sim.printer.paper.': ['ok', 'near-end', 'out'],
};
/** `tr(x)` arguments that are neither literals nor computed keys, and where their keys come from. */
const INDIRECT = new Set(['el.dataset.i18n', 'el.dataset.i18nPlaceholder', 'el.dataset.i18nTitle', 'c.note']);

const controllerDir = fileURLToPath(new URL('..', import.meta.url));
const html = readFileSync(join(controllerDir, 'http/public/virtual-point.html'), 'utf8');
const js =
  readFileSync(join(controllerDir, 'http/public/virtual-point.js'), 'utf8') +
  '\n' +
  readFileSync(join(controllerDir, 'http/public/virtual-point-service.js'), 'utf8');

/** The argument text of every `tr(…)` call (balanced parentheses). */
function trArguments(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\btr\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < source.length && depth > 0; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')') depth--;
    }
    out.push(source.slice(start, i - 1).trim());
  }
  return out;
}

function expectKey(key: string, where: string): void {
  expect(isMessageKey(key), `${where}: "${key}" has no message`).toBe(true);
  for (const lang of LANGS) expect((catalog(lang) as Record<string, string>)[key], `${where}: "${key}" (${lang})`).toMatch(/\S/);
}

describe('message catalogue coverage', () => {
  it('has a German and an English text for every access decision reason', () => {
    for (const r of Object.keys(REASONS)) expectKey(`reason.${r}`, 'access reason');
  });

  it('has every data-i18n and data-i18n-placeholder key the virtual point page uses', () => {
    const keys = [...html.matchAll(/data-i18n(?:-placeholder)?="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) expectKey(k, 'virtual-point.html');
  });

  it('has every key the page script translates, literal or computed, and knows where every other key comes from', () => {
    const args = trArguments(js);
    expect(args.length).toBeGreaterThan(10);
    for (const arg of args) {
      const computed = /^`([a-z.]+\.)\$\{[^}]+\}`$/.exec(arg);
      if (computed) {
        const values = COMPUTED[computed[1]!];
        expect(values, `virtual-point.js computes keys "${computed[1]}…" the test does not enumerate`).toBeDefined();
        for (const v of values ?? []) expectKey(`${computed[1]}${v}`, 'virtual-point.js (computed)');
        continue;
      }
      const literals = [...arg.matchAll(/'([\w-]+(?:\.[\w-]+)+)'/g)].map((m) => m[1]!); // keys have a dot
      if (literals.length === 0) {
        expect(INDIRECT.has(arg), `virtual-point.js: tr(${arg}) — a key the test cannot check`).toBe(true);
        continue;
      }
      for (const k of literals) expectKey(k, 'virtual-point.js');
    }
  });

  it('names every door state and alarm the page can show', () => {
    for (const s of DOOR_STATES) expectKey(`door.state.${s}`, 'door state');
    for (const a of Object.keys(ALARMS)) expectKey(`alarm.${a}`, 'alarm');
    for (const h of Object.keys(HARDWARE_STATUSES)) expectKey(`hardware.${h}`, 'hardware status');
  });

  it('has a German and an English text for every checkout refusal', () => {
    for (const r of REFUSAL_REASONS) expectKey(`checkout.refused.${r}`, 'checkout refusal');
  });

  it('holds no key that nothing uses', () => {
    const sources: string[] = [html, js];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !/\/i18n\/messages\.\w+\.ts$/.test(p)) sources.push(readFileSync(p, 'utf8'));
      }
    };
    walk(controllerDir);
    const text = sources.join('\n');
    const computed = Object.entries(COMPUTED).flatMap(([prefix, values]) => values.map((v) => prefix + v));
    const unused = Object.keys(catalog('de')).filter((k) => !computed.includes(k) && !text.includes(`'${k}'`) && !text.includes(`"${k}"`));
    expect(unused).toEqual([]);
  });
});
