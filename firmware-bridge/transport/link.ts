/**
 * A Link is a byte pipe to one device or bus (a serial port, a TCP serial gateway, an
 * in-memory wire in tests). It knows nothing of frames. It owns reconnecting: when the port
 * closes or errors it retries with capped, jittered backoff and says so in `status`, which
 * the controller shows and reports ("reconnecting in 4 s", "lost").
 *
 * Writes while not connected reject with `LinkDownError`; nothing is queued for later, so a
 * command (an "open"!) can never fire long after its caller gave up.
 */
export type LinkStatus =
  | { state: 'connected' }
  /** Not connected; the next attempt starts in `inMs` (0 = attempting now). */
  | { state: 'reconnecting'; inMs: number; attempt: number; /** why the last connection ended or attempt failed */ lastError?: string }
  /** Not connected and not trying (stopped, never started, or gave up). */
  | { state: 'lost'; reason: string };

export type Unsubscribe = () => void;

export interface Link {
  /** Human-readable identity for logs and status, e.g. `serial:/dev/ttyUSB0`, `tcp://10.0.0.5:4001`. */
  readonly name: string;
  readonly status: LinkStatus;
  /** Hand bytes to the OS / peer. Rejects with `LinkDownError` when not connected. */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes as they arrive, in any split. */
  onData(listener: (chunk: Buffer) => void): Unsubscribe;
  /** Every status change (not called for the current status on subscribe). */
  onStatus(listener: (status: LinkStatus) => void): Unsubscribe;
  /** Begin connecting. Resolves after the first attempt settled (connected or retry scheduled); never rejects. */
  start(): Promise<void>;
  /** Close the connection, cancel reconnect timers, drop listeners' sources. Idempotent. */
  stop(): Promise<void>;
}

export class LinkDownError extends Error {
  override readonly name = 'LinkDownError';
  constructor(
    readonly link: string,
    readonly status: LinkStatus,
  ) {
    super(`link ${link} is not connected (${describeLinkStatus(status)})`);
  }
}

/** Short English description for logs ("reconnecting in 4 s (attempt 3)"). UI text goes through i18n. */
export function describeLinkStatus(status: LinkStatus): string {
  switch (status.state) {
    case 'connected':
      return 'connected';
    case 'reconnecting':
      return (
        (status.inMs > 0 ? `reconnecting in ${Math.ceil(status.inMs / 1000)} s (attempt ${status.attempt})` : `connecting (attempt ${status.attempt})`) +
        (status.lastError ? `: ${status.lastError}` : '')
      );
    case 'lost':
      return `lost: ${status.reason}`;
  }
}

/**
 * One live connection made by a `Connector`. `ReconnectingLink` wraps connectors with status
 * and backoff, so serial, TCP and memory transports only implement this.
 */
export interface Connection {
  write(bytes: Uint8Array): Promise<void>;
  /** Close; must not call `onClose` of the handlers afterwards. */
  close(): Promise<void>;
}

export interface ConnectionHandlers {
  onData(chunk: Buffer): void;
  /** The connection ended by itself (unplugged, peer closed, error). Called at most once. */
  onClose(reason: string): void;
}

/** Opens one connection; rejects with a clear error when it cannot. */
export type Connector = (handlers: ConnectionHandlers) => Promise<Connection>;
