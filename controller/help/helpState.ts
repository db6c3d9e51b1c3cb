/**
 * The point's latest help request and whether an operator answered it, for the kiosk: a remote
 * door release (`door.remote-release`) after the latest `help.requested` answers it. Read from the
 * ledger at start (so a restart keeps it) and kept current from every appended event.
 */
import type { HelpRequestView, HelpViewData } from '../contract/kiosk/snapshot.ts';

/** Without an answer after this long the kiosk offers the phone number (or to try again). */
export const DEFAULT_ANSWER_WITHIN_MS = 3 * 60_000;

interface HelpLedgerEvent {
  seq: number;
  type: string;
  at: number;
  data: Record<string, unknown>;
}

export interface HelpStateDeps {
  ledger: {
    latestEvent(type: string): HelpLedgerEvent | undefined;
    onAppended(listener: (e: HelpLedgerEvent) => void): () => void;
  };
  /** The operators' phone number for the kiosk's fallback (controller config `help.phone`). */
  phone?: string | undefined;
  answerWithinMs?: number | undefined;
}

export interface HelpState {
  start(): void;
  stop(): void;
  view(): HelpViewData;
}

function operatorOf(e: HelpLedgerEvent): string | null {
  return typeof e.data['operator'] === 'string' ? e.data['operator'] : null;
}

export function createHelpState(deps: HelpStateDeps): HelpState {
  let request: HelpRequestView | null = null;
  let unsubscribe: (() => void) | undefined;
  const apply = (e: HelpLedgerEvent): void => {
    if (e.type === 'help.requested') request = { seq: e.seq, requestedAt: e.at, answeredAt: null, answeredBy: null };
    else if (e.type === 'door.remote-release' && request && request.answeredAt === null && e.seq > request.seq) {
      request = { ...request, answeredAt: e.at, answeredBy: operatorOf(e) };
    }
  };
  return {
    start() {
      if (unsubscribe) return;
      const requested = deps.ledger.latestEvent('help.requested');
      if (requested) {
        apply(requested);
        const release = deps.ledger.latestEvent('door.remote-release');
        // A release after the request answered it (after a restart: answeredAt is the latest such release).
        if (release && release.seq > requested.seq) apply(release);
      }
      unsubscribe = deps.ledger.onAppended(apply);
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
    view: () => ({ request, phone: deps.phone ?? null, answerWithinMs: deps.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS }),
  };
}
