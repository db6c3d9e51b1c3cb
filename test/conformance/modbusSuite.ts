/**
 * Modbus RTU driver contract (relay board, optional input board and temperature sensor),
 * checked against the simulator in CI or a real bus on a bench:
 *   npm run conformance -- --protocol modbus --port /dev/serial/by-id/... --relay-address 1 --relays 8 [--allow-switch]
 */
import { InputBoard, RelayBoard, TempHumiditySensor } from '../../firmware-bridge/modbus/boards.ts';
import { ModbusMaster } from '../../firmware-bridge/modbus/master.ts';
import type { Link } from '../../firmware-bridge/transport/link.ts';
import { check, skip } from './runner.ts';
import type { CheckList, ConformanceSuite, SuiteTarget } from './types.ts';

export interface ModbusSuiteOptions {
  relayAddress: number;
  relays: number;
  allowSwitch: boolean;
  inputAddress?: number;
  inputs?: number;
  sensorAddress?: number;
}

function intArg(args: SuiteTarget['args'], name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const v = args[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new RangeError(`--${name} must be an integer ${min}..${max}, got ${String(v)}`);
  }
  return Number(v);
}

export function modbusChecks(t: Pick<SuiteTarget, 'makeLink' | 'clock' | 'logger'>, o: ModbusSuiteOptions): CheckList {
  let link: Link | undefined;
  let master: ModbusMaster | undefined;
  let written = 0;
  const m = (): ModbusMaster => {
    if (!master) throw new Error('suite not set up');
    return master;
  };
  return {
    async setup() {
      link = t.makeLink();
      const write = link.write.bind(link);
      link.write = async (b) => {
        written += b.length;
        return write(b);
      };
      await link.start();
      check(link.status.state === 'connected', `link ${link.name} did not connect`);
      master = new ModbusMaster({ link, clock: t.clock, logger: t.logger });
      master.start();
    },
    async teardown() {
      master?.stop();
      await link?.stop();
    },
    checks: [
      {
        name: 'relay board answers a coil read with one bit per relay (FC 01)',
        async run() {
          const r = await new RelayBoard(m(), { address: o.relayAddress, channels: o.relays }).read();
          check(r.ok, `read failed: ${r.ok ? '' : `${r.reason}: ${r.detail}`}`);
          check(r.value.length === o.relays, `expected ${o.relays} states, got ${r.value.length}`);
        },
      },
      {
        name: 'relay switched on and off reads back (FC 05 echo + FC 01)',
        async run() {
          if (!o.allowSwitch) skip('needs --allow-switch (really switches relay 1 on and off)');
          const board = new RelayBoard(m(), { address: o.relayAddress, channels: o.relays });
          for (const on of [true, false]) {
            const w = await board.set(1, on);
            check(w.ok, `switching relay 1 ${on ? 'on' : 'off'} failed: ${w.ok ? '' : w.detail}`);
            const r = await board.read();
            check(r.ok && r.value[0] === on, `relay 1 should read ${on}, read ${r.ok ? String(r.value[0]) : r.detail}`);
          }
        },
      },
      {
        name: 'out-of-range relay number and slave address are refused before anything is sent',
        async run() {
          const before = written;
          const r = await new RelayBoard(m(), { address: o.relayAddress, channels: o.relays }).set(o.relays + 1, true);
          check(!r.ok && r.reason === 'invalid-argument', 'relay beyond the board was not refused');
          const a = await m().request({ kind: 'readCoils', address: 248, start: 0, quantity: 1 });
          check(!a.ok && a.reason === 'invalid-argument' && /1\.\.247/.test(a.detail), 'address 248 was not refused');
          check(written === before, `${written - before} bytes were sent for refused requests`);
        },
      },
      {
        name: 'a read beyond the board is answered with exception 2 (illegal data address), not silence',
        async run() {
          const r = await m().request({ kind: 'readCoils', address: o.relayAddress, start: 60000, quantity: 8 });
          check(!r.ok && r.reason === 'nak' && /exception 2/.test(r.detail), `expected exception 2, got ${r.ok ? 'data' : `${r.reason}: ${r.detail}`}`);
        },
      },
      {
        name: 'input board answers a discrete input read (FC 02)',
        async run() {
          if (o.inputAddress === undefined) skip('needs --input-address N (no input board given)');
          const r = await new InputBoard(m(), { address: o.inputAddress, channels: o.inputs ?? 8 }).read();
          check(r.ok && r.value.length === (o.inputs ?? 8), `input read failed: ${r.ok ? r.value.length : r.detail}`);
        },
      },
      {
        name: 'temperature sensor gives a plausible reading (FC 04, x10)',
        async run() {
          if (o.sensorAddress === undefined) skip('needs --sensor-address N (no sensor given)');
          const r = await new TempHumiditySensor(m(), { address: o.sensorAddress }).read();
          check(r.ok, `sensor read failed: ${r.ok ? '' : r.detail}`);
          check(r.value.temperatureC > -40 && r.value.temperatureC < 85, `implausible temperature ${r.value.temperatureC} °C`);
        },
      },
    ],
  };
}

export const modbusConformanceSuite: ConformanceSuite = {
  protocol: 'modbus',
  description: 'Modbus RTU relay / input / temperature boards',
  options: [
    { flag: '--relay-address N', help: 'relay board slave address 1..247 (default 1)' },
    { flag: '--relays N', help: 'relay count (default 8)' },
    { flag: '--allow-switch', help: 'really switch relay 1 on and off' },
    { flag: '--input-address N', help: 'input board address (optional)' },
    { flag: '--inputs N', help: 'input count (default 8)' },
    { flag: '--sensor-address N', help: 'temperature/humidity sensor address (optional)' },
  ],
  create(t) {
    const inputAddress = intArg(t.args, 'input-address', undefined, 1, 247);
    const sensorAddress = intArg(t.args, 'sensor-address', undefined, 1, 247);
    return modbusChecks(t, {
      relayAddress: intArg(t.args, 'relay-address', 1, 1, 247)!,
      relays: intArg(t.args, 'relays', 8, 1, 64)!,
      allowSwitch: t.args['allow-switch'] === true,
      ...(inputAddress !== undefined ? { inputAddress, inputs: intArg(t.args, 'inputs', 8, 1, 2000)! } : {}),
      ...(sensorAddress !== undefined ? { sensorAddress } : {}),
    });
  },
};
