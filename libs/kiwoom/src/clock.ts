import { KiwoomError } from './errors.js';

/** The current time in epoch milliseconds; injected so tests control time. */
export interface Clock {
  now(): number;
}

/**
 * Schedules a callback after `delayMs` and returns a function that cancels it. Injected so
 * tests can drive the rate limiter, backoff and timeouts without real waiting.
 */
export interface Timers {
  schedule(callback: () => void, delayMs: number): () => void;
}

/** `Date.now()`, read at call time so fake timers installed after import still apply. */
export const systemClock: Clock = { now: () => Date.now() };

/** The global `setTimeout`, looked up at call time for the same reason as `systemClock`. */
export const systemTimers: Timers = {
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

/** The error a wait rejects with when the caller's signal aborts it. */
export function abortError(signal: AbortSignal): KiwoomError {
  return new KiwoomError('KIWOOM_ABORTED', 'the call was aborted by the caller', { cause: signal.reason });
}

/** Resolves after `delayMs`; rejects with `KIWOOM_ABORTED` as soon as `signal` aborts. */
export function sleep(timers: Timers, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      if (signal !== undefined) reject(abortError(signal));
    };
    const cancel = timers.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise` but gives up when `signal` aborts. The promise itself keeps running: used
 * where several callers share one request (token issue) and one caller leaving must not cancel
 * it for the others.
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return raceWithListener(promise, signal);
}

async function raceWithListener<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    // Promise.race also subscribes to `promise`, so its later rejection is never unhandled.
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
