/**
 * The lifecycle of one command, as a pure transition function (the zwave-js lesson: byte-level
 * lifecycles are small pure functions plus a queue, not state-machine actors).
 *
 *   queued ──written──▶ in-flight ──reply-ok──▶ succeeded
 *     ▲  │                  │  timeout / busy / bad-reply
 *     │  │                  ├── idempotent and attempts left ──▶ retry-wait ─┐
 *     │  │                  └── otherwise ──▶ failed(reason)                 │
 *     │  └── link-down / cancel / invalid ──▶ failed                         │
 *     └──────────────────────────── retry-due ────────────────────────────────┘
 *
 * Non-idempotent commands (a lock "open") are written at most once: no event ever leads from
 * in-flight back to a second write. `written` on the failed state says whether the bytes may
 * have reached the device, which is what a caller needs to decide on a read-back.
 */
export type FailureReason = 'timeout' | 'busy' | 'nak' | 'link-down' | 'bad-reply' | 'cancelled' | 'invalid-argument';

export const FAILURE_REASONS: readonly FailureReason[] = ['timeout', 'busy', 'nak', 'link-down', 'bad-reply', 'cancelled', 'invalid-argument'];

export type CommandState =
  /** ready to be written; attempts > 0 means this is a retry */
  | { phase: 'queued'; attempts: number }
  | { phase: 'in-flight'; attempts: number }
  | { phase: 'retry-wait'; attempts: number; last: FailureReason }
  | { phase: 'succeeded'; attempts: number }
  | { phase: 'failed'; attempts: number; reason: FailureReason; written: boolean };

export type CommandEvent =
  /** bytes handed to the link (a new attempt) */
  | { type: 'written' }
  | { type: 'reply-ok' }
  | { type: 'reply-busy' }
  | { type: 'reply-nak' }
  | { type: 'reply-bad' }
  | { type: 'timeout' }
  | { type: 'link-down' }
  | { type: 'cancel' }
  | { type: 'invalid' }
  | { type: 'retry-due' };

export interface CommandPolicy {
  /** Safe to send again (reads). Never true for a lock open. */
  idempotent: boolean;
  /** Total attempts allowed for idempotent commands (>= 1). Ignored otherwise (always 1). */
  maxAttempts: number;
}

export const INITIAL_STATE: CommandState = { phase: 'queued', attempts: 0 };

export function isTerminal(s: CommandState): s is Extract<CommandState, { phase: 'succeeded' | 'failed' }> {
  return s.phase === 'succeeded' || s.phase === 'failed';
}

/** The session writes the frame exactly when the state is `queued`. */
export function shouldWrite(s: CommandState): boolean {
  return s.phase === 'queued';
}

/** The `(state, event) => state` form with the policy bound (one per command). */
export function createTransition(policy: CommandPolicy): (state: CommandState, event: CommandEvent) => CommandState {
  return (state, event) => transition(state, event, policy);
}

const RETRYABLE: ReadonlySet<FailureReason> = new Set(['timeout', 'busy', 'bad-reply']);

export function transition(state: CommandState, event: CommandEvent, policy: CommandPolicy): CommandState {
  if (isTerminal(state)) return state; // late events (a reply after a timeout) change nothing
  const written = state.attempts > 0;
  const fail = (reason: FailureReason, w = written): CommandState => ({ phase: 'failed', attempts: state.attempts, reason, written: w });

  switch (event.type) {
    case 'cancel':
      return fail('cancelled');
    case 'link-down':
      return fail('link-down');
    case 'invalid':
      return state.phase === 'queued' && state.attempts === 0 ? fail('invalid-argument', false) : state;
    case 'written':
      return state.phase === 'queued' ? { phase: 'in-flight', attempts: state.attempts + 1 } : state;
    case 'retry-due':
      // the only way back to a write; reachable only through retry-wait, i.e. idempotent commands
      return state.phase === 'retry-wait' ? { phase: 'queued', attempts: state.attempts } : state;
    case 'reply-ok':
      return state.phase === 'in-flight' ? { phase: 'succeeded', attempts: state.attempts } : state;
    case 'reply-nak':
      return state.phase === 'in-flight' ? fail('nak') : state;
    case 'reply-busy':
    case 'reply-bad':
    case 'timeout': {
      if (state.phase !== 'in-flight') return state;
      const reason: FailureReason = event.type === 'reply-busy' ? 'busy' : event.type === 'reply-bad' ? 'bad-reply' : 'timeout';
      const maxAttempts = policy.idempotent ? Math.max(1, Math.floor(policy.maxAttempts)) : 1;
      if (policy.idempotent && RETRYABLE.has(reason) && state.attempts < maxAttempts) {
        return { phase: 'retry-wait', attempts: state.attempts, last: reason };
      }
      return fail(reason);
    }
    default:
      return state; // unknown events (from untyped callers) change nothing
  }
}
