import type { Bar } from '../types.js';

export interface SwingPoint {
  /** Index into the bar series. */
  readonly index: number;
  /** The bar's high for a swing high, its low for a swing low. */
  readonly price: number;
}

export interface Swings {
  /** Oldest first. */
  readonly highs: readonly SwingPoint[];
  readonly lows: readonly SwingPoint[];
}

/**
 * Fractal swing points: a swing high is a bar whose high is STRICTLY higher than the highs of the
 * `radius` bars on each side (radius 2 = the 5-bar fractal); swing lows likewise with lows. Flat
 * tops and bottoms therefore give no swing point, and the last `radius` bars are never swings
 * because their right side has not printed yet. Only bars with index ≥ `from` are reported; the
 * bars before `from` still serve as left-hand neighbours.
 */
export function findSwings(bars: readonly Bar[], radius: number, from = 0): Swings {
  const highs: SwingPoint[] = [];
  const lows: SwingPoint[] = [];
  for (let i = Math.max(from, radius); i < bars.length - radius; i++) {
    const bar = bars[i];
    if (bar === undefined) continue;
    let isHigh = true;
    let isLow = true;
    for (let d = 1; d <= radius && (isHigh || isLow); d++) {
      for (const side of [bars[i - d], bars[i + d]]) {
        if (side === undefined) continue;
        if (side.high >= bar.high) isHigh = false;
        if (side.low <= bar.low) isLow = false;
      }
    }
    if (isHigh) highs.push({ index: i, price: bar.high });
    if (isLow) lows.push({ index: i, price: bar.low });
  }
  return { highs, lows };
}
