/**
 * "Full jitter" exponential backoff: a uniformly random delay in [0, min(maxMs, baseMs · 2^attempt)],
 * so clients dropped together by one edge restart do not come back together.
 * `attempt` counts from 0 (the first reconnect); `random` returns a number in [0, 1].
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  // Beyond 2^64 every realistic ceiling is maxMs; the bound keeps the product finite.
  const exponent = attempt > 0 ? Math.min(Math.floor(attempt), 64) : 0;
  const base = Math.max(0, baseMs);
  const ceiling = Math.max(0, Math.min(maxMs, base * 2 ** exponent));
  const r = random();
  const jitter = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return Math.floor(jitter * ceiling);
}
