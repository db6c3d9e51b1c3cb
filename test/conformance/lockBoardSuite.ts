import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { KerongBoard, KerongRangeError } from '../../firmware-bridge/kerong/board.ts';
import { KERONG_COMMANDS, KERONG_LIMITS } from '../../firmware-bridge/kerong/commands.ts';
import { createKerongRequestParser } from '../../firmware-bridge/kerong/parser.ts';
import { createKerongSession } from '../../firmware-bridge/kerong/kerongSession.ts';
import { describeLinkStatus, type Link } from '../../firmware-bridge/transport/link.ts';
import { check, skip } from './runner.ts';
import type { CheckList, ConformanceSuite } from './types.ts';

export interface LockBoardSuiteOptions {
  /** fresh, unstarted link to the bus with the board under test */
  makeLink(): Link;
  clock: Clock;
  logger: Logger;
  address: number;
  /** the lock used for read/open checks (1..16) */
  lock: number;
  /** physically opens `lock` (a real door pops open on a bench) */
  allowOpen: boolean;
  /** an address with NO board on the bus; enables the silent-board checks (sends an unlock there!) */
  absentAddress?: number;
  readTimeoutMs?: number;
  openTimeoutMs?: number;
}

/**
 * The lock board driver contract: what the controller relies on, checked against whatever is
 * at the other end of the link (simulator or a real KR-CU board).
 */
export function lockBoardChecks(o: LockBoardSuiteOptions): CheckList {
  let link: Link | undefined;
  let session: ReturnType<typeof createKerongSession> | undefined;
  let board: KerongBoard | undefined;
  const sent = createKerongRequestParser();
  const unlocksSent: Array<{ board: number; lock: number }> = [];
  let bytesWritten = 0;

  const mk = (address: number) =>
    new KerongBoard({
      session: session!,
      address,
      clock: o.clock,
      logger: o.logger,
      readTimeoutMs: o.readTimeoutMs ?? 300,
      openTimeoutMs: o.openTimeoutMs ?? 1000,
    });

  const checks = [
    {
      name: 'link connects',
      async run() {
        for (let i = 0; i < 100 && link!.status.state !== 'connected'; i++) await new Promise((r) => setTimeout(r, 50));
        check(link!.status.state === 'connected', `link ${link!.name} not connected after 5 s: ${describeLinkStatus(link!.status)}`);
      },
    },
    {
      name: `read all locks of board ${o.address}`,
      async run() {
        const r = await board!.readAll();
        check(r.ok, `readAll failed: ${r.ok ? '' : `${r.reason}: ${r.detail}`}`);
        check(r.value.locks.length === KERONG_LIMITS.maxLock, `expected ${KERONG_LIMITS.maxLock} locks, got ${r.value.locks.length}`);
      },
    },
    {
      name: `read lock ${o.lock} agrees with read-all`,
      async run() {
        const one = await board!.readLock(o.lock);
        const all = await board!.readAll();
        check(one.ok && all.ok, 'a read failed');
        const fromAll = all.value.locks[o.lock - 1]!;
        check(
          one.value.latched === fromAll.latched && one.value.occupied === fromAll.occupied,
          `lock ${o.lock}: single read ${JSON.stringify(one.value)} vs all ${JSON.stringify(fromAll)}`,
        );
      },
    },
    {
      name: 'every lock 1..16 answers a single read',
      async run() {
        for (let l = KERONG_LIMITS.minLock; l <= KERONG_LIMITS.maxLock; l++) {
          const r = await board!.readLock(l);
          check(r.ok, `lock ${l}: ${r.ok ? '' : `${r.reason}: ${r.detail}`}`);
        }
      },
    },
    {
      name: 'out-of-range lock numbers are rejected and nothing is sent',
      async run() {
        const before = bytesWritten;
        for (const bad of [0, 17, -1, 1.5, Number.NaN]) {
          let threw: unknown;
          try {
            await board!.openLock(bad);
          } catch (err) {
            threw = err;
          }
          check(threw instanceof KerongRangeError, `openLock(${bad}) was not rejected with a range error`);
        }
        check(bytesWritten === before, `${bytesWritten - before} bytes were written for rejected ids`);
      },
    },
    {
      name: 'out-of-range board addresses are rejected',
      async run() {
        for (const bad of [16, -1, 255, 0.5]) {
          let threw = false;
          try {
            mk(bad);
          } catch (err) {
            threw = err instanceof KerongRangeError;
          }
          check(threw, `board address ${bad} was accepted`);
        }
      },
    },
    {
      name: `open lock ${o.lock}: reported opened, read-back unlatched, exactly one unlock sent`,
      async run() {
        if (!o.allowOpen) skip(`needs --allow-open (really opens lock ${o.lock})`);
        const before = unlocksSent.length;
        const r = await board!.openLock(o.lock);
        check(r.result === 'opened', `open lock ${o.lock}: ${JSON.stringify(r)}`);
        const back = await board!.readLock(o.lock);
        check(back.ok && !back.value.latched, `lock ${o.lock} reads ${back.ok ? 'latched' : 'unreadable'} after open`);
        check(unlocksSent.length - before === 1, `${unlocksSent.length - before} unlock frames were sent`);
      },
    },
    {
      name: `silent board${o.absentAddress !== undefined ? ` ${o.absentAddress}` : ''}: reads time out, an open is never reported opened, never repeated`,
      async run() {
        const absent = o.absentAddress;
        if (absent === undefined) skip('needs --absent N (an address with no board on the bus)');
        const ghost = mk(absent);
        const r = await ghost.readAll();
        check(!r.ok && r.reason === 'timeout', `readAll on absent board: ${JSON.stringify(r)}`);
        const before = unlocksSent.filter((u) => u.board === absent).length;
        const open = await ghost.openLock(1);
        check(open.result !== 'opened', `absent board reported ${JSON.stringify(open)}`);
        const sentNow = unlocksSent.filter((u) => u.board === absent).length - before;
        check(sentNow === 1, `${sentNow} unlock frames sent to the absent board`);
        check(ghost.health.state !== 'ok', 'absent board reported healthy');
      },
    },
    {
      name: 'no corrupted frames seen on the line (wiring, termination, baud rate)',
      async run() {
        const s = session!.parserStats;
        check(s.badFrames === 0, `${s.badFrames} bad frames, ${s.droppedBytes} bytes dropped: check A/B wiring, termination and baud rate`);
      },
    },
  ];

  return {
    checks,
    async setup() {
      const raw = o.makeLink();
      // count what actually goes on the wire
      link = {
        name: raw.name,
        get status() {
          return raw.status;
        },
        onData: (l) => raw.onData(l),
        onStatus: (l) => raw.onStatus(l),
        start: () => raw.start(),
        stop: () => raw.stop(),
        write: async (bytes) => {
          await raw.write(bytes);
          bytesWritten += bytes.length;
          for (const f of sent.push(bytes)) if (f.cmd === KERONG_COMMANDS.unlock.code) unlocksSent.push({ board: f.board, lock: f.channel + 1 });
        },
      };
      session = createKerongSession({ link: link!, clock: o.clock, logger: o.logger });
      session.start();
      await link.start();
      board = mk(o.address);
    },
    async teardown() {
      session?.stop();
      await link?.stop();
    },
  };
}

function intArg(args: Record<string, string | boolean>, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || n < min || n > max) throw new RangeError(`--${name} must be an integer ${min}..${max}, got ${String(v)}`);
  return n;
}

export const kerongConformanceSuite: ConformanceSuite = {
  protocol: 'kerong',
  description: 'Kerong KR-CU16-style lock board (RS485, 19200 8N1)',
  options: [
    { flag: '--address N', help: 'board address 0..15 (default 0)' },
    { flag: '--lock N', help: 'lock used for read/open checks, 1..16 (default 1)' },
    { flag: '--allow-open', help: 'really open --lock (the door pops open!)' },
    { flag: '--absent N', help: 'an address with no board on the bus: checks silent-board handling (sends an unlock there)' },
  ],
  create(t) {
    return lockBoardChecks({
      makeLink: t.makeLink,
      clock: t.clock,
      logger: t.logger,
      address: intArg(t.args, 'address', 0, KERONG_LIMITS.minBoard, KERONG_LIMITS.maxBoard)!,
      lock: intArg(t.args, 'lock', 1, KERONG_LIMITS.minLock, KERONG_LIMITS.maxLock)!,
      allowOpen: t.args['allow-open'] === true,
      ...(t.args['absent'] !== undefined ? { absentAddress: intArg(t.args, 'absent', undefined, KERONG_LIMITS.minBoard, KERONG_LIMITS.maxBoard)! } : {}),
    });
  },
};
