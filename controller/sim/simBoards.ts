import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';

export interface SimBoardsSetup {
  boards: SimulatedBoards;
  /** the profile with its board links pointing at the simulators */
  profile: HardwareProfile;
  /** lines for the console: where each simulated board listens */
  banner(): string;
}

/** Parse `--board-ports 4001,4002` (one port per distinct link of the profile, in order; 0 = ephemeral). */
export function parseBoardPorts(arg: string | undefined): number[] | undefined {
  if (arg === undefined || arg.trim() === '') return undefined;
  return arg.split(',').map((p) => {
    const n = Number(p.trim());
    if (!/^\d{1,5}$/.test(p.trim()) || n > 65535) throw new Error(`--board-ports: "${p}" is not a TCP port (0..65535)`);
    return n;
  });
}

/**
 * Serve the profile's boards as simulators on 127.0.0.1 and rewrite the profile's link
 * addresses to their actual ports: the controller then connects through real TCP links.
 */
export async function startSimBoards(profile: HardwareProfile, clock: Clock, boardPorts?: string): Promise<SimBoardsSetup> {
  const ports = parseBoardPorts(boardPorts);
  const boards = await SimulatedBoards.start(profile.boards, { clock, ...(ports ? { ports } : {}) });
  return {
    boards,
    profile: boards.rewriteProfile(profile),
    banner: () =>
      boards
        .cables()
        .map((c) => `Simulated ${c.protocol} board${c.boards.length > 1 ? 's' : ''} ${c.boards.join(', ')}: ${c.url}  (profile: ${c.profileLink})\n`)
        .join(''),
  };
}
