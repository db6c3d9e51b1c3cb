import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTransition, INITIAL_STATE, transition, type CommandEvent, type CommandPolicy, type CommandState } from './lifecycle.ts';

const READ: CommandPolicy = { idempotent: true, maxAttempts: 3 };
const OPEN: CommandPolicy = { idempotent: false, maxAttempts: 3 };

const run = (events: CommandEvent['type'][], policy: CommandPolicy): CommandState =>
  events.reduce<CommandState>((s, type) => transition(s, { type } as CommandEvent, policy), INITIAL_STATE);

describe('command lifecycle (pure transition function)', () => {
  it('a reply completes an in-flight command', () => {
    expect(run(['written', 'reply-ok'], OPEN)).toEqual({ phase: 'succeeded', attempts: 1 });
    const step = createTransition(OPEN);
    expect(step(step(INITIAL_STATE, { type: 'written' }), { type: 'reply-ok' })).toEqual({ phase: 'succeeded', attempts: 1 });
  });

  it('a read that times out is retried up to maxAttempts, then fails with timeout', () => {
    expect(run(['written', 'timeout'], READ)).toEqual({ phase: 'retry-wait', attempts: 1, last: 'timeout' });
    expect(run(['written', 'timeout', 'retry-due'], READ)).toEqual({ phase: 'queued', attempts: 1 });
    expect(run(['written', 'timeout', 'retry-due', 'written', 'reply-busy'], READ).phase).toBe('retry-wait');
    expect(run(['written', 'timeout', 'retry-due', 'written', 'timeout', 'retry-due', 'written', 'timeout'], READ)).toEqual({
      phase: 'failed',
      attempts: 3,
      reason: 'timeout',
      written: true,
    });
  });

  it('an open that times out fails at once, marked as written (caller must read back)', () => {
    expect(run(['written', 'timeout'], OPEN)).toEqual({ phase: 'failed', attempts: 1, reason: 'timeout', written: true });
    expect(run(['written', 'reply-busy'], OPEN)).toEqual({ phase: 'failed', attempts: 1, reason: 'busy', written: true });
  });

  it('typed failure reasons: nak, bad-reply, link-down, cancelled, invalid-argument', () => {
    expect(run(['written', 'reply-nak'], READ)).toMatchObject({ phase: 'failed', reason: 'nak' });
    expect(run(['written', 'reply-bad'], OPEN)).toMatchObject({ phase: 'failed', reason: 'bad-reply' });
    expect(run(['link-down'], OPEN)).toEqual({ phase: 'failed', attempts: 0, reason: 'link-down', written: false });
    expect(run(['written', 'cancel'], OPEN)).toMatchObject({ phase: 'failed', reason: 'cancelled', written: true });
    expect(run(['invalid'], OPEN)).toEqual({ phase: 'failed', attempts: 0, reason: 'invalid-argument', written: false });
  });

  it('late events after a terminal state change nothing', () => {
    const failed = run(['written', 'timeout'], OPEN);
    for (const type of ['reply-ok', 'written', 'retry-due', 'timeout'] as const) {
      expect(transition(failed, { type }, OPEN)).toBe(failed);
    }
  });

  it('a non-idempotent command is written at most once, whatever events arrive (property)', () => {
    const eventTypes: CommandEvent['type'][] = [
      'written',
      'reply-ok',
      'reply-busy',
      'reply-nak',
      'reply-bad',
      'timeout',
      'link-down',
      'cancel',
      'invalid',
      'retry-due',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...eventTypes), { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (events, maxAttempts) => {
        let s: CommandState = INITIAL_STATE;
        let writes = 0;
        for (const type of events) {
          const next = transition(s, { type } as CommandEvent, { idempotent: false, maxAttempts });
          if (next.phase === 'in-flight' && s.phase === 'queued') writes++;
          s = next;
        }
        expect(writes).toBeLessThanOrEqual(1);
        let r: CommandState = INITIAL_STATE;
        let readWrites = 0;
        for (const type of events) {
          const next = transition(r, { type } as CommandEvent, { idempotent: true, maxAttempts });
          if (next.phase === 'in-flight' && r.phase === 'queued') readWrites++;
          r = next;
        }
        expect(readWrites).toBeLessThanOrEqual(maxAttempts);
      }),
      { seed: 20261121, numRuns: 2000 },
    );
  });
});
