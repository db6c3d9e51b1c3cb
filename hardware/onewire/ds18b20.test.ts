import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ds18b20Probe, discoverProbes, parseW1Slave } from './ds18b20.ts';

const root = fileURLToPath(new URL('./fixtures/sys', import.meta.url));
const read = (id: string) => new Ds18b20Probe(id, { root }).read();

describe('DS18B20 probe over 1-wire sysfs', () => {
  it('reads a CRC-confirmed temperature, positive and negative', async () => {
    expect(await read('28-0316a2790aff')).toEqual({ ok: true, probeId: '28-0316a2790aff', celsius: 23.125 });
    expect(await read('28-0416b1e2c3ff')).toEqual({ ok: true, probeId: '28-0416b1e2c3ff', celsius: -10.125 });
  });

  it('never turns the 85 °C power-on value into a temperature', async () => {
    expect(await read('28-05169a000001')).toMatchObject({ ok: false, fault: 'power-on-value' });
  });

  it('rejects a reading whose CRC the kernel marked NO even though t= looks fine', async () => {
    expect(await read('28-0616aa000002')).toMatchObject({ ok: false, fault: 'crc', detail: expect.stringMatching(/crc=12 NO/) });
  });

  it('treats an all-zero scratchpad (CRC 00 "YES", t=0) as a read error, not 0 °C', async () => {
    expect(await read('28-0716bb000003')).toMatchObject({ ok: false, fault: 'read-error', detail: expect.stringMatching(/all-zero/) });
  });

  it('reports a truncated file as a read error', async () => {
    expect(await read('28-0816cc000004')).toMatchObject({ ok: false, fault: 'read-error', detail: expect.stringMatching(/line 2/) });
  });

  it('reports an unplugged probe as missing and an unreadable file as read-error', async () => {
    expect(await read('28-00000000dead')).toMatchObject({ ok: false, fault: 'missing' });
    expect(await read('28-0916dd000005')).toMatchObject({ ok: false, fault: 'read-error' });
  });

  it('refuses an id that is not a DS18B20 id (and cannot escape the devices directory)', () => {
    expect(() => new Ds18b20Probe('../../etc', { root })).toThrow(/Invalid DS18B20 probe id/);
    expect(() => new Ds18b20Probe('10-000802b4d2e1', { root })).toThrow(/Invalid DS18B20 probe id/);
  });

  it('parses out-of-range and malformed text as read errors', () => {
    const line1 = '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES';
    expect(parseW1Slave('p', `${line1}\n72 01 4b 46 7f ff 0e 10 57 t=127937\n`)).toMatchObject({ fault: 'read-error' });
    expect(parseW1Slave('p', 'garbage')).toMatchObject({ fault: 'read-error', detail: expect.stringMatching(/line 1/) });
    expect(parseW1Slave('p', '')).toMatchObject({ fault: 'read-error' });
  });

  it('discovers only family-28 probes, sorted, and an empty list without a 1-wire bus', async () => {
    const ids = await discoverProbes(root);
    expect(ids).toHaveLength(7);
    expect(ids[0]).toBe('28-0316a2790aff');
    expect(ids.every((id) => id.startsWith('28-'))).toBe(true);
    expect(await discoverProbes(fileURLToPath(new URL('./fixtures/none', import.meta.url)))).toEqual([]);
  });
});
