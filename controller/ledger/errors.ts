export type LedgerErrorCode = 'corrupt' | 'pragma' | 'migration' | 'invalid-event' | 'site-mismatch';

/** Every failure the ledger reports on purpose; `code` says which kind, the message says what. */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;

  constructor(code: LedgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerError';
    this.code = code;
  }
}
