import type { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';
import type { SimControls } from '../http/pointApi.ts';

/** The simulated boards' cables as SimControls: pull and replug a board's cable from the virtual point page. */
export function simBoardControls(boards: SimulatedBoards): Pick<SimControls, 'cables' | 'setCable'> {
  return {
    cables: () => boards.cables().map((c) => ({ boards: c.boards, protocol: c.protocol, url: c.url, plugged: c.plugged })),
    setCable: (board, plugged) => (plugged ? boards.plug(board) : boards.unplug(board)),
  };
}
