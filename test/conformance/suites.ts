import { kerongConformanceSuite } from './lockBoardSuite.ts';
import { modbusConformanceSuite } from './modbusSuite.ts';
import { ioBoardConformanceSuite } from './ioBoardSuite.ts';
import type { ConformanceSuite } from './types.ts';

/**
 * Every conformance suite the CLI knows, by `--protocol`. To add one: export a
 * `ConformanceSuite` from your suite file and append it here.
 */
export const CONFORMANCE_SUITES: ConformanceSuite[] = [kerongConformanceSuite, modbusConformanceSuite, ioBoardConformanceSuite];

export function findSuite(protocol: string, suites: ConformanceSuite[] = CONFORMANCE_SUITES): ConformanceSuite {
  const s = suites.find((x) => x.protocol === protocol);
  if (!s) throw new Error(`unknown protocol "${protocol}" (known: ${suites.map((x) => x.protocol).join(', ')})`);
  return s;
}
