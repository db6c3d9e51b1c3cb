import { describe, expect, it } from 'vitest';
import type { FrameEncoder, ParserStats, StreamParser } from '../framing/types.ts';
import { ManualClock } from '../platform/clock.ts';
import { createSilentLogger } from '../platform/logger.ts';
import { createMemoryLinkPair } from '../transport/memoryLink.ts';
import { Session, type ReplyVerdict } from './session.ts';

/** A toy line protocol: "<addr> <op>\n" requests, "<addr> <op> <answer>\n" replies. */
interface Msg {
  addr: number;
  op: string;
  answer?: string;
}
const encoder: FrameEncoder<Msg> = {
  encode(m) {
    if (m.addr < 0 || m.addr > 9) throw new RangeError(`address ${m.addr} out of range 0..9`);
    return Buffer.from(`${m.addr} ${m.op}${m.answer ? ` ${m.answer}` : ''}\n`);
  },
};
function lineParser(): StreamParser<Msg> {
  let buf = '';
  const stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  return {
    stats,
    reset: () => void (buf = ''),
    push(chunk) {
      buf += Buffer.from(chunk).toString('latin1');
      const out: Msg[] = [];
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const [a, op, answer] = buf.slice(0, i).split(' ');
        buf = buf.slice(i + 1);
        out.push({ addr: Number(a), op: op ?? '', ...(answer ? { answer } : {}) });
        stats.frames++;
      }
      return out;
    },
  };
}

const flush = async (n = 6) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

async function setup(device: (m: Msg, reply: (m: Msg) => void) => void) {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ clock, backoff: { initialMs: 100, maxMs: 100, jitter: 0 } });
  const received: Msg[] = [];
  const devParser = lineParser();
  pair.device.onData((c) => {
    for (const m of devParser.push(c)) {
      received.push(m);
      device(m, (r) => void pair.device.write(encoder.encode(r)).catch(() => {}));
    }
  });
  await pair.host.start();
  await pair.device.start();
  const session = new Session<Msg, Msg>({
    link: pair.host,
    encoder,
    parser: lineParser(),
    clock,
    logger: createSilentLogger(),
    defaultTimeoutMs: 300,
    defaultRetryDelayMs: 50,
  });
  session.start();
  return { clock, pair, session, received };
}

const match =
  (addr: number, op: string) =>
  (r: Msg): ReplyVerdict<string> | undefined =>
    r.addr === addr && r.op === op ? (r.answer === 'BUSY' ? { kind: 'busy' } : { kind: 'ok', value: r.answer ?? '' }) : undefined;

describe('session', () => {
  it('matches a reply that arrives in the same tick as the write (matcher registered before writing)', async () => {
    const { session } = await setup((m, reply) => reply({ ...m, answer: 'OK' }));
    const res = await session.request({ key: '1', frame: { addr: 1, op: 'read' }, label: 'read', idempotent: true, match: match(1, 'read') });
    expect(res).toEqual({ ok: true, value: 'OK', attempts: 1 });
  });

  it('keeps one command in flight per key, FIFO', async () => {
    const pending: Array<() => void> = [];
    const { session, received } = await setup((m, reply) => pending.push(() => reply({ ...m, answer: 'OK' })));
    const a = session.request({ key: '1', frame: { addr: 1, op: 'a' }, label: 'a', idempotent: true, match: match(1, 'a') });
    const b = session.request({ key: '1', frame: { addr: 1, op: 'b' }, label: 'b', idempotent: true, match: match(1, 'b') });
    const c = session.request({ key: '2', frame: { addr: 2, op: 'c' }, label: 'c', idempotent: true, match: match(2, 'c') });
    await flush();
    expect(received.map((m) => m.op)).toEqual(['a', 'c']); // b waits for a; c has its own key
    expect(session.depth('1')).toBe(2);
    pending.shift()!();
    await flush();
    expect(received.map((m) => m.op)).toEqual(['a', 'c', 'b']);
    pending.forEach((p) => p());
    await expect(Promise.all([a, b, c])).resolves.toHaveLength(3);
  });

  it('retries a read after a timeout, but sends a non-idempotent command only once', async () => {
    let n = 0;
    const { session, clock, received } = await setup((m, reply) => {
      if (m.op === 'read' && ++n === 2) reply({ ...m, answer: 'LATE-OK' });
    });
    const read = session.request({ key: '1', frame: { addr: 1, op: 'read' }, label: 'read', idempotent: true, match: match(1, 'read') });
    await flush();
    clock.advance(300);
    await flush();
    clock.advance(50);
    await flush();
    expect(await read).toEqual({ ok: true, value: 'LATE-OK', attempts: 2 });

    const open = session.request({ key: '1', frame: { addr: 1, op: 'open' }, label: 'open', idempotent: false, match: match(1, 'open') });
    await flush();
    clock.advance(5000);
    await flush();
    expect(await open).toMatchObject({ ok: false, reason: 'timeout', attempts: 1, written: true });
    expect(received.filter((m) => m.op === 'open')).toHaveLength(1);
  });

  it('fails fast with link-down (nothing written) while the cable is out, and with link-down when it goes mid-command', async () => {
    const { session, pair } = await setup(() => {});
    const inFlight = session.request({ key: '1', frame: { addr: 1, op: 'open' }, label: 'open', idempotent: false, match: match(1, 'open') });
    await flush();
    pair.unplug();
    expect(await inFlight).toMatchObject({ ok: false, reason: 'link-down', written: true });
    const res = await session.request({ key: '1', frame: { addr: 1, op: 'open' }, label: 'open', idempotent: false, match: match(1, 'open') });
    expect(res).toMatchObject({ ok: false, reason: 'link-down', written: false, attempts: 0 });
  });

  it('an encoder rejecting the frame gives invalid-argument and writes nothing', async () => {
    const { session, received } = await setup(() => {});
    const res = await session.request({ key: '1', frame: { addr: 42, op: 'open' }, label: 'open', idempotent: false, match: match(42, 'open') });
    expect(res).toMatchObject({ ok: false, reason: 'invalid-argument', written: false, detail: 'address 42 out of range 0..9' });
    await flush();
    expect(received).toHaveLength(0);
  });

  it('busy: a read is retried, an actuation reports busy; cancel via AbortSignal', async () => {
    const { session, clock } = await setup((m, reply) => reply({ ...m, answer: 'BUSY' }));
    const open = await session.request({ key: '1', frame: { addr: 1, op: 'open' }, label: 'open', idempotent: false, match: match(1, 'open') });
    expect(open).toMatchObject({ ok: false, reason: 'busy', attempts: 1 });
    const read = session.request({ key: '1', frame: { addr: 1, op: 'read' }, label: 'read', idempotent: true, maxAttempts: 2, match: match(1, 'read') });
    await flush();
    clock.advance(50);
    await flush();
    expect(await read).toMatchObject({ ok: false, reason: 'busy', attempts: 2 });

    const ac = new AbortController();
    const { session: s2 } = await setup(() => {});
    const p = s2.request({ key: '1', frame: { addr: 1, op: 'read' }, label: 'read', idempotent: true, match: match(1, 'read'), signal: ac.signal });
    await flush();
    ac.abort();
    expect(await p).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('reports unmatched (late or unsolicited) frames to onFrame listeners', async () => {
    const { session, pair } = await setup(() => {});
    const seen: Array<[Msg, boolean]> = [];
    session.onFrame((f, matched) => seen.push([f, matched]));
    await pair.device.write(Buffer.from('3 event door\n'));
    await flush();
    expect(seen).toEqual([[{ addr: 3, op: 'event', answer: 'door' }, false]]);
  });
});
