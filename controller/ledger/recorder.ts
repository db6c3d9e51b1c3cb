/**
 * The one way features write facts: the ledger's append behind two policies.
 *  - `record` (ledger first): throws when the ledger refuses or fails, so a flow that must not act
 *    unrecorded (opening a compartment, taking money) stops.
 *  - `tryRecord` (safety first): logs and returns undefined, so the door keeps working on a full
 *    disk; every failure is logged once with the event type.
 * Event types are the catalogue's (an unknown type does not compile); payloads are checked at run
 * time against the newest schema version by `Ledger.append` (nothing written on a mismatch).
 */
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { EventType } from '../contract/events/index.ts';
import type { LedgerEvent } from './types.ts';

/** Appends one event; returns its seq. */
export type RecordFn = (type: EventType, data: Record<string, unknown>) => number;
/** Appends one event; returns its seq, or undefined after logging a failure. */
export type TryRecordFn = (type: EventType, data: Record<string, unknown>) => number | undefined;

export interface Recorder {
  record: RecordFn;
  tryRecord: TryRecordFn;
}

export interface RecorderLedger {
  appendChecked(type: EventType, data: Record<string, unknown>): LedgerEvent;
}

export function createRecorder(ledger: RecorderLedger, logger: Logger): Recorder {
  const record: RecordFn = (type, data) => ledger.appendChecked(type, data).seq;
  return {
    record,
    tryRecord: (type, data) => {
      try {
        return record(type, data);
      } catch (err) {
        logger.error({ err, type }, 'recording an event failed');
        return undefined;
      }
    },
  };
}
