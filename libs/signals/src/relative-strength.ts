import { periodReturn } from './indicators/returns.js';
import { assertBarsOldestFirst, type Bar } from './types.js';

/** `0.4·r63 + 0.2·r126 + 0.2·r189 + 0.2·r252` (signals.md, RS rating). */
const RS_TERMS: readonly (readonly [bars: number, weight: number])[] = [
  [63, 0.4],
  [126, 0.2],
  [189, 0.2],
  [252, 0.2],
];

/** Bars a history needs to be rated: the close 252 trading days ago plus today's. */
export const RS_MIN_BARS = 253;

/**
 * The weighted return of a series (0.72 = +72 %), or null when it is shorter than RS_MIN_BARS or
 * one of the base closes is not a positive price.
 */
export function weightedReturn(bars: readonly Bar[]): number | null {
  if (bars.length < RS_MIN_BARS) return null;
  const closes = bars.map((b) => b.close);
  let total = 0;
  for (const [period, weight] of RS_TERMS) {
    const r = periodReturn(closes, period);
    if (r === null) return null;
    total += weight * r;
  }
  return total;
}

/**
 * RS ratings 1–99 across the universe. Only histories with a weighted return are rated; a too-short
 * history gets NO entry (callers treat a missing rating as failing the RS rule). Among the N rated
 * stocks, sorted ascending, each gets rating = round(1 + 98 · (rank − 1) / (N − 1)) with a 1-based
 * rank; exactly equal returns share their average rank, so ties get the same rating. A universe of one (or
 * of all-equal returns) rates 50, the middle.
 */
export function rsRatings(histories: ReadonlyMap<string, readonly Bar[]>): Map<string, number> {
  const rated: { ticker: string; value: number }[] = [];
  for (const [ticker, bars] of histories) {
    assertBarsOldestFirst(bars);
    const value = weightedReturn(bars);
    if (value !== null) rated.push({ ticker, value });
  }
  rated.sort((a, b) => a.value - b.value);
  const ratings = new Map<string, number>();
  const n = rated.length;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && rated[end + 1]?.value === rated[start]?.value) end++;
    // Positions start..end (0-based) tie: their average 1-based rank is (start + end) / 2 + 1.
    const averageRank = (start + end) / 2 + 1;
    const rating = n === 1 ? 50 : Math.round(1 + (98 * (averageRank - 1)) / (n - 1));
    for (let i = start; i <= end; i++) {
      const entry = rated[i];
      if (entry !== undefined) ratings.set(entry.ticker, rating);
    }
    start = end + 1;
  }
  return ratings;
}
