/**
 * The logging shape every layer accepts by injection. pino's Logger satisfies it; tests pass
 * `createSilentLogger()` or a recording logger. No module-level logger exists anywhere.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createSilentLogger(): Logger {
  const noop = (): void => {};
  const logger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg?: string;
}

/** A logger that keeps what it was told, for tests that assert a clear message was logged. */
export function createRecordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord['level']) =>
    (obj: object | string, msg?: string): void => {
      records.push(msg === undefined ? { level, obj } : { level, obj, msg });
    };
  const logger = {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}
