import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runClosers, useCleanup, waitFor } from './fixture.ts';

describe('useCleanup', () => {
  const order: string[] = [];
  let dir = '';
  describe('a test that deferred two closers and made a temp dir', () => {
    const { defer, tempDir } = useCleanup();
    it('registers them', () => {
      dir = tempDir('dp-fixture-');
      defer(() => order.push('point closed'));
      defer(async () => void order.push('second closer'));
      expect(fs.existsSync(dir)).toBe(true);
    });
  });
  it('ran the closers after that test, last registered first, and removed the temp dir', () => {
    expect(order).toEqual(['second closer', 'point closed']);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('runClosers', () => {
  it('runs every closer although one fails, logs each failure and rethrows the first', async () => {
    const ran: number[] = [];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const err = await runClosers([
        () => ran.push(1),
        () => {
          throw new Error('broker would not stop');
        },
        () => Promise.reject(new Error('second failure')),
        () => ran.push(4),
      ]).catch((e: unknown) => e);
      expect((err as Error).message).toBe('broker would not stop');
      expect(ran).toEqual([1, 4]);
      expect(logged).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
    }
  });
});

describe('waitFor', () => {
  it('names what it waited for when it times out', async () => {
    await expect(waitFor(() => false, { timeoutMs: 30, what: 'the door to open' })).rejects.toThrow('timed out after 30 ms waiting for the door to open');
  });

  it('resolves once an async condition holds', async () => {
    let n = 0;
    await waitFor(async () => ++n >= 3, { intervalMs: 1 });
    expect(n).toBe(3);
  });
});
