/**
 * The fake's books: every object it has created, shaped as Stripe returns it. Records are kept
 * as the JSON the API answers with (plus a few internal maps), so serialising is a copy.
 * Card numbers never enter the store: charges carry brand and last4 only.
 */
export interface CardPresentDetails {
  brand: string;
  last4: string;
}

export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: 'manual' | 'automatic';
  status: 'requires_payment_method' | 'requires_capture' | 'processing' | 'succeeded' | 'canceled';
  allowed_payment_method_types: string[];
  payment_method_types: string[];
  metadata: Record<string, string>;
  description: string | null;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  created: number;
  canceled_at: number | null;
  cancellation_reason: string | null;
  livemode: false;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  refunded: boolean;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  created: number;
  metadata: Record<string, string>;
  payment_method_details: { type: 'card_present' | 'card'; card_present?: CardPresentDetails; card?: CardPresentDetails };
  livemode: false;
}

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string;
  currency: string;
  status: 'succeeded';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface ReaderAction {
  type: 'process_payment_intent';
  status: 'in_progress' | 'succeeded' | 'failed';
  failure_code: string | null;
  failure_message: string | null;
  api_error: { type: string; code: string; decline_code?: string; message: string } | null;
  process_payment_intent: { payment_intent: string };
}

export interface Reader {
  id: string;
  object: 'terminal.reader';
  action: ReaderAction | null;
  device_type: string;
  label: string;
  location: string | null;
  serial_number: string;
  status: 'online' | 'offline';
  metadata: Record<string, string>;
  livemode: false;
}

/** How a simulated reader behaves: normal, never answers after accepting, offline, or timing out. */
export type ReaderMode = 'normal' | 'unresponsive' | 'offline' | 'timeout';

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  success_url: string | null;
  cancel_url: string | null;
  url: string | null;
  expires_at: number;
  created: number;
  livemode: false;
}

export interface LineItem {
  name: string;
  unitAmount: number;
  quantity: number;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  secret: string;
  status: 'enabled';
  created: number;
  livemode: false;
}

export interface DeliveryAttempt {
  eventId: string;
  endpointId: string;
  attempt: number;
  /** HTTP status, or null when the connection failed. */
  status: number | null;
  at: number;
  redelivery: boolean;
}

export class Store {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly readers = new Map<string, Reader>();
  readonly readerModes = new Map<string, ReaderMode>();
  readonly checkoutSessions = new Map<string, CheckoutSession>();
  readonly lineItems = new Map<string, LineItem[]>();
  readonly events: StripeEvent[] = [];
  readonly webhookEndpoints = new Map<string, WebhookEndpoint>();
  readonly deliveries: DeliveryAttempt[] = [];
}

/** A deep copy, so an event's snapshot does not change when the object does. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
