import { KERONG_LIMITS } from '../../firmware-bridge/kerong/commands.ts';
import { checkUnicastAddress } from '../../firmware-bridge/modbus/validate.ts';
import { parseLinkUrl, formatLinkSpec } from '../../firmware-bridge/transport/linkUrl.ts';
import type { BoardDevice, BoardsConfig, ChannelMapping } from './boardsSchema.ts';

/**
 * Cross-field checks of the `boards` section. Hardware ids out of the driver's range are
 * refused with the allowed range, never clamped: a clamped lock number opens the wrong door.
 */

/** Same shape as checks.ts `ProfileIssue` (declared here: checks.ts imports this file). */
interface ProfileIssue {
  path: string;
  message: string;
}

/** I/O board counts travel in one byte (firmware-bridge/PROTOCOL.md BOARD_INFO). */
export const IOBOARD_MAX_CHANNEL = 255;
/** Modbus boards' channel counts as the drivers accept them (RelayBoard / InputBoard). */
export const MODBUS_MAX_CHANNELS = 2000;

/** The canonical form of a link address (so `/dev/ttyUSB0` and `serial:/dev/ttyUSB0` are one bus), or null when invalid. */
export function canonicalLink(url: string): string | null {
  try {
    return formatLinkSpec(parseLinkUrl(url));
  } catch {
    return null;
  }
}

function deviceIssues(d: BoardDevice, at: string): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const forbid = (field: keyof BoardDevice, why: string): void => {
    if (d[field] !== undefined) out.push({ path: `${at}.${field}`, message: why });
  };
  try {
    parseLinkUrl(d.link);
  } catch (err) {
    out.push({ path: `${at}.link`, message: (err as Error).message });
  }
  switch (d.protocol) {
    case 'kerong':
      if (d.address === undefined)
        out.push({ path: `${at}.address`, message: `is required for a Kerong board (${KERONG_LIMITS.minBoard}..${KERONG_LIMITS.maxBoard}, the DIP switches)` });
      else if (d.address < KERONG_LIMITS.minBoard || d.address > KERONG_LIMITS.maxBoard) {
        out.push({ path: `${at}.address`, message: `Kerong board address must be ${KERONG_LIMITS.minBoard}..${KERONG_LIMITS.maxBoard}, got ${d.address}` });
      }
      if (d.channels !== undefined && (d.channels < 1 || d.channels > KERONG_LIMITS.maxLock)) {
        out.push({ path: `${at}.channels`, message: `a Kerong board has 1..${KERONG_LIMITS.maxLock} locks, got ${d.channels}` });
      }
      forbid('kind', 'only Modbus boards take a kind');
      forbid('watchdogMs', 'only I/O boards take a watchdog');
      break;
    case 'modbus': {
      if (d.address === undefined) out.push({ path: `${at}.address`, message: 'is required for a Modbus board (slave address 1..247)' });
      else {
        const e = checkUnicastAddress(d.address);
        if (e) out.push({ path: `${at}.address`, message: e });
      }
      if (d.kind === undefined) out.push({ path: `${at}.kind`, message: 'is required for a Modbus board: relay, input or temperature' });
      if (d.kind === 'relay' || d.kind === 'input') {
        if (d.channels === undefined) out.push({ path: `${at}.channels`, message: `is required for a Modbus ${d.kind} board` });
        else if (d.channels < 1 || d.channels > MODBUS_MAX_CHANNELS)
          out.push({ path: `${at}.channels`, message: `must be 1..${MODBUS_MAX_CHANNELS}, got ${d.channels}` });
      }
      if (d.kind === 'temperature') forbid('channels', 'a Modbus temperature sensor has one probe; leave channels out');
      forbid('watchdogMs', 'only I/O boards take a watchdog');
      break;
    }
    case 'ioboard':
    case 'scanner':
      forbid('address', `a ${d.protocol === 'ioboard' ? 'dorfpunkt I/O board' : 'scanner'} has its own link and no bus address`);
      forbid('kind', 'only Modbus boards take a kind');
      forbid('channels', d.protocol === 'ioboard' ? 'the I/O board reports its channels itself (HELLO)' : 'a scanner has no channels');
      if (d.protocol === 'scanner') {
        forbid('watchdogMs', 'only I/O boards take a watchdog');
        forbid('pollMs', 'a scanner is not polled');
      }
      break;
    case 'escpos':
      forbid('address', 'a receipt printer has its own link and no bus address');
      forbid('kind', 'only Modbus boards take a kind');
      forbid('channels', 'a receipt printer has no channels');
      forbid('watchdogMs', 'only I/O boards take a watchdog');
      break;
  }
  return out;
}

/** Devices: unique ids, valid links, one protocol per link, distinct addresses on a bus. */
function devicesIssues(boards: BoardsConfig): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const ids = new Map<string, number>();
  const links = new Map<string, { protocol: string; index: number; addresses: Map<number, number> }>();
  boards.devices.forEach((d, i) => {
    const at = `boards.devices[${i}]`;
    const first = ids.get(d.id);
    if (first !== undefined) out.push({ path: `${at}.id`, message: `duplicate board id "${d.id}" (also boards.devices[${first}].id)` });
    else ids.set(d.id, i);
    out.push(...deviceIssues(d, at));
    const link = canonicalLink(d.link);
    if (link === null) return;
    const bus = links.get(link);
    if (!bus) {
      links.set(link, { protocol: d.protocol, index: i, addresses: new Map(d.address !== undefined ? [[d.address, i]] : []) });
      return;
    }
    if (bus.protocol !== d.protocol) {
      out.push({
        path: `${at}.link`,
        message: `${link} is already used by boards.devices[${bus.index}] speaking ${bus.protocol}; one link carries one protocol`,
      });
    } else if (d.protocol === 'ioboard' || d.protocol === 'scanner' || d.protocol === 'escpos') {
      out.push({
        path: `${at}.link`,
        message: `${link} is already used by boards.devices[${bus.index}]; ${d.protocol === 'escpos' ? 'a receipt printer' : `a ${d.protocol}`} needs a link of its own`,
      });
    } else if (d.address !== undefined) {
      const same = bus.addresses.get(d.address);
      if (same !== undefined) out.push({ path: `${at}.address`, message: `address ${d.address} is already used on ${link} by boards.devices[${same}]` });
      else bus.addresses.set(d.address, i);
    }
  });
  return out;
}

function compartmentIssues(boards: BoardsConfig): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const byId = new Map(boards.devices.map((d) => [d.id, d]));
  const ids = new Map<string, number>();
  const locks = new Map<string, number>();
  boards.compartments.forEach((c, i) => {
    const at = `boards.compartments[${i}]`;
    const first = ids.get(c.id);
    if (first !== undefined) out.push({ path: `${at}.id`, message: `duplicate compartment "${c.id}" (also boards.compartments[${first}])` });
    else ids.set(c.id, i);
    const board = byId.get(c.board);
    if (!board) {
      out.push({ path: `${at}.board`, message: `unknown board "${c.board}" (not in boards.devices)` });
      return;
    }
    if (board.protocol !== 'kerong') {
      out.push({ path: `${at}.board`, message: `board "${c.board}" is a ${board.protocol} board; compartments need a lock board (kerong)` });
      return;
    }
    const max = board.channels ?? KERONG_LIMITS.maxLock;
    if (c.lock < KERONG_LIMITS.minLock || c.lock > max) {
      out.push({ path: `${at}.lock`, message: `lock ${c.lock} out of range: board "${c.board}" has locks ${KERONG_LIMITS.minLock}..${max}` });
      return;
    }
    const key = `${c.board}#${c.lock}`;
    const taken = locks.get(key);
    if (taken !== undefined)
      out.push({ path: `${at}.lock`, message: `lock ${c.lock} of board "${c.board}" is already compartment boards.compartments[${taken}]` });
    else locks.set(key, i);
  });
  return out;
}

type MappingKind = 'relays' | 'inputs' | 'probes';
const MODBUS_KIND: Record<MappingKind, string> = { relays: 'relay', inputs: 'input', probes: 'temperature' };

function mappingIssues(boards: BoardsConfig, section: MappingKind): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const byId = new Map(boards.devices.map((d) => [d.id, d]));
  const names = new Map<string, number>();
  const channels = new Map<string, number>();
  boards[section].forEach((m: ChannelMapping, i) => {
    const at = `boards.${section}[${i}]`;
    const first = names.get(m.name);
    if (first !== undefined) out.push({ path: `${at}.name`, message: `duplicate name "${m.name}" (also boards.${section}[${first}])` });
    else names.set(m.name, i);
    const board = byId.get(m.board);
    if (!board) {
      out.push({ path: `${at}.board`, message: `unknown board "${m.board}" (not in boards.devices)` });
      return;
    }
    const want = MODBUS_KIND[section];
    let channel = m.channel;
    if (board.protocol === 'modbus' && board.kind === want) {
      if (want === 'temperature') {
        if (channel !== undefined && channel !== 1)
          out.push({ path: `${at}.channel`, message: `a Modbus temperature sensor has one probe: leave channel out or use 1, got ${channel}` });
        channel = 1;
      } else if (channel === undefined) out.push({ path: `${at}.channel`, message: `is required (1..${board.channels ?? '?'})` });
      else if (channel < 1 || channel > (board.channels ?? 0))
        out.push({ path: `${at}.channel`, message: `channel ${channel} out of range: board "${m.board}" has ${want}s 1..${board.channels ?? 0}` });
    } else if (board.protocol === 'ioboard') {
      if (channel === undefined) out.push({ path: `${at}.channel`, message: `is required (1..${IOBOARD_MAX_CHANNEL})` });
      else if (channel < 1 || channel > IOBOARD_MAX_CHANNEL)
        out.push({ path: `${at}.channel`, message: `channel ${channel} out of range: must be 1..${IOBOARD_MAX_CHANNEL}` });
    } else {
      const what = board.protocol === 'modbus' ? `a Modbus ${board.kind ?? ''} board` : `a ${board.protocol} board`;
      out.push({ path: `${at}.board`, message: `board "${m.board}" is ${what}; ${section} need a Modbus ${want} board or an I/O board` });
      return;
    }
    if (channel === undefined) return;
    const key = `${m.board}#${channel}`;
    const taken = channels.get(key);
    if (taken !== undefined) out.push({ path: `${at}.channel`, message: `channel ${channel} of board "${m.board}" is already boards.${section}[${taken}]` });
    else channels.set(key, i);
  });
  return out;
}

export function boardsIssues(boards: BoardsConfig | undefined): ProfileIssue[] {
  if (!boards) return [];
  return [
    ...devicesIssues(boards),
    ...compartmentIssues(boards),
    ...mappingIssues(boards, 'relays'),
    ...mappingIssues(boards, 'inputs'),
    ...mappingIssues(boards, 'probes'),
  ];
}
