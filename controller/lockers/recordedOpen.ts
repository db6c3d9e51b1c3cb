/**
 * One compartment open with the ledger first (DESIGN principle 1), moved here from
 * HardwareStatus: `locker.open-requested` is recorded before any byte goes to the board — if
 * that record fails, nothing is sent and the open is refused — then the driver's truth as
 * `locker.opened` / `locker.not-opened` (also for a refusal) / `locker.open-unknown`, each with
 * compartment, board, lock and detail. The driver is called exactly once.
 */
import type { RecordFn } from '../ledger/recorder.ts';
import type { EventType } from '../contract/events/index.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { CompartmentOpenResult } from '../../hardware/boards/lockers.ts';
import type { LockerHardware } from './ports.ts';

export interface RecordedOpenDeps {
  hardware: Pick<LockerHardware, 'compartments' | 'openCompartment'>;
  record: RecordFn;
  logger: Logger;
}

export async function recordedOpen(
  deps: RecordedOpenDeps,
  id: string,
  meta: { requestId?: string; purpose?: 'drop-off' | 'pickup' | 'remote' | 'other' } = {},
): Promise<CompartmentOpenResult> {
  const c = deps.hardware.compartments().find((x) => x.id === id);
  const where = { compartment: String(id), board: c?.board ?? null, lock: c?.lock ?? null };
  const tag = meta.requestId !== undefined ? { requestId: meta.requestId } : {};
  try {
    deps.record('locker.open-requested', { ...where, ...tag, ...(meta.purpose ? { purpose: meta.purpose } : {}) });
  } catch (err) {
    deps.logger.error({ err, ...where }, 'could not record a locker open request; not opening');
    return { result: 'refused', compartment: where.compartment, detail: `ledger unavailable, compartment not opened: ${(err as Error).message}` };
  }
  const outcome = (type: EventType, data: Record<string, unknown>): void => {
    try {
      deps.record(type, { ...where, ...data, ...tag });
    } catch (err) {
      // the lock did what it did; the result still goes to the caller
      deps.logger.error({ err, type, compartment: where.compartment }, 'could not record a locker open outcome');
    }
  };
  let result: CompartmentOpenResult;
  try {
    result = await deps.hardware.openCompartment(id);
  } catch (err) {
    outcome('locker.open-unknown', { reason: 'error', detail: (err as Error).message });
    throw err;
  }
  if (result.result === 'opened') outcome('locker.opened', { confirmedBy: result.confirmedBy, detail: `confirmed by ${result.confirmedBy}` });
  else if (result.result === 'unknown') outcome('locker.open-unknown', { reason: result.reason, detail: result.detail });
  else if (result.result === 'not-opened') outcome('locker.not-opened', { reason: result.reason, detail: result.detail });
  else outcome('locker.not-opened', { reason: 'refused', detail: result.detail });
  return result;
}
