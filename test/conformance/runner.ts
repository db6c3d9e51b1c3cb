import type { CheckList } from './types.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** Assertion for checks: `check(cond, 'what was expected and what was seen')`. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailed(message);
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
    return list.checks.map((c) => ({ name: c.name, ok: false, detail, ms: 0 }));
  }
  try {
    for (const c of list.checks) {
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.run(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new CheckFailed(`did not finish within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        results.push({ name: c.name, ok: true, detail: '', ms: Math.round(performance.now() - t0) });
      } catch (err) {
        results.push({ name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err), ms: Math.round(performance.now() - t0) });
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await list.teardown();
  }
  return results;
}

export function formatResults(protocol: string, results: CheckResult[]): string {
  const lines = results.map((r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n      ${r.detail}`}  (${r.ms} ms)`);
  const failed = results.filter((r) => !r.ok).length;
  lines.push(`${protocol}: ${results.length - failed}/${results.length} checks passed`);
  return lines.join('\n');
}
