import type { Clock } from '../firmware-bridge/platform/clock.ts';
import type { Logger } from '../firmware-bridge/platform/logger.ts';
import type { BoardSet } from './boards/boardSet.ts';
import { IoBoardHandle, ModbusHandle, type BoardHandle } from './boards/boardHandles.ts';
import { ioBoardTemperatureProbe, modbusTemperatureProbe } from './boards/boardProbes.ts';
import { boardInput, boardRelayOutput, type BoardRelayOutput } from './boards/boardIo.ts';
import { Ds18b20Probe } from './onewire/ds18b20.ts';
import type { DigitalInput, DigitalOutput, GpioBackend, TemperatureProbe } from './ports.ts';
import type { BoardsConfig } from './profile/boardsSchema.ts';
import type { FridgesProfile, FridgeUnitProfile } from './profile/fridgesSchema.ts';

/**
 * The ports of a real point's fridges, from the profile's `fridges` section: 1-wire DS18B20
 * probes on sysfs, board temperature probes (Modbus sensor, I/O board channel) read from the
 * polled board handles, the door contact on a GPIO input or a board input, the compressor relay
 * on a GPIO output (claimed NOT cut) or a board relay. Logical levels throughout: door active =
 * open, compressor active = cut.
 *
 * The profile checks (fridgeChecks.ts) refuse unknown references; if one gets here anyway it
 * throws, naming the fridge and the reference. GPIO pins are claimed on `gpio` (released by
 * whoever stops the backend: the point's I/O).
 */

export interface FridgePortSet {
  probes: TemperatureProbe[];
  door?: DigitalInput;
  compressorCut?: DigitalOutput;
}

export interface FridgePortsDeps {
  gpio: GpioBackend;
  /** The point's serial boards (handles looked up by board id; `config` maps relay/input names). */
  boards: Pick<BoardSet, 'board'>;
  /** The profile's `boards` section (names in `boards.relays` / `boards.inputs`). */
  boardsConfig: BoardsConfig | undefined;
  clock: Clock;
  logger: Logger;
  /** sysfs root for 1-wire (default `/sys`). */
  oneWireRoot?: string | undefined;
}

/** Board inputs are checked this often when the board has no poll period of its own. */
const INPUT_CHECK_MS = 1000;

export function createFridgePorts(section: FridgesProfile, deps: FridgePortsDeps): Array<{ id: string; ports: FridgePortSet }> {
  return section.units.map((u) => ({ id: u.id, ports: unitPorts(u, deps) }));
}

/** Resolves once every board relay command sent so far is answered or failed (call before the boards stop). */
export async function fridgeRelaysSettled(units: ReadonlyArray<{ ports: FridgePortSet }>): Promise<void> {
  await Promise.all(
    units.map((u) => (u.ports.compressorCut && 'settled' in u.ports.compressorCut ? (u.ports.compressorCut as BoardRelayOutput).settled() : undefined)),
  );
}

function unitPorts(u: FridgeUnitProfile, deps: FridgePortsDeps): FridgePortSet {
  const fail = (what: string): never => {
    throw new Error(`fridge ${u.id}: ${what} (the profile checks should have refused this)`);
  };
  const handle = (id: string): BoardHandle => deps.boards.board(id) ?? fail(`unknown board "${id}"`);
  const mapping = (kind: 'relays' | 'inputs', name: string) => {
    const m = (deps.boardsConfig?.[kind] ?? []).find((x) => x.name === name) ?? fail(`"${name}" is not listed in boards.${kind}`);
    return { handle: handle(m.board), channel: m.channel ?? 1 };
  };

  const probes = u.probes.map((p): TemperatureProbe => {
    if ('onewire' in p) return new Ds18b20Probe(p.onewire, deps.oneWireRoot !== undefined ? { root: deps.oneWireRoot } : {});
    const h = handle(p.board);
    const id = `${p.board}#${p.channel ?? 1}`;
    if (h instanceof ModbusHandle && h.device.kind === 'temperature') return modbusTemperatureProbe(id, h);
    if (h instanceof IoBoardHandle) return ioBoardTemperatureProbe(id, h, p.channel ?? fail(`I/O board probe "${p.board}" without a channel`));
    return fail(`board "${p.board}" is not a temperature sensor or an I/O board`);
  });

  const ports: FridgePortSet = { probes };
  const logger = deps.logger.child({ fridge: u.id });

  if (u.door && 'gpio' in u.door) {
    const { bcm, activeLow, pull } = u.door.gpio;
    ports.door = deps.gpio.input(`fridge.${u.id}.door`, bcm, { activeLow, pull });
  } else if (u.door) {
    const { handle: h, channel } = mapping('inputs', u.door.input);
    const levels =
      h instanceof ModbusHandle && h.device.kind === 'input'
        ? () => h.last
        : h instanceof IoBoardHandle
          ? () => h.inputs
          : fail(`board "${h.device.id}" of input "${u.door.input}" is not an input board or an I/O board`);
    ports.door = boardInput(`fridge.${u.id}.door`, levels, channel, deps.clock, h.pollMs ?? INPUT_CHECK_MS);
  }

  if (u.compressorRelay && 'gpio' in u.compressorRelay) {
    const { bcm, activeLow } = u.compressorRelay.gpio;
    ports.compressorCut = deps.gpio.output(`fridge.${u.id}.compressorCut`, bcm, { activeLow, initial: false });
  } else if (u.compressorRelay) {
    const { handle: h, channel } = mapping('relays', u.compressorRelay.relay);
    const board =
      (h instanceof ModbusHandle && h.device.kind === 'relay') || h instanceof IoBoardHandle
        ? h
        : fail(`board "${h.device.id}" of relay "${u.compressorRelay.relay}" is not a relay board or an I/O board`);
    ports.compressorCut = boardRelayOutput(`fridge.${u.id}.compressorCut`, board, channel, logger);
  }
  return ports;
}
