import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSerialPortByUsb, listSerialById } from './serialDiscovery.ts';

function fakeDevDir() {
  const root = mkdtempSync(join(tmpdir(), 'dorfpunkt-serial-'));
  const dev = join(root, 'ttyUSB0');
  writeFileSync(dev, '');
  const byId = join(root, 'by-id');
  mkdirSync(byId);
  symlinkSync(dev, join(byId, 'usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0'));
  symlinkSync(join(root, 'gone'), join(byId, 'usb-dangling-if00'));
  return { root, dev, byId };
}

describe('serial discovery', () => {
  it('lists /dev/serial/by-id entries with their targets (root dir injected)', async () => {
    const { byId, dev } = fakeDevDir();
    expect(await listSerialById({ byIdDir: byId })).toEqual([
      { byIdPath: join(byId, 'usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0'), name: 'usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0', devicePath: dev },
      { byIdPath: join(byId, 'usb-dangling-if00'), name: 'usb-dangling-if00', devicePath: undefined },
    ]);
  });

  it('a missing by-id directory means no adapters, not an error', async () => {
    expect(await listSerialById({ byIdDir: '/definitely/not/here' })).toEqual([]);
  });

  it('resolves USB ids to the stable by-id path; clear errors for none / ambiguous / malformed', async () => {
    const { byId, dev } = fakeDevDir();
    const list = async () => [
      { path: dev, vendorId: '0403', productId: '6001', serialNumber: 'A10KZ3' },
      { path: '/dev/ttyUSB1', vendorId: '1a86', productId: '7523', serialNumber: 'X' },
      { path: '/dev/ttyUSB2', vendorId: '1a86', productId: '7523', serialNumber: 'Y' },
    ];
    expect(await findSerialPortByUsb({ vendorId: '0403', productId: '6001' }, { list, byIdDir: byId })).toBe(
      join(byId, 'usb-FTDI_FT232R_USB_UART_A10KZ3-if00-port0'),
    );
    expect(await findSerialPortByUsb({ vendorId: '1A86', productId: '7523', serialNumber: 'Y' }, { list, byIdDir: byId })).toBe('/dev/ttyUSB2');
    await expect(findSerialPortByUsb({ vendorId: '1a86', productId: '7523' }, { list, byIdDir: byId })).rejects.toThrow(
      /2 serial adapters match USB 1a86:7523.*add the serial number/,
    );
    await expect(findSerialPortByUsb({ vendorId: '10c4', productId: 'ea60' }, { list, byIdDir: byId })).rejects.toThrow(
      /no serial adapter matches USB 10c4:ea60; ports seen: .*0403:6001/,
    );
    await expect(findSerialPortByUsb({ vendorId: 'xyz', productId: '1' }, { list })).rejects.toThrow(/4 hex digits/);
  });
});
