import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { AlarmSink } from '../../alarms/alarms.ts';

/**
 * The door's alarms on the point's one alarm model (controller/alarms). The door keeps recording
 * its own facts (`alarm.held-open`, `alarm.forced-open`, `alarm.cleared {alarm,cause}`,
 * `alarm.fire`, `alarm.fire-cleared`, v1 of the catalogue); each of them is translated here into
 * a raise or clear of one alarm-model key. The alarm model never stops the door: a failure is
 * logged and the door goes on.
 */

/** The alarm-model keys of the door's alarms. */
export const DOOR_ALARM_KEYS = { 'held-open': 'door:held-open', 'forced-open': 'door:forced-open', fire: 'door:fire' } as const;

export function passToAlarmModel(alarms: AlarmSink, type: string, data: Record<string, unknown>, heldOpenAfterMs: number, logger: Logger): void {
  try {
    switch (type) {
      case 'alarm.held-open':
        alarms.raise(DOOR_ALARM_KEYS['held-open'], {
          source: 'door',
          kind: 'held-open',
          severity: 'warning',
          reason: `door held open longer than ${Math.round(heldOpenAfterMs / 1000)} s`,
        });
        break;
      case 'alarm.forced-open':
        alarms.raise(DOOR_ALARM_KEYS['forced-open'], {
          source: 'door',
          kind: 'forced-open',
          severity: 'critical',
          reason: 'door opened without a grant (forced)',
        });
        break;
      case 'alarm.fire':
        alarms.raise(DOOR_ALARM_KEYS.fire, { source: 'door', kind: 'fire', severity: 'critical', reason: 'fire alarm input active: escape door released' });
        break;
      case 'alarm.fire-cleared':
        alarms.clear(DOOR_ALARM_KEYS.fire, 'fire alarm input off');
        break;
      case 'alarm.cleared': {
        const which = data['alarm'];
        if (which === 'held-open' || which === 'forced-open') {
          alarms.clear(DOOR_ALARM_KEYS[which], data['cause'] === 'fire' ? 'fire alarm took over' : 'door closed');
        }
        break;
      }
      case 'door.closed':
        // also ends an alarm left open by a previous run while the door stayed open across the restart
        alarms.clear(DOOR_ALARM_KEYS['held-open'], 'door closed');
        alarms.clear(DOOR_ALARM_KEYS['forced-open'], 'door closed');
        break;
    }
  } catch (err) {
    logger.error({ err, type }, 'door: passing an alarm to the alarm model failed');
  }
}

/** At start: door alarms still open from before a restart (kill -9) whose condition the inputs no longer show. */
export function clearStaleDoorAlarms(alarms: AlarmSink, inputs: { contactOpen: boolean; fire: boolean }, logger: Logger): void {
  try {
    if (!inputs.contactOpen) {
      alarms.clear(DOOR_ALARM_KEYS['held-open'], 'door closed at start');
      alarms.clear(DOOR_ALARM_KEYS['forced-open'], 'door closed at start');
    }
    if (!inputs.fire) alarms.clear(DOOR_ALARM_KEYS.fire, 'fire alarm input off at start');
  } catch (err) {
    logger.error({ err }, 'door: clearing stale alarms failed');
  }
}
