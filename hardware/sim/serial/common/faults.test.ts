import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../firmware-bridge/platform/clock.ts';
import { createMemoryLinkPair } from '../../../../firmware-bridge/transport/memoryLink.ts';
import { createSeededRandom, FaultPlan, sendReply } from './faults.ts';

const flush = async (n = 6) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

async function wire() {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ clock });
  await pair.device.start();
  await pair.host.start();
  const got: Buffer[] = [];
  pair.host.onData((c) => got.push(Buffer.from(c)));
  return { clock, pair, got };
}

describe('fault plumbing for simulators', () => {
  it('FaultPlan: first matching rule wins, counts down, Infinity persists until clear', () => {
    const plan = new FaultPlan<{ op: string }>();
    plan.set({ kind: 'busy' }, { when: (c) => c.op === 'open' }).set({ kind: 'no-reply' }, { times: Infinity });
    expect(plan.take({ op: 'read' })?.kind).toBe('no-reply');
    expect(plan.take({ op: 'open' })?.kind).toBe('busy');
    expect(plan.take({ op: 'open' })?.kind).toBe('no-reply');
    plan.clear();
    expect(plan.take({ op: 'open' })).toBeUndefined();
  });

  it('late reply waits on the injected clock; split frames arrive in the given pieces', async () => {
    const { clock, pair, got } = await wire();
    const ctx = { link: pair.device, clock, random: createSeededRandom(1) };
    void sendReply(Buffer.from([1, 2, 3]), { kind: 'late-reply', delayMs: 500 }, ctx);
    await flush();
    clock.advance(499);
    await flush();
    expect(got).toEqual([]);
    clock.advance(1);
    await flush();
    expect(got).toEqual([Buffer.from([1, 2, 3])]);
    got.length = 0;
    const done = sendReply(Buffer.from([1, 2, 3, 4, 5]), { kind: 'split-frames', chunkSizes: [2, 1], gapMs: 10 }, ctx);
    for (let i = 0; i < 5; i++) {
      await flush();
      clock.advance(10);
    }
    await done;
    await flush();
    expect(got).toEqual([Buffer.from([1, 2]), Buffer.from([3]), Buffer.from([4]), Buffer.from([5])]);
  });

  it('bad checksum corrupts the last byte; garbage burst precedes the reply; cable pulled cuts it and unplugs', async () => {
    const { clock, pair, got } = await wire();
    const ctx = { link: pair.device, clock, random: createSeededRandom(1), cable: pair };
    await sendReply(Buffer.from([1, 2, 3]), { kind: 'bad-checksum' }, ctx);
    await sendReply(Buffer.from([9]), { kind: 'garbage-burst', bytes: Uint8Array.from([7, 7]) }, ctx);
    await flush();
    expect(Buffer.concat(got)).toEqual(Buffer.from([1, 2, 0xfc, 7, 7, 9]));
    got.length = 0;
    await sendReply(Buffer.from([1, 2, 3, 4]), { kind: 'cable-pulled', afterBytes: 2, plugBackAfterMs: 100 }, ctx);
    await flush();
    expect(Buffer.concat(got)).toEqual(Buffer.from([1, 2]));
    expect(pair.plugged).toBe(false);
    expect(pair.host.status.state).toBe('reconnecting');
    clock.advance(100);
    expect(pair.plugged).toBe(true);
  });
});
