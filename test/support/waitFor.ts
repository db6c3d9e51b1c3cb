/**
 * The one polling wait of the tests (re-exported by fixture.ts). Free of vitest, so the benchmark
 * and conformance runners can use it too.
 */
export interface WaitOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'the condition'}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}
