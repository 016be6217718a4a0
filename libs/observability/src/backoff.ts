/** A retry delay in milliseconds for a zero-based attempt number. */
export type Backoff = (attempt: number) => number;

export interface BackoffOptions {
  /** Delay ceiling of attempt 0, in milliseconds. */
  readonly baseMs: number;
  /** Upper bound of every delay, in milliseconds. */
  readonly maxMs: number;
}

export interface JitterBackoffOptions extends BackoffOptions {
  /** A source of numbers in [0, 1); injected by tests. */
  readonly random?: () => number;
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(maxMs, baseMs * 2^attempt)), so clients that failed together do not retry together.
 * @example
 * const delayMs = fullJitterBackoff({ baseMs: 500, maxMs: 30_000 });
 * setTimeout(reconnect, delayMs(attempt));
 */
export function fullJitterBackoff(options: JitterBackoffOptions): Backoff {
  const ceiling = cappedExponentialBackoff(options);
  const random = options.random ?? Math.random;
  return (attempt) => random() * ceiling(attempt);
}

/** The delay without jitter: min(maxMs, baseMs * 2^attempt). Also the ceiling of `fullJitterBackoff`. */
export function cappedExponentialBackoff(options: BackoffOptions): Backoff {
  const { baseMs, maxMs } = options;
  if (!Number.isFinite(baseMs) || baseMs <= 0) throw new RangeError(`baseMs must be a positive number, got ${baseMs}`);
  if (!Number.isFinite(maxMs) || maxMs < baseMs) throw new RangeError(`maxMs must be a number >= baseMs, got ${maxMs}`);
  return (attempt) => {
    if (!Number.isSafeInteger(attempt) || attempt < 0) {
      throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
    }
    // 2 ** attempt becomes Infinity past attempt 1023; Math.min still yields maxMs.
    return Math.min(maxMs, baseMs * 2 ** attempt);
  };
}
