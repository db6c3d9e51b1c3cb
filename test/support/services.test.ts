import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, reachable, skipUnless, waitUntilReachable } from './services.ts';

describe('service probes', () => {
  it('skips a missing service with its message, but fails naming it when services are required', () => {
    expect(skipUnless(true, 'x missing', true)).toBeNull();
    expect(skipUnless(false, 'x missing', false)).toBe('x missing');
    expect(() => skipUnless(false, 'x missing', true)).toThrow(/x missing \(DORFPUNKT_REQUIRE_SERVICES=1\)/);
  });

  it('tells a listening port from a closed one', async () => {
    const port = await freePort();
    expect(await reachable(port)).toBe(false);
    await expect(waitUntilReachable(port, 150)).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}`));
    const srv = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    try {
      expect(await reachable(port)).toBe(true);
      await waitUntilReachable(port, 1000);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
