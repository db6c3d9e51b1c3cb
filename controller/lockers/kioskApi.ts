/**
 * The lockers as the kiosk's HTTP routes see them (controller/http/pointApi.ts): the compartments
 * view, pickup by code and the courier's drop-off one step per request. The drop-off session in
 * progress is held here and named by its id in every step, so a stale page (an ended or another
 * session) is refused instead of acting on someone else's session. Refusals carry the reason code
 * and the message key, never the code typed and never the English detail.
 */
import type { DropOffBody } from '../contract/kiosk/lockers.ts';
import type { DropOffOutcome, LockerRefusalView, PointApi, PickupOutcome } from '../http/pointApi.ts';
import type { DropOffSession, StepResult } from './dropOff.ts';
import type { Lockers } from './lockers.ts';
import { refused, type Refused } from './refusals.ts';

export type LockerKioskApi = Required<Pick<PointApi, 'lockers' | 'pickup' | 'dropOff'>>;

/** Keypad input is digits with optional spaces or hyphens; anything else came from a QR code. */
const KEYPAD_TEXT = /^[\d -]+$/;

export function lockerKioskApi(lockers: Lockers): LockerKioskApi {
  let session: DropOffSession | null = null;

  const active = (): DropOffSession | null => (session && session.state() !== 'ended' ? session : null);
  const named = (sessionId: string): DropOffSession | Refused => {
    const s = active();
    if (!s || s.sessionId !== sessionId) return refused('wrong-step', 'no drop-off session with this id is in progress');
    return s;
  };
  const stepOutcome = (s: DropOffSession, r: StepResult): DropOffOutcome => {
    const state = s.state();
    if (!r.ok) return { ...refusalView(r), sessionId: s.sessionId, state };
    return { ok: true, sessionId: s.sessionId, state, ...(r.compartment !== undefined ? { compartment: r.compartment } : {}) };
  };

  return {
    lockers: () => {
      const s = active();
      return {
        compartments: lockers.view(),
        dropOff: s ? { sessionId: s.sessionId, state: s.state(), compartment: s.compartment(), deposited: s.deposited() } : null,
      };
    },

    async pickup(code: string): Promise<PickupOutcome> {
      const r = await lockers.pickup(code, KEYPAD_TEXT.test(code) ? 'keypad' : 'qr');
      return r.ok ? { ok: true, compartment: r.compartment } : refusalView(r);
    },

    async dropOff(step: DropOffBody): Promise<DropOffOutcome> {
      if (step.step === 'start') {
        const started = lockers.startDropOff();
        if (!('sessionId' in started)) return refusalView(started);
        const r = started.credential(step.token);
        if (!r.ok) {
          started.cancel(); // a refused courier does not keep the point's one session busy
          return refusalView(r);
        }
        session = started;
        return stepOutcome(started, r);
      }
      const s = named(step.sessionId);
      if (!('sessionId' in s)) return refusalView(s);
      switch (step.step) {
        case 'reference':
          return stepOutcome(s, s.reference(step.reference));
        case 'size':
          return stepOutcome(s, await s.chooseSize(step.size));
        case 'cancel':
          return stepOutcome(s, s.cancel());
      }
    },
  };
}

function refusalView(r: Refused): LockerRefusalView {
  return {
    ok: false,
    reason: r.reason,
    messageKey: r.messageKey,
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: Math.max(0, Math.ceil(r.retryAfterMs)) } : {}),
    ...(r.offer !== undefined ? { offer: r.offer } : {}),
  };
}
