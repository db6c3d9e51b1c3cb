import { describe, expect, it } from 'vitest';
import type { Health } from './status.ts';
import { ioBoardTemperatureProbe, modbusTemperatureProbe } from './boardProbes.ts';

describe('board temperature probes', () => {
  it('a Modbus sensor gives its last polled value, and a fault when lost or not read yet', async () => {
    const h = { health: (): Health => ({ status: 'ok' }), last: null as unknown };
    const p = modbusTemperatureProbe('kuehl-fuehler#1', h);
    expect(await p.read()).toMatchObject({ ok: false, fault: 'missing', detail: 'no reading from the sensor yet' });
    h.last = { temperatureC: 5.3, humidityPct: 60 };
    expect(await p.read()).toEqual({ ok: true, probeId: 'kuehl-fuehler#1', celsius: 5.3 });
    h.health = () => ({ status: 'lost', detail: 'no answer' });
    expect(await p.read()).toEqual({ ok: false, probeId: 'kuehl-fuehler#1', fault: 'missing', detail: 'board lost: no answer' });
  });

  it('an I/O board channel reads its slot and refuses a channel out of range', async () => {
    const h = { health: (): Health => ({ status: 'degraded' }), temps: [4.5, null] };
    expect(await ioBoardTemperatureProbe('io#1', h, 1).read()).toEqual({ ok: true, probeId: 'io#1', celsius: 4.5 });
    expect(await ioBoardTemperatureProbe('io#2', h, 2).read()).toMatchObject({ ok: false, fault: 'missing' });
    expect(() => ioBoardTemperatureProbe('io#0', h, 0)).toThrow('I/O board temperature channel must be 1..255, got 0');
  });
});
