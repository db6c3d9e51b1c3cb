import { describe, expect, it } from 'vitest';
import { formatLinkSpec, LinkUrlError, parseLinkUrl } from './linkUrl.ts';

describe('parseLinkUrl', () => {
  it('parses serial paths with options and defaults to 19200 8N1', () => {
    expect(parseLinkUrl('serial:/dev/ttyUSB0?baud=9600&parity=even')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      settings: { baudRate: 9600, dataBits: 8, parity: 'even', stopBits: 1 },
    });
    expect(parseLinkUrl('/dev/serial/by-id/usb-FTDI_FT232R-if00-port0')).toMatchObject({
      kind: 'serial',
      path: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0',
      settings: { baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 },
    });
  });

  it('parses usb vendor:product with serial number and tcp gateways', () => {
    expect(parseLinkUrl('usb:0403:6001?serial=A10KZ3')).toMatchObject({ kind: 'usb', vendorId: '0403', productId: '6001', serialNumber: 'A10KZ3' });
    expect(parseLinkUrl('tcp://127.0.0.1:4001')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4001 });
    expect(parseLinkUrl('tcp://[::1]:4001')).toEqual({ kind: 'tcp', host: '::1', port: 4001 });
  });

  it.each([
    ['', /empty/],
    ['serial:ttyUSB0', /absolute/],
    ['serial:/dev/ttyUSB0?baud=12345', /baud must be one of/],
    ['serial:/dev/ttyUSB0?baud=19200&speed=3', /unknown option "speed"/],
    ['serial:/dev/../etc/passwd', /"\.\."/],
    ['usb:403:6001', /4 hex digits/],
    ['tcp://host', /tcp:\/\/host:port/],
    ['tcp://host:70000', /1\.\.65535/],
    ['tcp://host:80?x=1', /no path or options/],
    ['modbus://x', /unknown scheme "modbus:"/],
    ['COM3', /expected serial/],
  ])('rejects %j with a clear error', (url, msg) => {
    expect(() => parseLinkUrl(url)).toThrow(LinkUrlError);
    expect(() => parseLinkUrl(url)).toThrow(msg);
  });

  it('formats back to a canonical URL that parses to the same spec', () => {
    for (const u of ['serial:/dev/ttyUSB0?baud=9600&parity=even', 'usb:0403:6001?serial=A1', 'tcp://10.0.0.5:4001', 'tcp://[::1]:1']) {
      const spec = parseLinkUrl(u);
      expect(parseLinkUrl(formatLinkSpec(spec))).toEqual(spec);
    }
  });
});
