import { SerialPortMock } from 'serialport';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { createSilentLogger } from '../platform/logger.ts';
import { createLink } from './createLink.ts';
import { createSerialLink, type SerialPortFactory, type SerialPortLike } from './serialLink.ts';

// REFERENCE: use SerialPortMock.binding from `serialport` (not @serialport/binding-mock) under ESM/vitest.
const binding = SerialPortMock.binding;
const ports: SerialPortMock[] = [];
const mockFactory: SerialPortFactory = (o) => {
  const p = new SerialPortMock({ path: o.path, baudRate: o.baudRate, dataBits: o.dataBits, parity: o.parity, stopBits: o.stopBits, autoOpen: false });
  ports.push(p);
  return p as unknown as SerialPortLike;
};
const flush = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('serial link (serialport mock binding)', () => {
  beforeEach(() => {
    binding.reset();
    ports.length = 0;
  });

  it('opens by path with 19200 8N1, writes bytes out and delivers bytes in', async () => {
    binding.createPort('/dev/ttyUSB0', { record: true });
    const link = createLink('serial:/dev/ttyUSB0', { clock: new ManualClock(), logger: createSilentLogger(), portFactory: mockFactory });
    const got: Buffer[] = [];
    link.onData((c) => got.push(c));
    await link.start();
    expect(link.status).toEqual({ state: 'connected' });
    expect(ports[0]!.baudRate).toBe(19200);
    await link.write(Buffer.from([0x02, 0x00, 0x30, 0x03, 0x35]));
    await flush();
    expect(ports[0]!.port!.recording).toEqual(Buffer.from([0x02, 0x00, 0x30, 0x03, 0x35]));
    ports[0]!.port!.emitData(Buffer.from([0xaa, 0xbb]));
    await flush();
    expect(Buffer.concat(got)).toEqual(Buffer.from([0xaa, 0xbb]));
    await link.stop();
    expect(ports[0]!.isOpen).toBe(false);
  });

  it('a missing device: reconnecting with a clear reason; opens once the adapter appears', async () => {
    const clock = new ManualClock();
    const link = createSerialLink({
      target: { path: '/dev/ttyUSB7' },
      clock,
      logger: createSilentLogger(),
      portFactory: mockFactory,
      backoff: { initialMs: 100, maxMs: 100, jitter: 0 },
    });
    await link.start();
    expect(link.status).toEqual({ state: 'reconnecting', inMs: 100, attempt: 2, lastError: expect.stringMatching(/cannot open serial port \/dev\/ttyUSB7/) });
    binding.createPort('/dev/ttyUSB7');
    clock.advance(100);
    await flush();
    expect(link.status).toEqual({ state: 'connected' });
    await link.stop();
  });

  it('port closed under us (unplug): status goes reconnecting, and the link reopens by itself', async () => {
    binding.createPort('/dev/ttyACM0');
    const clock = new ManualClock();
    const link = createSerialLink({
      target: { path: '/dev/ttyACM0' },
      clock,
      logger: createSilentLogger(),
      portFactory: mockFactory,
      backoff: { initialMs: 200, maxMs: 200, jitter: 0 },
    });
    await link.start();
    const first = ports[0]!;
    first.emit('close', Object.assign(new Error('device disconnected'), { disconnected: true }));
    expect(link.status).toEqual({ state: 'reconnecting', inMs: 200, attempt: 1, lastError: 'serial port /dev/ttyACM0 disconnected' });
    await flush();
    clock.advance(200);
    await flush();
    expect(link.status).toEqual({ state: 'connected' });
    expect(ports).toHaveLength(2);
    await link.stop();
  });

  it('USB vendor/product discovery picks the matching adapter', async () => {
    binding.createPort('/dev/ttyUSB3', { vendorId: '0403', productId: '6001' });
    const link = createLink('usb:0403:6001', {
      clock: new ManualClock(),
      logger: createSilentLogger(),
      portFactory: mockFactory,
      discovery: { list: () => SerialPortMock.list(), byIdDir: '/nonexistent-dir-for-test' },
    });
    await link.start();
    expect(link.status).toEqual({ state: 'connected' });
    expect(ports[0]!.path).toBe('/dev/ttyUSB3');
    await link.stop();
  });
});
