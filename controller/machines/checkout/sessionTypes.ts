/** The shapes a checkout session hands out and shares with its service. */
import type { Receipt } from '../../receipts/receipt.ts';
import type { CheckoutStateName, CheckoutTiming, EndReason } from './checkoutMachine.ts';
import type { CheckoutDeps } from './ports.ts';
import type { SaleLine } from './pricing.ts';
import type { Refusal } from './refusals.ts';
import type { PaymentRecord } from './saleBook.ts';
import type { SettleContext } from './settle.ts';

export interface SaleView {
  saleId: string;
  state: CheckoutStateName;
  lines: SaleLine[];
  totalCents: number;
  requiredAge: 0 | 16 | 18;
  agePassed: boolean;
  payment: { paymentId: string; status: PaymentRecord['status']; provider: string } | null;
  endReason: EndReason | 'capture-failed' | null;
  receipt: Receipt | null;
  /** The sale's latest remote age check: waiting for an operator until `deadlineAt` (point clock), then approved, declined or expired. */
  remoteAge: { checkId: string; status: 'waiting' | 'approved' | 'declined' | 'expired'; deadlineAt: number } | null;
  /** The receipt link's token once the receipt is issued (`sale.receipt-issued`). */
  receiptToken: string | null;
}

export type Result = { ok: true; view: SaleView } | Refusal;

export type PayRequest = { method: 'card' } | { method: 'phone' } | { method: 'account'; cardUid: string; pin: string };

export interface RemoteDecision {
  checkId: string;
  saleId: string;
  approved: boolean;
  operator: string;
}

/** What the service shares with its sessions. */
export interface SessionEnv {
  deps: CheckoutDeps;
  settle: SettleContext;
  timing: CheckoutTiming & { remoteAgeMs: number; maxPinAttempts: number; retryMs: number };
  newId: () => string;
  /** checkId → sale, for routing remote decisions; decided ids stay (a replay is refused). */
  checks: Map<string, { session: RemoteAgeHolder; decided: boolean; expired: boolean }>;
}

/** The sale a remote age check belongs to (a CheckoutSession). */
export interface RemoteAgeHolder {
  readonly saleId: string;
  remoteDecided(d: RemoteDecision): Result;
}
