/**
 * dorfpunkt I/O board contract (firmware-bridge/PROTOCOL.md), against the simulator in CI or a
 * board on a bench: npm run conformance -- --protocol ioboard --port /dev/serial/by-id/...
 * The watchdog check switches relay 1 on: the board must drop it by itself.
 */
import { IoBoard } from '../../firmware-bridge/ioboard/ioBoard.ts';
import { IoFrameParser, encodeIoFrame, type IoFrame } from '../../firmware-bridge/ioboard/frame.ts';
import { NakCode, decodeMessage, toFrame, type IoMessage } from '../../firmware-bridge/ioboard/messages.ts';
import type { Link } from '../../firmware-bridge/transport/link.ts';
import { check } from './runner.ts';
import type { CheckList, ConformanceSuite, SuiteTarget } from './types.ts';

const sleep = (t: Pick<SuiteTarget, 'clock'>, ms: number) => new Promise<void>((r) => t.clock.setTimeout(r, ms));

export function ioBoardChecks(t: Pick<SuiteTarget, 'makeLink' | 'clock' | 'logger'>, o: { watchdogMs: number }): CheckList {
  let link: Link | undefined;
  let board: IoBoard | undefined;
  const b = (): IoBoard => {
    if (!board) throw new Error('suite not set up');
    return board;
  };

  /** Raw exchange with the driver stopped: send one frame, collect frames for `ms`. */
  async function raw(frames: Buffer[], ms: number): Promise<IoFrame[]> {
    const l = link!;
    const p = new IoFrameParser();
    const got: IoFrame[] = [];
    const off = l.onData((c) => got.push(...p.push(c)));
    for (const f of frames) await l.write(f);
    await sleep(t, ms);
    off();
    return got;
  }
  const reply = (got: IoFrame[], seq: number): IoMessage | undefined => {
    const f = got.find((x) => x.seq === seq && x.type >= 0x80 && x.type < 0x90);
    const d = f && decodeMessage(f);
    return d && d.ok ? d.message : undefined;
  };

  return {
    async setup() {
      link = t.makeLink();
      await link.start();
      check(link.status.state === 'connected', `link ${link.name} did not connect`);
      board = new IoBoard({ link, clock: t.clock, logger: t.logger, watchdogMs: o.watchdogMs });
    },
    async teardown() {
      board?.stop();
      await link?.stop();
    },
    checks: [
      {
        name: 'HELLO is answered with BOARD_INFO',
        async run() {
          const r = await b().start();
          check(r.ok, `no BOARD_INFO: ${r.ok ? '' : r.detail}`);
          check(r.value.relays >= 1, 'board reports no relays');
        },
      },
      {
        name: 'relay switches with heartbeat alive; out-of-range relay refused locally',
        async run() {
          await sleep(t, 100);
          const on = await b().setRelay(1, true);
          check(on.ok, `SET_RELAY 1 on failed: ${on.ok ? '' : on.detail}`);
          const off = await b().setRelay(1, false);
          check(off.ok, `SET_RELAY 1 off failed: ${off.ok ? '' : off.detail}`);
          const bad = await b().setRelay((b().info?.relays ?? 0) + 1, true);
          check(!bad.ok && bad.reason === 'invalid-argument', 'relay beyond the board was not refused');
        },
      },
      {
        name: 'READ_TEMPS gives one value per probe; READ_INPUTS one bit per input',
        async run() {
          const tr = await b().readTemps();
          check(tr.ok && tr.value.length === b().info?.probes, `temps: ${tr.ok ? tr.value.length : tr.detail}`);
          const ir = await b().readInputs();
          check(ir.ok && ir.value.length === b().info?.inputs, `inputs: ${ir.ok ? ir.value.length : ir.detail}`);
        },
      },
      {
        name: 'board NAKs an out-of-range relay (code 3) and answers a retransmit (same seq) with identical bytes',
        async run() {
          const relays = b().info?.relays ?? 0;
          const nak = reply(await raw([encodeIoFrame(toFrame(201, { type: 'setRelay', relay: relays + 1, on: false }))], 150), 201);
          check(nak?.type === 'nak' && nak.code === NakCode.outOfRange, `expected NAK 3, got ${JSON.stringify(nak)}`);
          const req = encodeIoFrame(toFrame(202, { type: 'readInputs' }));
          const got = await raw([req, req], 200);
          const replies = got.filter((f) => f.seq === 202);
          check(replies.length === 2, `expected two replies to a retransmit, got ${replies.length}`);
          check(Buffer.from(encodeIoFrame(replies[0]!)).equals(encodeIoFrame(replies[1]!)), 'retransmit answered differently');
        },
      },
      {
        name: 'a frame with a bad CRC gets no answer; the next good frame does',
        async run() {
          const badFrame = Buffer.from(encodeIoFrame(toFrame(203, { type: 'readTemps' })));
          badFrame[badFrame.length - 2] = badFrame[badFrame.length - 2]! ^ 0x01;
          const got = await raw([badFrame, encodeIoFrame(toFrame(204, { type: 'readTemps' }))], 200);
          check(!got.some((f) => f.seq === 203), 'board answered a frame with a bad CRC');
          check(
            got.some((f) => f.seq === 204),
            'board did not answer the good frame after a bad one',
          );
        },
      },
      {
        name: 'watchdog: relays drop by themselves when the heartbeat stops (WATCHDOG_TRIPPED)',
        async run() {
          const on = await b().setRelay(1, true);
          check(on.ok, `SET_RELAY 1 on failed: ${on.ok ? '' : on.detail}`);
          b().stop(); // silence
          const got = await raw([], o.watchdogMs + 500);
          check(
            got.some((f) => decodeMessage(f).ok && (decodeMessage(f) as { message: IoMessage }).message.type === 'watchdogTripped'),
            `no WATCHDOG_TRIPPED within ${o.watchdogMs + 500} ms of silence`,
          );
          const r = reply(await raw([encodeIoFrame(toFrame(205, { type: 'setRelay', relay: 1, on: true }))], 150), 205);
          check(r?.type === 'nak' && r.code === NakCode.noHeartbeat, `relay on without heartbeat should be NAK 4, got ${JSON.stringify(r)}`);
        },
      },
    ],
  };
}

export const ioBoardConformanceSuite: ConformanceSuite = {
  protocol: 'ioboard',
  description: 'dorfpunkt I/O board (COBS, CRC-16/CCITT-FALSE, heartbeat watchdog), 115200 8N1',
  options: [{ flag: '--watchdog-ms N', help: 'heartbeat watchdog to configure, 100..60000 (default 1500)' }],
  create(t) {
    const v = t.args['watchdog-ms'];
    const watchdogMs = v === undefined ? 1500 : Number(v);
    if (typeof v === 'boolean' || !Number.isInteger(watchdogMs) || watchdogMs < 100 || watchdogMs > 60000) {
      throw new RangeError(`--watchdog-ms must be an integer 100..60000, got ${String(v)}`);
    }
    return ioBoardChecks(t, { watchdogMs });
  },
};
