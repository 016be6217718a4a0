/** The logger methods the bus uses. A pino `Logger` (or a child of one) fits. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Reports an exception thrown by a subscription handler; delivery to other handlers goes on. */
export type HandlerErrorReporter = (err: unknown, subject: string) => void;

const noop = (): void => undefined;

/** The default for libraries: logs nothing. */
export const silentLogger: BusLogger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/**
 * The reporter used when the caller gave none: logs at error level, so a throwing handler is
 * never swallowed silently when a logger is present.
 */
export function handlerErrorReporter(logger: BusLogger, onHandlerError?: HandlerErrorReporter): HandlerErrorReporter {
  if (onHandlerError === undefined) {
    return (err, subject) => logger.error({ err, subject }, 'bus handler threw');
  }
  return (err, subject) => {
    try {
      onHandlerError(err, subject);
    } catch (reportErr) {
      logger.error({ err: reportErr, cause: err, subject }, 'bus onHandlerError threw');
    }
  };
}
