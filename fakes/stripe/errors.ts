/**
 * Stripe-shaped API errors: `{ error: { type, code?, decline_code?, param?, message } }` with the
 * HTTP status Stripe uses, so the official SDK raises the same error classes it would in live mode.
 */
export type ApiErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';

export interface ApiErrorBody {
  type: ApiErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  payment_intent?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  /** Validation and state errors are not stored under an idempotency key (the call never ran). */
  get replayable(): boolean {
    return this.body.type === 'card_error';
  }
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid'): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', code, param, message });
}

export function missingParam(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
  });
}

export function unknownParam(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
  });
}

export function noSuch(kind: string, id: string): ApiError {
  return new ApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'id',
    message: `No such ${kind}: '${id}'`,
  });
}

export function unexpectedState(kind: string, id: string, status: string, action: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: `${kind}_unexpected_state`,
    message: `This ${kind.replace('_', ' ')} (${id}) cannot be ${action} because it has a status of ${status}.`,
  });
}

export function readerError(code: string, message: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', code, message });
}
