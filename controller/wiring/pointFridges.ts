/**
 * The fridges of a real point: the profile's `fridges` section as configs (controller/fridges/
 * config.ts) joined with their ports (hardware/fridgePorts.ts: 1-wire probes, board probes, GPIO
 * or board door contact and compressor relay). No section, no fridges. The simulated point
 * passes its thermal models instead (StartPointOptions.fridges) and never gets here.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { createFridgePorts } from '../../hardware/fridgePorts.ts';
import type { GpioBackend } from '../../hardware/ports.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import { fridgeConfigsFromProfile, type FridgeConfig } from '../fridges/config.ts';
import type { FridgePorts } from '../fridges/fridges.ts';
import type { HardwareStatus } from '../hardware/hardwareStatus.ts';

export interface ProfileFridgesDeps {
  profile: HardwareProfile;
  gpio: GpioBackend;
  hardware: HardwareStatus;
  clock: Clock;
  logger: Logger;
  /** sysfs root for the 1-wire probes (default `/sys`; tests pass the fixtures). */
  oneWireRoot?: string | undefined;
}

export function profileFridges(deps: ProfileFridgesDeps): Array<{ config: FridgeConfig; ports: FridgePorts }> {
  const section = deps.profile.fridges;
  if (!section) return [];
  const ports = new Map(
    createFridgePorts(section, {
      gpio: deps.gpio,
      boards: deps.hardware.boards,
      boardsConfig: deps.profile.boards,
      clock: deps.clock,
      logger: deps.logger.child({ module: 'fridges' }),
      oneWireRoot: deps.oneWireRoot,
    }).map((u) => [u.id, u.ports]),
  );
  return fridgeConfigsFromProfile(section).map((config) => ({ config, ports: ports.get(config.id)! }));
}
