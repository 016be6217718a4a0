import { pino } from 'pino';
import { build as prettyStream } from 'pino-pretty';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Appears as `name` on every line, usually the service (`edge`, `price-ingest`). */
  readonly name: string;
  /** A pino level name; `info` when absent. pino throws on an unknown level. */
  readonly level?: string;
  /**
   * Human-readable lines (pino-pretty, one line per event) instead of JSON. Composition roots
   * pass `process.stdout.isTTY`: a person at a terminal reads text, while containers, pipes and
   * CI keep JSON. Redaction applies before formatting either way.
   * @default false
   */
  readonly pretty?: boolean;
}

/**
 * Paths whose values are replaced by `[Redacted]`: the Kiwoom token, app key and secret key, and
 * authorization headers, at the top level, one level down (`{ auth: { token } }`) and inside a
 * `headers` object. Redaction matches exact paths only, so a secret logged under another key is
 * not caught; log ids and counts, never credentials.
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  'appkey',
  'secretkey',
  'authorization',
  'Authorization',
  '*.token',
  '*.appkey',
  '*.secretkey',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

export const REDACTED = '[Redacted]';

/**
 * The process's root logger; `main.ts` calls this once and hands children to components.
 * `destination` defaults to stdout; tests pass a sink stream.
 */
export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const loggerOptions: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty === true) {
    // Synchronous, so the lines written just before process.exit are not lost.
    const stream = prettyStream({
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      ...(destination !== undefined ? { destination } : {}),
    });
    return pino(loggerOptions, stream);
  }
  return destination === undefined ? pino(loggerOptions) : pino(loggerOptions, destination);
}

/**
 * The default logger of every lib: it writes nothing. Its destination is a no-op stream, so
 * importing this module opens no stdout stream.
 */
export const silentLogger: Logger = pino({ level: 'silent' }, { write: () => undefined });
