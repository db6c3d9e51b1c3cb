import type { BoardsConfig } from './boardsSchema.ts';
import { fridgeLimitC, type FridgesProfile } from './fridgesSchema.ts';

/**
 * Cross-field checks of the `fridges` section: every probe, door input and compressor relay
 * refers to something the profile declares, nothing is used twice, the group has a limit, and
 * temperatures have at most one decimal. Each refusal names its field path.
 */

interface ProfileIssue {
  path: string;
  message: string;
}

interface Context {
  fridges: FridgesProfile;
  onewireIds: readonly string[];
  boards: BoardsConfig | undefined;
}

const oneDecimal = (c: number): boolean => Math.abs(c * 10 - Math.round(c * 10)) < 1e-9;

export function fridgesIssues(ctx: Context): ProfileIssue[] {
  const { fridges, boards } = ctx;
  const out: ProfileIssue[] = [];
  const ids = new Map<string, number>();
  const probesUsed = new Map<string, string>();
  const inputsUsed = new Map<string, string>();
  const relaysUsed = new Map<string, string>();
  const devices = new Map((boards?.devices ?? []).map((d) => [d.id, d]));

  if (!oneDecimal(fridges.hysteresisC)) out.push({ path: 'fridges.hysteresisC', message: `at most one decimal, got ${fridges.hysteresisC}` });
  for (const [group, c] of Object.entries(fridges.limits ?? {})) {
    if (c !== undefined && !oneDecimal(c)) out.push({ path: `fridges.limits.${group}`, message: `at most one decimal, got ${c}` });
  }

  fridges.units.forEach((u, i) => {
    const at = `fridges.units[${i}]`;
    const first = ids.get(u.id);
    if (first !== undefined) out.push({ path: `${at}.id`, message: `duplicate fridge id "${u.id}" (also fridges.units[${first}].id)` });
    else ids.set(u.id, i);

    if (u.limitC !== undefined && !oneDecimal(u.limitC)) out.push({ path: `${at}.limitC`, message: `at most one decimal, got ${u.limitC}` });
    if (fridgeLimitC(fridges, u) === undefined) {
      out.push({ path: `${at}.limitC`, message: 'is required for product group "other" (or set fridges.limits.other)' });
    }

    u.probes.forEach((p, j) => {
      const pAt = `${at}.probes[${j}]`;
      let key: string;
      if ('onewire' in p) {
        if (!ctx.onewireIds.includes(p.onewire)) {
          out.push({ path: `${pAt}.onewire`, message: `1-wire probe ${p.onewire} is not listed in temperature.probes` });
          return;
        }
        key = `onewire:${p.onewire}`;
      } else {
        const d = devices.get(p.board);
        if (!d) {
          out.push({ path: `${pAt}.board`, message: `unknown board "${p.board}" (not in boards.devices)` });
          return;
        }
        const isModbusTemp = d.protocol === 'modbus' && d.kind === 'temperature';
        if (!isModbusTemp && d.protocol !== 'ioboard') {
          out.push({ path: `${pAt}.board`, message: `board "${p.board}" is not a Modbus temperature sensor or an I/O board` });
          return;
        }
        if (d.protocol === 'ioboard' && p.channel === undefined) {
          out.push({ path: `${pAt}.channel`, message: `is required for an I/O board probe` });
          return;
        }
        const channel = isModbusTemp ? 1 : p.channel;
        if (isModbusTemp && p.channel !== undefined && p.channel !== 1) {
          out.push({ path: `${pAt}.channel`, message: `a Modbus temperature sensor has one probe: leave channel out, got ${p.channel}` });
          return;
        }
        const mapped = (boards?.probes ?? []).some((m) => m.board === p.board && (m.channel ?? 1) === channel);
        if (!mapped) {
          out.push({ path: pAt, message: `board "${p.board}" channel ${channel ?? '?'} is not mapped in boards.probes` });
          return;
        }
        key = `board:${p.board}#${channel ?? 1}`;
      }
      const taken = probesUsed.get(key);
      if (taken) out.push({ path: pAt, message: `probe already used by ${taken}` });
      else probesUsed.set(key, pAt);
    });

    if (u.door && 'input' in u.door) {
      const name = u.door.input;
      if (!(boards?.inputs ?? []).some((m) => m.name === name)) out.push({ path: `${at}.door.input`, message: `"${name}" is not listed in boards.inputs` });
      else if (inputsUsed.has(name)) out.push({ path: `${at}.door.input`, message: `input "${name}" is already the door of ${inputsUsed.get(name)}` });
      else inputsUsed.set(name, at);
    }
    if (u.compressorRelay && 'relay' in u.compressorRelay) {
      const name = u.compressorRelay.relay;
      if (!(boards?.relays ?? []).some((m) => m.name === name))
        out.push({ path: `${at}.compressorRelay.relay`, message: `"${name}" is not listed in boards.relays` });
      else if (relaysUsed.has(name))
        out.push({ path: `${at}.compressorRelay.relay`, message: `relay "${name}" is already the compressor of ${relaysUsed.get(name)}` });
      else relaysUsed.set(name, at);
    }
    const starts = new Set<string>();
    u.defrost.forEach((w, k) => {
      if (starts.has(w.start)) out.push({ path: `${at}.defrost[${k}].start`, message: `duplicate defrost start ${w.start}` });
      starts.add(w.start);
    });
  });
  return out;
}

/** GPIO pins the fridges claim (for the profile's one-signal-per-pin check). */
export function fridgePins(fridges: FridgesProfile | undefined): Array<{ path: string; bcm: number }> {
  const pins: Array<{ path: string; bcm: number }> = [];
  (fridges?.units ?? []).forEach((u, i) => {
    if (u.door && 'gpio' in u.door) pins.push({ path: `fridges.units[${i}].door.gpio.bcm`, bcm: u.door.gpio.bcm });
    if (u.compressorRelay && 'gpio' in u.compressorRelay) pins.push({ path: `fridges.units[${i}].compressorRelay.gpio.bcm`, bcm: u.compressorRelay.gpio.bcm });
  });
  return pins;
}
