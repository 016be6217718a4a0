import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';

/** Releases one resource: closes a server, drains a connection, ends a pool. */
export type Closer = () => Promise<void> | void;

/** What `onSignals` listens on: `process`, or an `EventEmitter` in tests. */
export type SignalSource = Pick<EventEmitter, 'on' | 'off'>;

export interface LifecycleOptions {
  readonly logger: Logger;
  /**
   * Time the closers get, in milliseconds, before `exit(1)`. Keep it shorter than the
   * orchestrator's grace period, so the process exits on its own terms.
   */
  readonly deadlineMs: number;
  /** Ends the process. @default process.exit */
  readonly exit?: (code: number) => void;
}

export interface Lifecycle {
  /** Registers a closer; closers run in reverse order of registration (the last added closes first). */
  add(name: string, closer: Closer): void;
  /** True from the first `shutdown` call on; readiness checks report not ready from then on. */
  isShuttingDown(): boolean;
  /**
   * Runs every closer once, in reverse order, each awaited; a failing closer is logged and the
   * rest still run. Idempotent: every call returns the first call's promise, which never rejects.
   * When the closers overrun `deadlineMs`, `exit(1)` is called and the promise stays pending
   * until they finish.
   */
  shutdown(reason: string): Promise<void>;
  /**
   * Shuts down and exits 0 on any of `signals`; logs and exits 1 on `uncaughtException` and
   * `unhandledRejection`. Returns a function that removes these listeners.
   */
  onSignals(signals: readonly NodeJS.Signals[], proc?: SignalSource): () => void;
}

/** The ordered shutdown of one process; built once in `main.ts`. */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const log = options.logger.child({ component: 'lifecycle' });
  const { deadlineMs } = options;
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
    throw new RangeError(`deadlineMs must be a positive number, got ${deadlineMs}`);
  }
  // eslint-disable-next-line n/no-process-exit -- the lifecycle is built only in main.ts, the composition root that owns process exit (guideline 1).
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  const closers: { readonly name: string; readonly closer: Closer }[] = [];
  let shutdownPromise: Promise<void> | undefined;
  let exitCode: number | undefined;

  // Exit once: after the deadline's exit(1), a late success must not report exit(0).
  function exit(code: number): void {
    if (exitCode !== undefined) return;
    exitCode = code;
    exitProcess(code);
  }

  async function runClosers(reason: string): Promise<void> {
    const started = performance.now();
    let pending = closers.length;
    log.info({ reason, closers: pending, deadlineMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.fatal({ reason, deadlineMs, pendingClosers: pending }, 'shutdown deadline exceeded, exiting');
      flushLogs(options.logger);
      exit(1);
    }, deadlineMs);
    // The deadline must never be the thing that keeps the process alive.
    deadline.unref();
    try {
      for (const { name, closer } of [...closers].reverse()) {
        const closerStarted = performance.now();
        try {
          await closer();
          log.info({ closer: name, durationMs: elapsedMs(closerStarted) }, 'closed');
        } catch (err) {
          log.error({ closer: name, durationMs: elapsedMs(closerStarted), err }, 'closer failed');
        }
        pending--;
      }
    } finally {
      clearTimeout(deadline);
    }
    log.info({ reason, durationMs: elapsedMs(started) }, 'shutdown complete');
    flushLogs(options.logger);
  }

  function shutdown(reason: string): Promise<void> {
    shutdownPromise ??= runClosers(reason);
    return shutdownPromise;
  }

  return {
    add(name, closer) {
      if (shutdownPromise !== undefined) {
        throw new Error(`cannot add closer "${name}": shutdown has started`);
      }
      closers.push({ name, closer });
    },
    isShuttingDown: () => shutdownPromise !== undefined,
    shutdown,
    onSignals(signals, proc = process) {
      const onSignal = (signal: NodeJS.Signals): void => {
        log.info({ signal }, 'signal received');
        // shutdown() never rejects: closer errors are logged inside it.
        void shutdown(signal).then(() => exit(0));
      };
      const onUncaughtException = (err: unknown): void => {
        log.fatal({ err }, 'uncaught exception, exiting');
        flushLogs(options.logger);
        exit(1);
      };
      const onUnhandledRejection = (reason: unknown): void => {
        log.fatal({ err: reason }, 'unhandled promise rejection, exiting');
        flushLogs(options.logger);
        exit(1);
      };
      for (const signal of signals) proc.on(signal, onSignal);
      proc.on('uncaughtException', onUncaughtException);
      proc.on('unhandledRejection', onUnhandledRejection);
      return () => {
        for (const signal of signals) proc.off(signal, onSignal);
        proc.off('uncaughtException', onUncaughtException);
        proc.off('unhandledRejection', onUnhandledRejection);
      };
    },
  };
}

function elapsedMs(since: number): number {
  return Math.round(performance.now() - since);
}

// Asks an asynchronous destination to write out what it buffered; a no-op for sync streams.
function flushLogs(logger: Logger): void {
  logger.flush();
}
