import { readdir as fsReaddir, realpath as fsRealpath } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Finding a serial adapter without trusting `/dev/ttyUSB<n>` (which moves on replug):
 * `/dev/serial/by-id` names stay stable, and a USB vendor/product id (plus serial number
 * when several identical adapters hang off one Pi) pins the adapter model.
 * Everything touching the OS is injected, so tests use a temp dir and a fake lister.
 */
export interface SerialPortInfo {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
}

export interface SerialDiscoveryDeps {
  /** Default `/dev/serial/by-id`. */
  byIdDir?: string;
  readdir?: (dir: string) => Promise<string[]>;
  realpath?: (path: string) => Promise<string>;
  /** Port lister, e.g. `SerialPort.list` (spawns udevadm on Linux). Required for USB matching. */
  list?: () => Promise<SerialPortInfo[]>;
}

export interface ByIdEntry {
  /** e.g. `/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0` */
  byIdPath: string;
  /** the link's file name */
  name: string;
  /** what it points to, e.g. `/dev/ttyUSB0` (undefined when the link is dangling) */
  devicePath: string | undefined;
}

export async function listSerialById(deps: SerialDiscoveryDeps = {}): Promise<ByIdEntry[]> {
  const dir = deps.byIdDir ?? '/dev/serial/by-id';
  const readdir = deps.readdir ?? ((d: string) => fsReaddir(d));
  const realpath = deps.realpath ?? ((p: string) => fsRealpath(p));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // no USB serial adapter plugged in
    throw err;
  }
  const out: ByIdEntry[] = [];
  for (const name of names.sort()) {
    const byIdPath = join(dir, name);
    let devicePath: string | undefined;
    try {
      devicePath = await realpath(byIdPath);
    } catch {
      devicePath = undefined;
    }
    out.push({ byIdPath, name, devicePath });
  }
  return out;
}

export interface UsbMatch {
  /** hex, case-insensitive, e.g. `0403` */
  vendorId: string;
  productId: string;
  serialNumber?: string;
}

const HEX4 = /^[0-9a-f]{4}$/i;

/**
 * Resolve a USB vendor/product (and optional serial) to one port path, preferring the stable
 * by-id path. Rejects with a clear error when nothing or more than one adapter matches.
 */
export async function findSerialPortByUsb(match: UsbMatch, deps: SerialDiscoveryDeps): Promise<string> {
  if (!HEX4.test(match.vendorId) || !HEX4.test(match.productId)) {
    throw new Error(`USB ids must be 4 hex digits, got vendor "${match.vendorId}" product "${match.productId}"`);
  }
  if (!deps.list) throw new Error('USB discovery needs a port lister (e.g. SerialPort.list)');
  const ports = await deps.list();
  const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/^0x/, '');
  const hits = ports.filter(
    (p) =>
      norm(p.vendorId) === match.vendorId.toLowerCase() &&
      norm(p.productId) === match.productId.toLowerCase() &&
      (match.serialNumber === undefined || p.serialNumber === match.serialNumber),
  );
  const what = `USB ${match.vendorId}:${match.productId}${match.serialNumber ? ` serial ${match.serialNumber}` : ''}`;
  if (hits.length === 0) {
    const seen = ports.map((p) => `${p.path} (${p.vendorId ?? '?'}:${p.productId ?? '?'})`).join(', ') || 'none';
    throw new Error(`no serial adapter matches ${what}; ports seen: ${seen}`);
  }
  if (hits.length > 1) {
    throw new Error(`${hits.length} serial adapters match ${what} (${hits.map((h) => h.path).join(', ')}); add the serial number`);
  }
  const devicePath = hits[0]!.path;
  const byId = await listSerialById(deps);
  return byId.find((e) => e.devicePath === devicePath || e.byIdPath === devicePath)?.byIdPath ?? devicePath;
}
