import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Link } from '../../firmware-bridge/transport/link.ts';

/**
 * Conformance suites: one per driver contract, run against simulators in CI (vitest) and
 * against a real board on a bench (`npm run conformance -- --port ...`). A check throws to
 * fail (use `check()` from runner.ts); its message is what the technician reads.
 */
export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
}

export interface CheckList {
  checks: ConformanceCheck[];
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

export interface SuiteTarget {
  /** a fresh, not yet started link to the device under test */
  makeLink(): Link;
  clock: Clock;
  logger: Logger;
  /** CLI flags (`--address 3` -> { address: '3' }, `--allow-open` -> { 'allow-open': true }) */
  args: Record<string, string | boolean>;
}

export interface ConformanceSuite {
  /** the `--protocol` value */
  protocol: string;
  description: string;
  /** flags the suite reads, for `--help` */
  options: Array<{ flag: string; help: string }>;
  /** throws a clear error on bad args */
  create(target: SuiteTarget): CheckList;
}
