import { describe, expect, it } from 'vitest';
import { aBarSeries } from '../../test/builders.js';
import { findSwings } from './swings.js';

describe('findSwings', () => {
  // index:   0  1  2  3  4  5  6  7  8  9   (high = low = close in these bars)
  const bars = aBarSeries([1, 2, 5, 2, 1, 3, 1, 0, 2, 3]);

  it('finds 5-bar fractal highs and lows, strictly beyond two bars on each side', () => {
    // 2: 5 > 1, 2 | 2, 1 → high.   5: 3 > 2, 1 | 1, 0 → high.
    // 4: 1 is not strictly below index 6 (also 1) → no low.   7: 0 < 3, 1 | 2, 3 → low.
    expect(findSwings(bars, 2)).toEqual({
      highs: [
        { index: 2, price: 5 },
        { index: 5, price: 3 },
      ],
      lows: [{ index: 7, price: 0 }],
    });
  });

  it('reports only points from `from` on, still using earlier bars as neighbours', () => {
    expect(findSwings(bars, 2, 4)).toEqual({ highs: [{ index: 5, price: 3 }], lows: [{ index: 7, price: 0 }] });
  });

  it('finds nothing on flat tops or in the last two bars', () => {
    expect(findSwings(aBarSeries([1, 2, 3, 3, 2, 1]), 2)).toEqual({ highs: [], lows: [] });
    expect(findSwings(aBarSeries([1, 2, 3, 4, 9, 1]), 2).highs).toEqual([]);
  });
});
