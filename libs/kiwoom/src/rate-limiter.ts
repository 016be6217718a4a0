import { abortError, systemClock, systemTimers, type Clock, type Timers } from './clock.js';
import { KiwoomError } from './errors.js';

/** A token-bucket limit. */
export interface RateLimit {
  /** Sustained calls per second. */
  readonly perSecond: number;
  /** Calls allowed back to back after an idle period (bucket size). */
  readonly burst: number;
}

/**
 * 1 call/s per api-id with no burst: the mock host's documented rule and the slowest limit any
 * live 1700 message has announced (`유량=1`, §5). The real host allows about 5/s; configure it.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 1, burst: 1 };
/** Callers that may wait per api-id before `acquire` rejects with `KIWOOM_QUEUE_FULL`. */
export const DEFAULT_MAX_QUEUE = 100;

export interface RateLimiterOptions {
  /** The limit of every api-id without an entry in `perApiId`. @default DEFAULT_RATE_LIMIT */
  readonly defaultLimit?: RateLimit;
  readonly perApiId?: Readonly<Record<string, RateLimit>>;
  /** An optional cap across all api-ids (the host's 1701 total quota). */
  readonly global?: RateLimit;
  /** @default DEFAULT_MAX_QUEUE */
  readonly maxQueue?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

/** Paces calls per Kiwoom api-id (limits are independent per api-id per token, §5). */
export interface RateLimiter {
  /** Resolves when a call to `apiId` may be sent; every continuation page needs its own call. */
  acquire(apiId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Reacts to a 429/1700: empties the api-id's bucket so the next call waits a full interval,
   * and lowers its rate to `quotaPerSecond` (`유량=N`) when that is lower than the current one.
   * Learned rates never rise again; the configuration is the ceiling. Returns true if lowered.
   */
  onRateLimited(apiId: string, quotaPerSecond?: number): boolean;
  /** The limit currently applied to `apiId`, learned quotas included. */
  limitOf(apiId: string): RateLimit;
  /** Callers waiting for `apiId`. */
  queued(apiId: string): number;
  /** Rejects every waiting caller with `KIWOOM_ABORTED` and cancels the pending timers. */
  close(): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

function checkLimit(limit: RateLimit, label: string): RateLimit {
  if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) {
    throw new RangeError(`rate limit ${label}: perSecond must be a positive number, got ${limit.perSecond}`);
  }
  if (!Number.isInteger(limit.burst) || limit.burst < 1) {
    throw new RangeError(`rate limit ${label}: burst must be an integer >= 1, got ${limit.burst}`);
  }
  return { perSecond: limit.perSecond, burst: limit.burst };
}

/** One bucket: FIFO waiters, one timer at a time, owned and cancelled here. */
class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private readonly waiters: Waiter[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    public limit: RateLimit,
    private readonly label: string,
    private readonly maxQueue: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {
    this.tokens = limit.burst;
    this.refilledAt = clock.now();
  }

  get queued(): number {
    return this.waiters.length;
  }

  take(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxQueue) {
      return Promise.reject(
        new KiwoomError('KIWOOM_QUEUE_FULL', `${this.label}: ${this.waiters.length} calls already wait for the rate limit`, {
          apiId: this.label,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.remove(waiter);
          if (signal !== undefined) reject(abortError(signal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.scheduleDrain();
    });
  }

  penalise(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  lowerTo(perSecond: number): boolean {
    if (perSecond >= this.limit.perSecond) return false;
    this.refill();
    const burst = Math.max(1, Math.min(this.limit.burst, Math.floor(perSecond)));
    this.limit = { perSecond, burst };
    this.tokens = Math.min(this.tokens, burst);
    return true;
  }

  close(reason: KiwoomError): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps backwards adds nothing rather than removing tokens.
    const elapsedMs = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs * this.limit.perSecond) / 1000);
    this.refilledAt = now;
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    if (this.waiters.length === 0) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
    }
  }

  private drain(): void {
    this.cancelTimer = undefined;
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      this.tokens -= 1;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.cancelTimer !== undefined || this.waiters.length === 0) return;
    const missing = 1 - this.tokens;
    // At least 1 ms: float rounding can leave 0.9999… tokens right at the deadline.
    const delayMs = Math.max(1, Math.ceil((missing * 1000) / this.limit.perSecond));
    this.cancelTimer = this.timers.schedule(() => this.drain(), delayMs);
  }
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`maxQueue must be an integer >= 0, got ${maxQueue}`);
  const defaultLimit = checkLimit(options.defaultLimit ?? DEFAULT_RATE_LIMIT, 'default');
  const configured = new Map<string, RateLimit>();
  for (const [apiId, limit] of Object.entries(options.perApiId ?? {})) configured.set(apiId, checkLimit(limit, apiId));
  // One bucket per api-id used: a bounded set, since api-ids come from our own TR files.
  const buckets = new Map<string, TokenBucket>();
  const globalBucket =
    options.global === undefined ? undefined : new TokenBucket(checkLimit(options.global, 'global'), 'global', maxQueue, clock, timers);
  let closed = false;

  const bucketOf = (apiId: string): TokenBucket => {
    let bucket = buckets.get(apiId);
    if (bucket === undefined) {
      bucket = new TokenBucket(configured.get(apiId) ?? defaultLimit, apiId, maxQueue, clock, timers);
      buckets.set(apiId, bucket);
    }
    return bucket;
  };

  return {
    async acquire(apiId, signal) {
      if (closed) throw new KiwoomError('KIWOOM_ABORTED', 'the rate limiter is closed', { apiId });
      await bucketOf(apiId).take(signal);
      if (globalBucket !== undefined) await globalBucket.take(signal);
    },
    onRateLimited(apiId, quotaPerSecond) {
      const bucket = bucketOf(apiId);
      bucket.penalise();
      return quotaPerSecond !== undefined && quotaPerSecond > 0 && bucket.lowerTo(quotaPerSecond);
    },
    limitOf: (apiId) => bucketOf(apiId).limit,
    queued: (apiId) => buckets.get(apiId)?.queued ?? 0,
    close() {
      closed = true;
      const reason = new KiwoomError('KIWOOM_ABORTED', 'the rate limiter was closed');
      for (const bucket of buckets.values()) bucket.close(reason);
      globalBucket?.close(reason);
    },
  };
}
