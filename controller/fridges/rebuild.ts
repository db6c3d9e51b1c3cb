import type { FridgePayloads } from '../contract/events/fridges.ts';

/**
 * What the fridge feature keeps across a restart (kill -9, power cut), recomputed from its own
 * ledger events at start: blocks, applied corrective actions, the last crossing (whether the
 * fridge was above its limit, and since when) and when it last recorded anything.
 */

export interface BlockInfo {
  cause: 'breach' | 'gap-breach';
  since: number;
  readAt: number;
  tenths: number;
}

export interface RebuiltFridge {
  above: boolean;
  countingSince: number | null;
  block: BlockInfo | null;
  /** End of the last reading or gap on record (null: never recorded). */
  lastSeenAt: number | null;
}

interface StoredEvent {
  seq: number;
  type: string;
  at: number;
  data: Record<string, unknown>;
}

/** The ledger reads the rebuild needs (public Ledger methods). */
export interface FridgeLedgerReader {
  eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): StoredEvent[];
  latestEvent(type: string, where?: { field: string; equals: string | number }): StoredEvent | undefined;
}

const STATE_TYPES = ['fridge.crossed', 'fridge.blocked', 'fridge.corrective-action'] as const;
const PAGE = 1000;

export function rebuildFridges(ledger: FridgeLedgerReader, fridgeIds: readonly string[]): { fridges: Map<string, RebuiltFridge>; appliedActions: Set<string> } {
  const fridges = new Map<string, RebuiltFridge>(fridgeIds.map((id) => [id, { above: false, countingSince: null, block: null, lastSeenAt: null }]));
  const appliedActions = new Set<string>();
  let from = 1;
  for (;;) {
    const page = ledger.eventsOfTypes(STATE_TYPES, from, PAGE);
    for (const e of page) {
      const fridgeId = e.data['fridgeId'];
      if (e.type === 'fridge.corrective-action') {
        const d = e.data as FridgePayloads['fridge.corrective-action'];
        appliedActions.add(d.actionId);
        const f = fridges.get(d.fridgeId);
        if (f && d.lifted) {
          f.block = null;
          if (f.countingSince !== null) f.countingSince = e.at;
        }
        continue;
      }
      const f = typeof fridgeId === 'string' ? fridges.get(fridgeId) : undefined;
      if (!f) continue; // a fridge no longer in the profile
      if (e.type === 'fridge.crossed') {
        const d = e.data as FridgePayloads['fridge.crossed'];
        f.above = d.direction === 'above';
        f.countingSince = f.above && !d.inDefrost ? d.readAt : null;
      } else if (e.type === 'fridge.blocked') {
        const d = e.data as FridgePayloads['fridge.blocked'];
        f.block = { cause: d.cause, since: d.since, readAt: d.readAt, tenths: d.tenths };
      }
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1]!.seq + 1;
  }
  for (const [id, f] of fridges) {
    const readings = ledger.latestEvent('fridge.readings', { field: 'fridgeId', equals: id });
    const gap = ledger.latestEvent('fridge.gap', { field: 'fridgeId', equals: id });
    let last: number | null = null;
    if (readings) {
      const d = readings.data as FridgePayloads['fridge.readings'];
      last = d.firstAt + (d.offsetsMs[d.offsetsMs.length - 1] ?? 0);
    }
    if (gap) {
      const toAt = (gap.data as FridgePayloads['fridge.gap']).toAt;
      last = last === null ? toAt : Math.max(last, toAt);
    }
    f.lastSeenAt = last;
  }
  return { fridges, appliedActions };
}
