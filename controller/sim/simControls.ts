import type { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import type { DemoCredential, SimControls } from '../http/pointApi.ts';

/** What a person standing at the simulated door can do, as the HTTP API's SimControls. */
export function simControls(sim: SimulatedPoint, credentials: DemoCredential[]): SimControls {
  return {
    push: () => sim.push(),
    force: () => sim.force(),
    close: () => sim.close(),
    pressExit: () => sim.tapExit(),
    setFireAlarm: (active) => sim.setFireAlarm(active),
    demoCredentials: () => credentials,
  };
}
