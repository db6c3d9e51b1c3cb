import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { FridgesProfile, ProductGroup } from '../../hardware/profile/fridgesSchema.ts';
import { FridgeSim, type FridgeSimView } from '../../hardware/sim/fridgeSim.ts';
import { defrostChecker, fridgeConfigsFromProfile, type FridgeConfig } from '../fridges/config.ts';
import type { FridgePorts } from '../fridges/fridges.ts';

/**
 * The simulated point's fridges: one thermal model per `fridges.units` entry of the profile,
 * its probe id taken from the profile's first probe reference (so the record names the real
 * probe), the defrost heater running the first third of each configured defrost window, and the
 * setpoint a few degrees under the product group's limit. `control()` is what the virtual point
 * page calls to upset a fridge; bad input is refused with a clear message and changes nothing.
 */

const SETPOINT_BELOW_LIMIT_C: Record<ProductGroup, number> = { poultry: 2, 'fresh-meat': 3, 'mince-fish': 2, dairy: 3, frozen: 3, other: 4 };

export type FridgeSimControl =
  | { action: 'open-door' | 'close-door' | 'cut-power' | 'restore-power' | 'break-compressor' | 'repair-compressor' | 'repair-probe' }
  | { action: 'break-probe'; fault?: 'missing' | 'crc' | 'read-error' | 'power-on-value' }
  | { action: 'stick-probe'; celsius: number }
  | { action: 'set-ambient'; celsius: number };

export interface SimFridges {
  configs: FridgeConfig[];
  /** Ports per fridge id, for `createFridges`. */
  entries(): Array<{ config: FridgeConfig; ports: FridgePorts }>;
  control(fridgeId: string, control: FridgeSimControl): void;
  view(): Array<{ id: string } & FridgeSimView>;
}

const probeIdOf = (ref: FridgesProfile['units'][number]['probes'][number]): string => ('onewire' in ref ? ref.onewire : `${ref.board}#${ref.channel ?? 1}`);

export function createSimFridges(clock: Clock, section: FridgesProfile): SimFridges {
  const configs = fridgeConfigsFromProfile(section);
  const sims = new Map<string, FridgeSim>();
  section.units.forEach((u, i) => {
    const config = configs[i]!;
    const heater = defrostChecker(u.defrost.map((w) => ({ start: w.start, minutes: Math.max(1, Math.round(w.minutes / 3)) })));
    sims.set(
      u.id,
      new FridgeSim({
        clock,
        name: u.name,
        probeId: probeIdOf(u.probes[0]!),
        setpointC: config.limitTenths / 10 - SETPOINT_BELOW_LIMIT_C[u.productGroup],
        defrostHeaterOn: heater,
      }),
    );
  });
  return {
    configs,
    entries: () =>
      configs.map((config) => {
        const sim = sims.get(config.id)!;
        return { config, ports: { probes: [sim.probe], door: sim.door, compressorCut: sim.compressorCut } };
      }),
    control(fridgeId, c) {
      const sim = sims.get(fridgeId);
      if (!sim) throw new RangeError(`no simulated fridge "${fridgeId}" (known: ${[...sims.keys()].join(', ')})`);
      switch (c.action) {
        case 'open-door':
          return sim.openDoor();
        case 'close-door':
          return sim.closeDoor();
        case 'cut-power':
          return sim.cutPower();
        case 'restore-power':
          return sim.restorePower();
        case 'break-compressor':
          return sim.breakCompressor();
        case 'repair-compressor':
          return sim.repairCompressor();
        case 'repair-probe':
          return sim.repairProbe();
        case 'break-probe':
          return sim.breakProbe(c.fault ?? 'missing');
        case 'stick-probe':
          return sim.stickProbe(c.celsius);
        case 'set-ambient':
          return sim.setAmbient(c.celsius);
        default:
          throw new RangeError(`unknown fridge control ${JSON.stringify((c as { action?: unknown }).action)}`);
      }
    },
    view: () => [...sims.entries()].map(([id, sim]) => ({ id, ...sim.view() })),
  };
}
