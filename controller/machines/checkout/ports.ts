/**
 * What the checkout needs from the rest of the point, as narrow ports (the composition root
 * passes the real Ledger, Catalog, Fridges, providers; tests pass the same real objects or fakes).
 */
import type { Clock } from '../../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { EventPayload, EventType } from '../../contract/events/index.ts';
import type { CredentialRecord } from '../../ledger/state/repos.ts';
import type { LedgerEvent } from '../../ledger/types.ts';
import type { PaymentProvider } from '../../payments/ports.ts';
import type { CheckoutTiming } from './checkoutMachine.ts';

/** The ledger, structurally (controller/ledger/ledger.ts). */
export interface SalesLedger {
  append<T extends EventType>(type: T, data: EventPayload<T>): LedgerEvent;
  appendMany(entries: ReadonlyArray<{ type: EventType; data: Record<string, unknown> }>): LedgerEvent[];
  eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): LedgerEvent[];
  state: { cardCredential(cardUid: string): CredentialRecord | undefined };
}

/** A remote age check: the request reaches the backoffice; an operator answers through `CheckoutService.remoteAgeDecision`. */
export interface RemoteAgePort {
  request(req: { saleId: string; checkId: string; requiredAge: 16 | 18; deadlineAt: number }): void;
}

/** A girocard/eID age terminal (port only: no terminal is wired yet). */
export interface AgeTerminal {
  verify(req: { saleId: string; checkId: string; requiredAge: 16 | 18 }): Promise<{ passed: boolean; reason: string }>;
}

/**
 * The fiscal module's place between payment and receipt (KassenSichV TSE, a later issue).
 * Called once per committed sale, also for sales completed by reconciliation.
 */
export interface FiscalSigner {
  readonly name: string;
  sign(sale: { saleId: string; totalCents: number; committedSeq: number }): Promise<{ signature: string | null }>;
}

export const NO_FISCAL_SIGNER: FiscalSigner = { name: 'none', sign: async () => ({ signature: null }) };

/**
 * Fault injection for the crash tests: called at every step boundary; a test makes it throw to
 * abandon the controller right there, as a `kill -9` would. Production passes nothing.
 */
export type CrashProbe = (step: CrashStep) => void;
export type CrashStep =
  | 'payment-started'
  | 'provider-started'
  | 'payment-pending'
  | 'authorised'
  | 'captured-call'
  | 'captured'
  | 'committed'
  | 'signed'
  | 'abort-recorded'
  | 'voided-call';

export interface Providers {
  card: PaymentProvider;
  /** The member account provider (payments/memberAccount.ts); absent = no account payments. */
  account?: PaymentProvider;
  /** Pay by phone (payments/payByPhone.ts); absent = not offered. */
  phone?: PaymentProvider;
}

export interface CheckoutDeps {
  ledger: SalesLedger;
  catalog: Catalog;
  fridges: { isBlocked(fridgeId: string): boolean };
  providers: Providers;
  clock: Clock;
  logger: Logger;
  shop: { name: string; address: string[] };
  remoteAge?: RemoteAgePort;
  ageTerminal?: AgeTerminal;
  fiscal?: FiscalSigner;
  timing?: Partial<CheckoutTiming & { remoteAgeMs: number; maxPinAttempts: number; retryMs: number }>;
  newId?: () => string;
  probe?: CrashProbe;
}
