import { SerialPort } from 'serialport';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { Connector } from './link.ts';
import { ReconnectingLink } from './reconnectingLink.ts';
import { findSerialPortByUsb, type SerialDiscoveryDeps, type UsbMatch } from './serialDiscovery.ts';

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export const DEFAULT_SERIAL: SerialSettings = { baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 };

/** The slice of serialport's `SerialPortStream` we use (satisfied by `SerialPort` and `SerialPortMock`). */
export interface SerialPortLike {
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer, cb: (err: Error | null | undefined) => void): boolean;
  close(cb?: (err: Error | null) => void): void;
  on(event: 'data', cb: (chunk: Buffer) => void): unknown;
  on(event: 'close', cb: (err?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
  readonly isOpen: boolean;
}

export type SerialPortFactory = (opts: { path: string } & SerialSettings) => SerialPortLike;

export const realSerialPortFactory: SerialPortFactory = (o) =>
  new SerialPort({ path: o.path, baudRate: o.baudRate, dataBits: o.dataBits, parity: o.parity, stopBits: o.stopBits, autoOpen: false });

export type SerialTarget = { path: string } | { usb: UsbMatch };

export interface SerialConnectorOptions {
  target: SerialTarget;
  settings?: Partial<SerialSettings>;
  /** Default: the real serialport. Tests: `(o) => new SerialPortMock({ ...o, autoOpen: false })`. */
  portFactory?: SerialPortFactory;
  discovery?: SerialDiscoveryDeps;
}

/** Opens the port anew on every attempt; a USB target is re-resolved each time (ttyUSB numbers move on replug). */
export function createSerialConnector(opts: SerialConnectorOptions): Connector {
  const settings = { ...DEFAULT_SERIAL, ...opts.settings };
  const factory = opts.portFactory ?? realSerialPortFactory;
  return async (handlers) => {
    const path = 'path' in opts.target ? opts.target.path : await findSerialPortByUsb(opts.target.usb, opts.discovery ?? {});
    const port = factory({ path, ...settings });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`cannot open serial port ${path}: ${err.message}`)) : resolve())));
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      port.removeAllListeners();
      port.on('error', () => {}); // late errors from a dead port must not crash the process
      if (port.isOpen) port.close(() => {});
      handlers.onClose(reason);
    };
    port.on('data', (chunk) => {
      if (!ended) handlers.onData(chunk);
    });
    port.on('close', (err) => end(err?.disconnected ? `serial port ${path} disconnected` : `serial port ${path} closed${err ? `: ${err.message}` : ''}`));
    port.on('error', (err) => end(`serial port ${path} error: ${err.message}`));
    return {
      write: (bytes) =>
        new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(bytes), (err) => (err ? reject(new Error(`write to ${path} failed: ${err.message}`)) : resolve()));
        }),
      close: () =>
        new Promise<void>((resolve) => {
          ended = true;
          port.removeAllListeners();
          port.on('error', () => {});
          if (!port.isOpen) return resolve();
          port.close(() => resolve());
        }),
    };
  };
}

export interface SerialLinkOptions extends SerialConnectorOptions {
  clock: Clock;
  logger: Logger;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  giveUpAfter?: number;
}

export function createSerialLink(opts: SerialLinkOptions): ReconnectingLink {
  const t = opts.target;
  const name = 'path' in t ? `serial:${t.path}` : `usb:${t.usb.vendorId}:${t.usb.productId}${t.usb.serialNumber ? `?serial=${t.usb.serialNumber}` : ''}`;
  return new ReconnectingLink({
    name,
    connector: createSerialConnector(opts),
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.giveUpAfter !== undefined ? { giveUpAfter: opts.giveUpAfter } : {}),
  });
}
