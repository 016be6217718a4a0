/**
 * Rate limits per (token, api-id), and optionally across all api-ids of a token (kiwoom-rest.md §5,
 * §9 item 8). A sliding window of one second on the simulated clock: at most N accepted calls in
 * any 1,000 ms. Rejected calls do not use up the window (choice). With the clock standing still,
 * the (N+1)th call is refused until a test moves the clock forward.
 */
import { CHART_API_IDS } from './routes.js';

export type SimMode = 'mock' | 'real';

export const WINDOW_MS = 1_000;
/** Real host: 5/s for queries (portal); mock host: 1/s per TR, charts 5/s (live 1700 messages). */
export const REAL_DEFAULT_PER_SECOND = 5;
export const MOCK_DEFAULT_PER_SECOND = 1;
export const MOCK_CHART_PER_SECOND = 5;
/** Above this many tracked keys, windows that are already empty are swept. */
const SWEEP_THRESHOLD = 1_000;

/** The calls per second allowed for an api-id: the mode's default unless overridden; 0 = unlimited. */
export function defaultRateLimit(mode: SimMode, apiId: string): number {
  if (mode === 'real') return REAL_DEFAULT_PER_SECOND;
  return CHART_API_IDS.has(apiId) ? MOCK_CHART_PER_SECOND : MOCK_DEFAULT_PER_SECOND;
}

export interface RateLimitOptions {
  readonly mode: SimMode;
  /** Per-api-id overrides; the key `*` overrides every api-id not listed. 0 = unlimited. */
  readonly overrides: Readonly<Record<string, number>>;
  /** Calls per second per token across every api-id (1701); 0 = off. */
  readonly totalPerSecond: number;
  /** Simulated epoch ms. */
  readonly now: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly code: 1700 | 1701; readonly quota: number };

export interface RateLimiter {
  /** Decides one call and, when allowed, records it. */
  take(token: string, apiId: string): RateDecision;
  /** The configured quota of an api-id (what `유량=N` reports). */
  quota(apiId: string): number;
  readonly totalPerSecond: number;
  /** Forgets every window (a token's windows go when it is no longer used). */
  reset(): void;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { overrides, totalPerSecond, now } = options;
  // Timestamps of accepted calls inside the current window, oldest first; at most N per key.
  const windows = new Map<string, number[]>();

  const quota = (apiId: string): number => overrides[apiId] ?? overrides['*'] ?? defaultRateLimit(options.mode, apiId);

  const recent = (key: string, at: number): number[] => {
    const stamps = (windows.get(key) ?? []).filter((t) => at - t >= 0 && at - t < WINDOW_MS);
    if (stamps.length === 0) windows.delete(key);
    else windows.set(key, stamps);
    return stamps;
  };

  const record = (key: string, at: number, limit: number): void => {
    const stamps = windows.get(key) ?? [];
    stamps.push(at);
    if (stamps.length > limit) stamps.shift();
    windows.set(key, stamps);
  };

  const sweep = (at: number): void => {
    if (windows.size <= SWEEP_THRESHOLD) return;
    for (const key of [...windows.keys()]) recent(key, at);
  };

  return {
    take(token, apiId) {
      const at = now();
      sweep(at);
      const limit = quota(apiId);
      const perApiKey = `${token}\u0000${apiId}`;
      const totalKey = `${token}\u0000*`;
      if (limit > 0 && recent(perApiKey, at).length >= limit) return { allowed: false, code: 1700, quota: limit };
      if (totalPerSecond > 0 && recent(totalKey, at).length >= totalPerSecond) {
        return { allowed: false, code: 1701, quota: totalPerSecond };
      }
      if (limit > 0) record(perApiKey, at, limit);
      if (totalPerSecond > 0) record(totalKey, at, totalPerSecond);
      return { allowed: true };
    },
    quota,
    totalPerSecond,
    reset: () => windows.clear(),
  };
}
