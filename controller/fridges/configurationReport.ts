/**
 * The point tells the backoffice its fridges with their names and limits (`fridge.configured`),
 * so the fleet view shows each fridge's limit from the first sync, not only after it crossed it.
 * Written at start only when the configuration differs from the last such event in the ledger (no
 * event counts as "no fridges"), so restarts add nothing; a changed limit is on record from then.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FridgePayloads } from '../contract/events/fridges.ts';
import type { FridgeConfig } from './config.ts';

/** The ledger reads and writes the report needs (the fridges feature's ledger satisfies this). */
export interface ConfigurationLedger {
  append(type: string, data: Record<string, unknown>): unknown;
  latestEvent(type: string): { data: Record<string, unknown> } | undefined;
}

export function fridgeConfiguration(configs: readonly FridgeConfig[]): FridgePayloads['fridge.configured'] {
  return {
    fridges: configs.map((c) => ({
      fridgeId: c.id,
      name: c.name,
      productGroup: c.productGroup,
      limitTenths: c.limitTenths,
      hysteresisTenths: c.hysteresisTenths,
      alarmAfterMs: c.alarmAfterMs,
      blockAfterMs: c.blockAfterMs,
      defrost: c.defrost.map((w) => ({ start: w.start, minutes: w.minutes })),
    })),
  };
}

/** Appends `fridge.configured` when it differs from the ledger's last one; returns whether it did. */
export function reportFridgeConfiguration(ledger: ConfigurationLedger, configs: readonly FridgeConfig[]): boolean {
  const now = fridgeConfiguration(configs);
  const last = ledger.latestEvent('fridge.configured')?.data ?? { fridges: [] };
  if (isDeepStrictEqual(last, now)) return false;
  ledger.append('fridge.configured', now);
  return true;
}
