/**
 * What an error from the stripe SDK means for a payment: the provider could not be reached
 * (retry later), or Stripe answered with a code. Decided by the SDK's error type, HTTP status and
 * `code` — never by the message text.
 */
export type StripeFailure = { kind: 'unavailable'; detail: string } | { kind: 'api'; code: string; declineCode: string | null; status: number; detail: string };

interface SdkErrorLike {
  type?: unknown;
  code?: unknown;
  decline_code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

export function classifyStripeError(err: unknown): StripeFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorLike;
  const type = typeof e.type === 'string' ? e.type : 'unknown';
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  const detail = `${type}${status ? ` ${status}` : ''}${typeof e.code === 'string' ? ` ${e.code}` : ''}`;
  if (type === 'StripeConnectionError' || type === 'StripeAPIError' || type === 'StripeRateLimitError' || status >= 500 || status === 0) {
    return { kind: 'unavailable', detail };
  }
  const code =
    typeof e.code === 'string'
      ? e.code
      : type === 'StripeAuthenticationError'
        ? 'authentication'
        : type === 'StripeIdempotencyError'
          ? 'idempotency_error'
          : 'unknown';
  return { kind: 'api', code, declineCode: typeof e.decline_code === 'string' ? e.decline_code : null, status, detail };
}
