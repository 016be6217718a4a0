import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<unknown>): { settled: () => boolean; error: () => unknown } {
  let settled = false;
  let error: unknown;
  promise.then(
    () => (settled = true),
    (err: unknown) => {
      settled = true;
      error = err;
    },
  );
  return { settled: () => settled, error: () => error };
}

describe('RateLimiter', () => {
  let limiter: RateLimiter | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    limiter?.close();
    vi.useRealTimers();
  });

  it('lets the first call through and spaces the next by 1/perSecond (default 1/s)', async () => {
    limiter = createRateLimiter();
    await limiter.acquire('ka10001');
    const second = track(limiter.acquire('ka10001'));
    await vi.advanceTimersByTimeAsync(999);
    expect(second.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second.settled()).toBe(true);
  });

  it('allows a burst, then paces', async () => {
    limiter = createRateLimiter({ defaultLimit: { perSecond: 5, burst: 2 } });
    await limiter.acquire('ka10081');
    await limiter.acquire('ka10081');
    const third = track(limiter.acquire('ka10081'));
    await vi.advanceTimersByTimeAsync(199);
    expect(third.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third.settled()).toBe(true);
  });

  it('keeps api-ids independent', async () => {
    limiter = createRateLimiter();
    await limiter.acquire('ka10001');
    await limiter.acquire('ka10095');
    expect(limiter.queued('ka10001')).toBe(0);
  });

  it('uses per-api-id overrides', async () => {
    limiter = createRateLimiter({ perApiId: { ka10081: { perSecond: 5, burst: 2 } } });
    expect(limiter.limitOf('ka10081')).toEqual({ perSecond: 5, burst: 2 });
    expect(limiter.limitOf('ka10001')).toEqual({ perSecond: 1, burst: 1 });
  });

  it('serves waiters in order, one per interval', async () => {
    const paced = createRateLimiter({ defaultLimit: { perSecond: 2, burst: 1 } });
    limiter = paced;
    await paced.acquire('ka10095');
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => paced.acquire('ka10095').then(() => order.push(n)));
    await vi.advanceTimersByTimeAsync(500);
    expect(order).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(order).toEqual([1, 2, 3]);
    await Promise.all(waits);
  });

  it('learns 유량=N: lowers the rate and empties the bucket', async () => {
    limiter = createRateLimiter({ perApiId: { ka10081: { perSecond: 5, burst: 2 } } });
    await limiter.acquire('ka10081');
    expect(limiter.onRateLimited('ka10081', 1)).toBe(true);
    expect(limiter.limitOf('ka10081')).toEqual({ perSecond: 1, burst: 1 });
    const next = track(limiter.acquire('ka10081'));
    await vi.advanceTimersByTimeAsync(999);
    expect(next.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled()).toBe(true);
  });

  it('never raises a rate from a quota above it', () => {
    limiter = createRateLimiter({ defaultLimit: { perSecond: 1, burst: 1 } });
    expect(limiter.onRateLimited('ka10001', 5)).toBe(false);
    expect(limiter.onRateLimited('ka10001')).toBe(false);
    expect(limiter.limitOf('ka10001')).toEqual({ perSecond: 1, burst: 1 });
  });

  it('empties the bucket after a rate-limit answer even without a quota', async () => {
    limiter = createRateLimiter({ defaultLimit: { perSecond: 10, burst: 5 } });
    limiter.onRateLimited('ka10001');
    const next = track(limiter.acquire('ka10001'));
    await vi.advanceTimersByTimeAsync(99);
    expect(next.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled()).toBe(true);
  });

  it('rejects a caller when the wait queue is full', async () => {
    limiter = createRateLimiter({ maxQueue: 2 });
    await limiter.acquire('ka10001');
    const queued = [track(limiter.acquire('ka10001')), track(limiter.acquire('ka10001'))];
    await expect(limiter.acquire('ka10001')).rejects.toMatchObject({ code: 'KIWOOM_QUEUE_FULL', apiId: 'ka10001' });
    expect(limiter.queued('ka10001')).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(queued.every((q) => q.settled() && q.error() === undefined)).toBe(true);
  });

  it('drops an aborted waiter and lets the next one move up', async () => {
    limiter = createRateLimiter();
    await limiter.acquire('ka10001');
    const controller = new AbortController();
    const aborted = limiter.acquire('ka10001', controller.signal);
    const next = track(limiter.acquire('ka10001'));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(next.settled()).toBe(true);
  });

  it('rejects an already-aborted signal at once', async () => {
    limiter = createRateLimiter();
    await expect(limiter.acquire('ka10001', AbortSignal.abort())).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
  });

  it('applies a global cap across api-ids', async () => {
    limiter = createRateLimiter({ defaultLimit: { perSecond: 10, burst: 10 }, global: { perSecond: 1, burst: 1 } });
    await limiter.acquire('ka10001');
    const other = track(limiter.acquire('ka10095'));
    await vi.advanceTimersByTimeAsync(999);
    expect(other.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(other.settled()).toBe(true);
  });

  it('rejects waiters and clears its timer on close', async () => {
    limiter = createRateLimiter();
    await limiter.acquire('ka10001');
    const waiting = limiter.acquire('ka10001');
    limiter.close();
    await expect(waiting).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
    expect(vi.getTimerCount()).toBe(0);
    await expect(limiter.acquire('ka10001')).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
  });

  it('refuses nonsense limits', () => {
    expect(() => createRateLimiter({ defaultLimit: { perSecond: 0, burst: 1 } })).toThrow(RangeError);
    expect(() => createRateLimiter({ defaultLimit: { perSecond: 1, burst: 0 } })).toThrow(RangeError);
  });
});
