import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import { commandByCode, KERONG_BUSY_REPLY, KERONG_COMMANDS, KERONG_LIMITS } from '../../../../firmware-bridge/kerong/commands.ts';
import { encodeReply, type KerongRequest } from '../../../../firmware-bridge/kerong/codec.ts';
import { createKerongRequestParser } from '../../../../firmware-bridge/kerong/parser.ts';
import type { Link } from '../../../../firmware-bridge/transport/link.ts';
import { createSeededRandom, FaultPlan, sendReply, type Cable, type Fault } from '../common/faults.ts';
import { serveLinksOnTcp, type TcpExposure } from '../common/tcpServe.ts';

export interface KerongSimRequestContext extends KerongRequest {
  /** command name from the table, e.g. `unlock`, `readLock` */
  command: string;
  /** lock number (channel + 1) */
  lock: number;
}

export interface KerongSimulatorOptions {
  clock: Clock;
  /** board addresses answering on this bus; default [0] */
  boards?: number[];
  random?: () => number;
  /** physical start state; default every door shut (latched), every compartment empty */
  initial?: { latched?: boolean; occupied?: boolean };
}

interface BoardModel {
  hooks: number;
  ir: number;
  /** monotonic ms until which the board is rebooting and deaf */
  downUntil: number;
  /** unlock pulses actually executed, per lock number */
  unlocks: number[];
  /** locks whose latch is jammed: the pulse runs, the latch stays caught */
  jammed: Set<number>;
}

/**
 * A Kerong KR-CU16 bus simulator speaking the same bytes as the board (see
 * firmware-bridge/kerong/codec.ts). Physical model: an executed unlock releases the latch and
 * the door springs open (hook bit 0) until `closeDoor`; the infrared bit is whatever the test
 * set. Faults are armed per test on `faults` and apply to the next matching request.
 */
export class KerongSimulator {
  readonly faults = new FaultPlan<KerongSimRequestContext>();
  /** every request received, in order (after parsing) */
  readonly received: KerongSimRequestContext[] = [];
  private readonly boards = new Map<number, BoardModel>();
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(opts: KerongSimulatorOptions) {
    this.clock = opts.clock;
    this.random = opts.random ?? createSeededRandom(1);
    for (const b of opts.boards ?? [0]) {
      if (!Number.isInteger(b) || b < KERONG_LIMITS.minBoard || b > KERONG_LIMITS.maxBoard) throw new RangeError(`simulated board address ${b} out of range`);
      this.boards.set(b, {
        hooks: opts.initial?.latched === false ? 0 : 0xffff,
        ir: opts.initial?.occupied ? 0xffff : 0,
        downUntil: -1,
        unlocks: new Array<number>(KERONG_LIMITS.maxLock + 1).fill(0),
        jammed: new Set(),
      });
    }
  }

  /** Listen and answer on a link; `cable` lets the cable-pulled fault pull it. Returns detach. */
  attach(link: Link, cable?: Cable): () => void {
    const parser = createKerongRequestParser();
    const off = link.onData((chunk) => {
      for (const req of parser.push(chunk)) void this.handle(req, link, cable);
    });
    const offStatus = link.onStatus((s) => {
      if (s.state !== 'connected') parser.reset();
    });
    return () => {
      off();
      offStatus();
    };
  }

  /** Expose the bus on TCP (e.g. `tcp://127.0.0.1:<port>` for the controller or a terminal). */
  serveOnTcp(port: number, host = '127.0.0.1'): Promise<TcpExposure> {
    return serveLinksOnTcp((link) => this.attach(link), port, host);
  }

  // ---- physical world, for tests -------------------------------------------------------

  isLatched(lock: number, board = this.firstBoard()): boolean {
    return (this.model(board).hooks & (1 << (lock - 1))) !== 0;
  }

  /** Someone pushes the door shut: the latch catches. */
  closeDoor(lock: number, board = this.firstBoard()): void {
    this.model(board).hooks |= 1 << (lock - 1);
  }

  setOccupied(lock: number, occupied: boolean, board = this.firstBoard()): void {
    const m = this.model(board);
    m.ir = occupied ? m.ir | (1 << (lock - 1)) : m.ir & ~(1 << (lock - 1));
  }

  /** A mechanically jammed lock: the board pulses it (and answers), but the latch stays caught. */
  jam(lock: number, jammed = true, board = this.firstBoard()): void {
    const m = this.model(board);
    if (jammed) m.jammed.add(lock);
    else m.jammed.delete(lock);
  }

  /** How many unlock pulses the board actually executed for this lock. */
  unlockCount(lock: number, board = this.firstBoard()): number {
    return this.model(board).unlocks[lock] ?? 0;
  }

  /** Requests received for a command name (e.g. 'unlock'). */
  requests(command: string): KerongSimRequestContext[] {
    return this.received.filter((r) => r.command === command);
  }

  // ---- protocol ----------------------------------------------------------------------

  private firstBoard(): number {
    return this.boards.keys().next().value as number;
  }

  private model(board: number): BoardModel {
    const m = this.boards.get(board);
    if (!m) throw new RangeError(`no simulated board at address ${board}`);
    return m;
  }

  private async handle(req: KerongRequest, link: Link, cable: Cable | undefined): Promise<void> {
    const board = this.boards.get(req.board);
    if (!board) return; // another board's address: stay quiet like a real bus member
    const def = commandByCode(req.cmd);
    const ctx: KerongSimRequestContext = { ...req, command: nameOf(req.cmd) ?? def?.name ?? 'unknown', lock: req.channel + 1 };
    this.received.push(ctx);
    if (this.clock.monotonic() < board.downUntil) return; // rebooting

    const fault: Fault | undefined = this.faults.take(ctx);
    if (fault?.kind === 'board-reset') {
      board.downUntil = this.clock.monotonic() + fault.downMs;
      if (fault.bootNoise) await link.write(fault.bootNoise).catch(() => {});
      return; // the request dies with the reboot; doors keep their physical state
    }
    if (fault?.kind === 'busy') {
      if (!fault.silent && KERONG_BUSY_REPLY) {
        await link.write(encodeReply({ type: 'busy', board: req.board, channel: req.channel })).catch(() => {});
      }
      return;
    }
    if (fault?.kind === 'no-reply' && fault.execute === false) return;

    // execute
    if (req.cmd === KERONG_COMMANDS.unlock.code) {
      if (!board.jammed.has(req.channel + 1)) board.hooks &= ~(1 << req.channel);
      board.unlocks[req.channel + 1] = (board.unlocks[req.channel + 1] ?? 0) + 1;
    } else if (req.cmd === KERONG_COMMANDS.unlockAll.code) {
      board.hooks = 0;
      for (const l of board.jammed) board.hooks |= 1 << (l - 1);
      for (let l = 1; l <= KERONG_LIMITS.maxLock; l++) board.unlocks[l] = (board.unlocks[l] ?? 0) + 1;
    }
    if (!def || def.reply !== 'status') return; // no known reply format: say nothing
    const reply = encodeReply({ type: 'status', cmd: req.cmd, board: req.board, channel: req.channel, hooks: board.hooks, ir: board.ir });
    await sendReply(reply, fault, { link, clock: this.clock, random: this.random, ...(cable ? { cable } : {}) });
  }
}

function nameOf(code: number): string | undefined {
  for (const [name, def] of Object.entries(KERONG_COMMANDS)) if (def.code === code) return name;
  return undefined;
}
