import type { CheckList } from './types.ts';

/**
 * `skip`: the check did not run (a flag or address it needs was not given); it proves nothing
 * and is counted apart, never as passed.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** why it failed, or why it was skipped; '' when passed */
  detail: string;
  ms: number;
}

export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export class CheckSkipped extends Error {
  override readonly name = 'CheckSkipped';
}

/** Assertion for checks: `check(cond, 'what was expected and what was seen')`. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailed(message);
}

/** Ends a check as SKIP: `skip('needs --allow-switch (really switches relay 1)')`. */
export function skip(reason: string): never {
  throw new CheckSkipped(reason);
}

/** Runs checks one after another (a bench board is one device); a failing check does not stop the others. */
export async function runCheckList(list: CheckList, opts: { timeoutMs?: number } = {}): Promise<CheckResult[]> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const results: CheckResult[] = [];
  try {
    await list.setup();
  } catch (err) {
    const detail = `setup failed: ${err instanceof Error ? err.message : String(err)}`;
    await list.teardown().catch(() => {});
    return list.checks.map((c) => ({ name: c.name, status: 'fail' as const, detail, ms: 0 }));
  }
  try {
    for (const c of list.checks) {
      const t0 = performance.now();
      const ms = () => Math.round(performance.now() - t0);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.run(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new CheckFailed(`did not finish within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        results.push({ name: c.name, status: 'pass', detail: '', ms: ms() });
      } catch (err) {
        const status = err instanceof CheckSkipped ? 'skip' : 'fail';
        results.push({ name: c.name, status, detail: err instanceof Error ? err.message : String(err), ms: ms() });
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await list.teardown();
  }
  return results;
}

export interface ResultCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countResults(results: CheckResult[]): ResultCounts {
  const n = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return { passed: n('pass'), failed: n('fail'), skipped: n('skip') };
}

/** Exit code of a run: 0 when nothing failed (skipped checks do not fail a run, the summary names them), else 1. */
export function exitCodeOf(results: CheckResult[]): number {
  return countResults(results).failed === 0 ? 0 : 1;
}

export function formatResults(protocol: string, results: CheckResult[]): string {
  const lines = results.map((r) => {
    const head = `${r.status.toUpperCase()}  ${r.name}`;
    if (r.status === 'pass') return `${head}  (${r.ms} ms)`;
    if (r.status === 'skip') return `${head}\n      not run: ${r.detail}`;
    return `${head}\n      ${r.detail}  (${r.ms} ms)`;
  });
  const c = countResults(results);
  let summary = `${protocol}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
  if (c.skipped > 0) summary += ` — skipped checks were NOT verified`;
  lines.push(summary);
  return lines.join('\n');
}
