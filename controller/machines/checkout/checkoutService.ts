/**
 * The kiosk checkout of one point: starts sales, routes remote age decisions to their sale,
 * and reconciles at start what a crash left unfinished (reconcile.ts). Build it with
 * `createCheckout(deps)`, call `reconcile()` once before the kiosk takes sales.
 */
import { randomUUID } from 'node:crypto';
import type { PaymentProvider } from '../../payments/ports.ts';
import { DEFAULT_CHECKOUT_TIMING } from './checkoutMachine.ts';
import { CheckoutSession, type RemoteDecision, type Result, type SessionEnv } from './checkoutSession.ts';
import { NO_FISCAL_SIGNER, type CheckoutDeps } from './ports.ts';
import { reconcile, type ReconcileReport } from './reconcile.ts';
import { refuse } from './refusals.ts';
import { SaleBook, type PaymentRecord } from './saleBook.ts';

export interface CheckoutService {
  /** Finish what a crash left: every unfinished sale is committed or its payment voided, once (`awaiting`: see reconcile.ts). */
  reconcile(awaiting?: (p: PaymentRecord) => boolean): Promise<ReconcileReport>;
  begin(): CheckoutSession;
  session(saleId: string): CheckoutSession | undefined;
  /** An operator's answer to a remote age check (from the backoffice, via the downlink command). */
  remoteAgeDecision(decision: unknown): Result;
  close(): void;
}

export const DEFAULT_REMOTE_AGE_MS = 90_000;
export const DEFAULT_MAX_PIN_ATTEMPTS = 3;
/** A capture or void the provider could not take is tried again after this long. */
export const DEFAULT_RETRY_MS = 15_000;

export function createCheckout(deps: CheckoutDeps): CheckoutService {
  const providers = new Map<string, PaymentProvider>([[deps.providers.card.name, deps.providers.card]]);
  if (deps.providers.account) providers.set(deps.providers.account.name, deps.providers.account);
  if (deps.providers.phone) providers.set(deps.providers.phone.name, deps.providers.phone);
  const logger = deps.logger.child({ component: 'checkout' });
  const env: SessionEnv = {
    deps,
    settle: {
      ledger: deps.ledger,
      provider: (name) => providers.get(name),
      fiscal: deps.fiscal ?? NO_FISCAL_SIGNER,
      logger,
      probe: deps.probe ?? (() => {}),
    },
    timing: {
      ...DEFAULT_CHECKOUT_TIMING,
      remoteAgeMs: DEFAULT_REMOTE_AGE_MS,
      maxPinAttempts: DEFAULT_MAX_PIN_ATTEMPTS,
      retryMs: DEFAULT_RETRY_MS,
      ...deps.timing,
    },
    newId: deps.newId ?? randomUUID,
    checks: new Map(),
  };
  const sessions = new Map<string, CheckoutSession>();

  return {
    async reconcile(awaiting) {
      // sales this process still holds (a finished one may still be voiding in the background)
      const live = new Set(sessions.keys());
      return reconcile(env.settle, SaleBook.fromLedger(deps.ledger), live, awaiting);
    },

    begin() {
      const s = new CheckoutSession(env, env.newId());
      sessions.set(s.saleId, s);
      for (const [id, old] of sessions) {
        if (id === s.saleId || !['done', 'aborted'].includes(old.state())) continue;
        sessions.delete(id);
        // its remote checks go too: a late answer is then refused as unknown
        for (const [checkId, c] of env.checks) if (c.session === old) env.checks.delete(checkId);
      }
      return s;
    },

    session: (saleId) => sessions.get(saleId),

    remoteAgeDecision(decision) {
      const d = decision as Partial<RemoteDecision> | null;
      if (
        typeof d !== 'object' ||
        d === null ||
        typeof d.checkId !== 'string' ||
        typeof d.saleId !== 'string' ||
        typeof d.approved !== 'boolean' ||
        typeof d.operator !== 'string' ||
        d.operator.length === 0 ||
        d.operator.length > 200
      ) {
        return refuse('age-approval-unknown', 'malformed decision');
      }
      const check = env.checks.get(d.checkId);
      if (!check) return refuse('age-approval-unknown', `no open age check ${d.checkId}`);
      if (check.session.saleId !== d.saleId) return refuse('age-approval-other-sale', `check ${d.checkId} belongs to another sale`);
      if (check.expired) return refuse('age-approval-expired', `check ${d.checkId} passed its deadline`);
      if (check.decided) return refuse('age-approval-replayed', `check ${d.checkId} was already decided`);
      return check.session.remoteDecided(d as RemoteDecision);
    },

    close() {
      for (const s of sessions.values()) s.stop();
      sessions.clear();
    },
  };
}
