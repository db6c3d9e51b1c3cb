/**
 * The fridges of a real point: the profile's `fridges` section as configs (controller/fridges/
 * config.ts) joined with their ports (hardware/fridgePorts.ts: 1-wire probes, board probes, GPIO
 * or board door contact and compressor relay). No section, no fridges. The simulated point
 * passes its thermal models instead (StartPointOptions.fridges) and never gets here.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { createFridgePorts, fridgeRelaysSettled } from '../../hardware/fridgePorts.ts';
import type { GpioBackend } from '../../hardware/ports.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import { fridgeConfigsFromProfile, type FridgeConfig } from '../fridges/config.ts';
import type { FridgePorts } from '../fridges/fridges.ts';
import type { HardwareStatus } from '../hardware/hardwareStatus.ts';
import type { Feature } from '../features.ts';

export interface ProfileFridgesDeps {
  profile: HardwareProfile;
  gpio: GpioBackend;
  hardware: HardwareStatus;
  clock: Clock;
  logger: Logger;
  /** sysfs root for the 1-wire probes (default `/sys`; tests pass the fixtures). */
  oneWireRoot?: string | undefined;
}

export interface ProfileFridges {
  entries: Array<{ config: FridgeConfig; ports: FridgePorts }>;
  /**
   * Stop after the fridges feature (which releases the compressor relays) and before the boards:
   * waits for the board relay commands to be answered, so a compressor cut for a defrost window
   * is not left cut because the bus closed first.
   */
  relays: Feature;
}

export function profileFridges(deps: ProfileFridgesDeps): ProfileFridges {
  const section = deps.profile.fridges;
  if (!section) return { entries: [], relays: { start() {}, stop() {} } };
  const units = createFridgePorts(section, {
    gpio: deps.gpio,
    boards: deps.hardware.boards,
    boardsConfig: deps.profile.boards,
    clock: deps.clock,
    logger: deps.logger.child({ module: 'fridges' }),
    oneWireRoot: deps.oneWireRoot,
  });
  const ports = new Map(units.map((u) => [u.id, u.ports]));
  return {
    entries: fridgeConfigsFromProfile(section).map((config) => ({ config, ports: ports.get(config.id)! })),
    relays: { start() {}, stop: () => fridgeRelaysSettled(units) },
  };
}
