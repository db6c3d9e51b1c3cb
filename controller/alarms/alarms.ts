import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import { alarmEvents, type AlarmPayloads, type AlarmSeverity, type AlarmSource } from '../contract/events/alarms.ts';

/**
 * The point's one alarm model: every feature raises and clears its alarms here, operators
 * acknowledge them. Each transition is a ledger event (`alarm.raised`, `alarm.acknowledged`,
 * `alarm.cleared`, controller/contract/events/alarms.ts), so alarms sync like every other fact
 * and the open set is rebuilt from the ledger at start (a kill -9 loses nothing).
 *
 * A key is one alarm condition. Raising an open key writes nothing (features may re-raise on
 * every check or after a restart); clearing a key that is not open writes nothing.
 */

export type AlarmSourceName = Static<typeof AlarmSource>;
export type AlarmSeverityName = Static<typeof AlarmSeverity>;

export interface AlarmSpec {
  source: AlarmSourceName;
  /** What kind of alarm, lower-case dashed (`temperature`, `probe-lost`, `held-open`). */
  kind: string;
  severity: AlarmSeverityName;
  /** Why, in plain words for the operator. */
  reason: string;
  /** When the condition started (epoch ms); default now. */
  since?: number;
  detail?: Record<string, string | number | boolean | null>;
}

/** What features (door, lockers, fridges, brute-force limiter) depend on: raise and clear only. */
export interface AlarmSink {
  /** Open the alarm `key` (idempotent while open). Throws AlarmInputError for a malformed key or spec. */
  raise(key: string, spec: AlarmSpec): void;
  /** Close the alarm `key` (nothing happens when it is not open). */
  clear(key: string, reason: string): void;
  /** Whether `key` is open (a feature restarting after kill -9 learns which of its alarms are still open). */
  isOpen(key: string): boolean;
}

export interface OpenAlarm {
  key: string;
  source: AlarmSourceName;
  kind: string;
  severity: AlarmSeverityName;
  reason: string;
  since: number;
  detail?: Record<string, string | number | boolean | null>;
  /** Ledger seq of the `alarm.raised` event (0 when it could not be recorded). */
  seq: number;
  acknowledged: { by: string; note?: string } | null;
}

/** The part of the ledger the alarms need. */
export interface AlarmLedger {
  append(type: string, data: Record<string, unknown>): { seq: number };
  eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): Array<{ seq: number; type: string; data: Record<string, unknown> }>;
}

export interface AlarmsDeps {
  clock: Clock;
  logger: Logger;
  ledger: AlarmLedger;
}

export class AlarmInputError extends Error {
  override readonly name = 'AlarmInputError';
}

export interface Alarms extends AlarmSink {
  /** Rebuild the open alarms from the ledger. Call before any feature raises. */
  start(): void;
  stop(): void;
  /** Acknowledge an open alarm; false when the key is not open or already acknowledged. */
  acknowledge(key: string, by: string, note?: string): boolean;
  /** Open alarms, critical first, then oldest first. */
  open(): OpenAlarm[];
  onChange(listener: (open: readonly OpenAlarm[]) => void): () => void;
}

const TYPES = ['alarm.raised', 'alarm.acknowledged', 'alarm.cleared'] as const;
const raisedCheck = Compile(alarmEvents['alarm.raised'].versions[0]);
const ackCheck = Compile(alarmEvents['alarm.acknowledged'].versions[0]);
const clearedCheck = Compile(alarmEvents['alarm.cleared'].versions[1]);
const RANK: Record<AlarmSeverityName, number> = { critical: 0, warning: 1, info: 2 };
const PAGE = 1000;

export function createAlarms(deps: AlarmsDeps): Alarms {
  const logger = deps.logger.child({ module: 'alarms' });
  const byKey = new Map<string, OpenAlarm>();
  const listeners = new Set<(open: readonly OpenAlarm[]) => void>();
  let started = false;

  const list = (): OpenAlarm[] => [...byKey.values()].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.since - b.since || a.seq - b.seq);

  const notify = (): void => {
    const snapshot = list();
    for (const l of [...listeners]) {
      try {
        l(snapshot);
      } catch (err) {
        logger.error({ err }, 'alarms: change listener threw');
      }
    }
  };

  /** Append; a failed write (disk full) is logged and the alarm still shows in memory: an alarm must not vanish. */
  const record = (type: string, data: Record<string, unknown>): number => {
    try {
      return deps.ledger.append(type, data).seq;
    } catch (err) {
      logger.error({ err, type, key: data['key'] }, 'alarms: recording failed; the alarm is kept in memory only');
      return 0;
    }
  };

  const requireStarted = (what: string): void => {
    if (!started) throw new AlarmInputError(`alarms.${what} before alarms.start(): start the alarm model before the features that raise`);
  };

  const apply = (type: string, data: Record<string, unknown>, seq: number): void => {
    if (type === 'alarm.raised' && raisedCheck.Check(data)) {
      const d = data as AlarmPayloads['alarm.raised'];
      if (!byKey.has(d.key)) byKey.set(d.key, { ...d, seq, acknowledged: null });
    } else if (type === 'alarm.acknowledged' && ackCheck.Check(data)) {
      const d = data as AlarmPayloads['alarm.acknowledged'];
      const a = byKey.get(d.key);
      if (a) a.acknowledged = d.note === undefined ? { by: d.by } : { by: d.by, note: d.note };
    } else if (type === 'alarm.cleared' && clearedCheck.Check(data)) {
      byKey.delete((data as AlarmPayloads['alarm.cleared']).key);
    }
    // anything else (the door's pre-model alarm.cleared v1, a malformed payload) opens nothing
  };

  return {
    start() {
      if (started) return;
      byKey.clear();
      let from = 1;
      for (;;) {
        const page = deps.ledger.eventsOfTypes(TYPES, from, PAGE);
        for (const e of page) apply(e.type, e.data, e.seq);
        if (page.length < PAGE) break;
        from = page[page.length - 1]!.seq + 1;
      }
      started = true;
      if (byKey.size > 0) logger.info({ open: [...byKey.keys()] }, 'alarms: open alarms rebuilt from the ledger');
      notify();
    },

    stop() {
      started = false;
      listeners.clear();
    },

    raise(key, spec) {
      requireStarted('raise');
      const data: Record<string, unknown> = {
        key,
        source: spec.source,
        kind: spec.kind,
        severity: spec.severity,
        reason: spec.reason,
        since: Math.trunc(spec.since ?? deps.clock.now()),
      };
      if (spec.detail !== undefined) data['detail'] = spec.detail;
      if (!raisedCheck.Check(data)) {
        throw new AlarmInputError(
          `alarm ${JSON.stringify(key)} refused: ${schemaProblems(alarmEvents['alarm.raised'].versions[0], data).slice(0, 3).join('; ')}`,
        );
      }
      if (byKey.has(key)) return;
      const seq = record('alarm.raised', data);
      apply('alarm.raised', data, seq);
      logger.warn({ key, severity: spec.severity, reason: spec.reason }, 'alarm raised');
      notify();
    },

    clear(key, reason) {
      requireStarted('clear');
      if (!byKey.has(key)) return;
      const data = { v: 2, key, reason };
      if (!clearedCheck.Check(data)) throw new AlarmInputError(`clearing alarm ${JSON.stringify(key)} refused: reason must be 1..500 characters`);
      record('alarm.cleared', data);
      apply('alarm.cleared', data, 0);
      logger.info({ key, reason }, 'alarm cleared');
      notify();
    },

    acknowledge(key, by, note) {
      requireStarted('acknowledge');
      const a = byKey.get(key);
      if (!a || a.acknowledged) return false;
      const data: Record<string, unknown> = note === undefined ? { key, by } : { key, by, note };
      if (!ackCheck.Check(data))
        throw new AlarmInputError(
          `acknowledging alarm ${JSON.stringify(key)} refused: ${schemaProblems(alarmEvents['alarm.acknowledged'].versions[0], data).join('; ')}`,
        );
      record('alarm.acknowledged', data);
      apply('alarm.acknowledged', data, 0);
      notify();
      return true;
    },

    open: list,
    isOpen: (key) => byKey.has(key),

    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
