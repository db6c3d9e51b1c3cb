import type { SerialSettings } from './serialLink.ts';
import { DEFAULT_SERIAL } from './serialLink.ts';

/**
 * Link addresses as they appear in hardware profiles and on the conformance CLI:
 *
 *   serial:/dev/ttyUSB0?baud=19200                 a serial device path (by-id paths welcome)
 *   serial:/dev/serial/by-id/usb-FTDI_...-port0?baud=9600&parity=even&stopBits=1&dataBits=8
 *   usb:0403:6001?serial=A10KZ3&baud=19200         USB vendor:product[, serial number]
 *   tcp://192.168.1.50:4001                        serial-over-IP gateway or simulator
 *
 * A bare absolute path (`/dev/ttyUSB0`) is read as `serial:` with defaults (19200 8N1).
 */
export type LinkSpec =
  | { kind: 'serial'; path: string; settings: SerialSettings }
  | { kind: 'usb'; vendorId: string; productId: string; serialNumber?: string; settings: SerialSettings }
  | { kind: 'tcp'; host: string; port: number };

export class LinkUrlError extends Error {
  override readonly name = 'LinkUrlError';
  constructor(
    readonly url: string,
    problem: string,
  ) {
    super(`invalid link address "${url}": ${problem}`);
  }
}

const BAUDS = new Set([1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400]);
const SERIAL_KEYS = new Set(['baud', 'parity', 'dataBits', 'stopBits', 'serial']);

function parseSettings(url: string, query: URLSearchParams, allowSerialNumber: boolean): SerialSettings {
  for (const key of query.keys()) {
    if (!SERIAL_KEYS.has(key) || (key === 'serial' && !allowSerialNumber)) {
      throw new LinkUrlError(url, `unknown option "${key}" (allowed: baud, parity, dataBits, stopBits${allowSerialNumber ? ', serial' : ''})`);
    }
  }
  const s: SerialSettings = { ...DEFAULT_SERIAL };
  const baud = query.get('baud');
  if (baud !== null) {
    const n = Number(baud);
    if (!/^\d+$/.test(baud) || !BAUDS.has(n)) throw new LinkUrlError(url, `baud must be one of ${[...BAUDS].join(', ')}, got "${baud}"`);
    s.baudRate = n;
  }
  const parity = query.get('parity');
  if (parity !== null) {
    if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new LinkUrlError(url, `parity must be none, even or odd, got "${parity}"`);
    s.parity = parity;
  }
  const dataBits = query.get('dataBits');
  if (dataBits !== null) {
    if (!['5', '6', '7', '8'].includes(dataBits)) throw new LinkUrlError(url, `dataBits must be 5..8, got "${dataBits}"`);
    s.dataBits = Number(dataBits) as SerialSettings['dataBits'];
  }
  const stopBits = query.get('stopBits');
  if (stopBits !== null) {
    if (stopBits !== '1' && stopBits !== '2') throw new LinkUrlError(url, `stopBits must be 1 or 2, got "${stopBits}"`);
    s.stopBits = Number(stopBits) as 1 | 2;
  }
  return s;
}

function splitQuery(rest: string): [string, URLSearchParams] {
  const q = rest.indexOf('?');
  return q < 0 ? [rest, new URLSearchParams()] : [rest.slice(0, q), new URLSearchParams(rest.slice(q + 1))];
}

export function parseLinkUrl(input: string): LinkSpec {
  if (typeof input !== 'string' || input.trim() === '') throw new LinkUrlError(String(input), 'empty');
  const url = input.trim();
  if (url.startsWith('/')) return parseLinkUrl(`serial:${url}`);

  if (url.startsWith('serial:')) {
    let [path, query] = splitQuery(url.slice('serial:'.length));
    if (path.startsWith('//')) path = path.slice(2); // serial:///dev/ttyUSB0
    if (!path.startsWith('/')) throw new LinkUrlError(url, 'serial path must be absolute, e.g. serial:/dev/ttyUSB0');
    if (/[\s\0]/.test(path) || path.split('/').includes('..')) throw new LinkUrlError(url, 'serial path contains whitespace, NUL or ".."');
    return { kind: 'serial', path, settings: parseSettings(url, query, false) };
  }

  if (url.startsWith('usb:')) {
    const [ids, query] = splitQuery(url.slice('usb:'.length));
    const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(ids);
    if (!m) throw new LinkUrlError(url, 'expected usb:<vendorId>:<productId> with 4 hex digits each, e.g. usb:0403:6001');
    const settings = parseSettings(url, query, true);
    const serialNumber = query.get('serial');
    if (serialNumber !== null && !/^[\w.-]{1,64}$/.test(serialNumber))
      throw new LinkUrlError(url, 'serial number must be 1-64 letters, digits, ".", "-" or "_"');
    return {
      kind: 'usb',
      vendorId: m[1]!.toLowerCase(),
      productId: m[2]!.toLowerCase(),
      ...(serialNumber !== null ? { serialNumber } : {}),
      settings,
    };
  }

  if (url.startsWith('tcp://')) {
    const rest = url.slice('tcp://'.length);
    if (rest.includes('?') || (rest.includes('/') && !rest.endsWith('/'))) throw new LinkUrlError(url, 'tcp address takes no path or options: tcp://host:port');
    const hostPort = rest.replace(/\/$/, '');
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(hostPort);
    if (!m) throw new LinkUrlError(url, 'expected tcp://host:port, e.g. tcp://192.168.1.50:4001');
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new LinkUrlError(url, `port must be 1..65535, got ${port}`);
    const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
    return { kind: 'tcp', host, port };
  }

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new LinkUrlError(
    url,
    scheme ? `unknown scheme "${scheme}:" (use serial:, usb: or tcp://)` : 'expected serial:/dev/..., usb:VID:PID or tcp://host:port',
  );
}

/** The inverse of `parseLinkUrl` (canonical form; defaults omitted). */
export function formatLinkSpec(spec: LinkSpec): string {
  if (spec.kind === 'tcp') return `tcp://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
  const q = new URLSearchParams();
  if (spec.kind === 'usb' && spec.serialNumber !== undefined) q.set('serial', spec.serialNumber);
  if (spec.settings.baudRate !== DEFAULT_SERIAL.baudRate) q.set('baud', String(spec.settings.baudRate));
  if (spec.settings.parity !== DEFAULT_SERIAL.parity) q.set('parity', spec.settings.parity);
  if (spec.settings.dataBits !== DEFAULT_SERIAL.dataBits) q.set('dataBits', String(spec.settings.dataBits));
  if (spec.settings.stopBits !== DEFAULT_SERIAL.stopBits) q.set('stopBits', String(spec.settings.stopBits));
  const qs = q.toString() ? `?${q.toString()}` : '';
  return spec.kind === 'serial' ? `serial:${spec.path}${qs}` : `usb:${spec.vendorId}:${spec.productId}${qs}`;
}
