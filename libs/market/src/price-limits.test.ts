import { describe, expect, it } from 'vitest';
import { priceLimits } from './price-limits.js';
import { isOnTick } from './tick-size.js';

describe('priceLimits', () => {
  // kiwoom-rest.md §7.6, both verified on live ka10001 captures.
  it('gives 241,500 / 130,100 for a base of 185,800', () => {
    expect(priceLimits(185_800)).toEqual({ upper: 241_500, lower: 130_100 });
  });

  it('gives 358,500 / 193,500 for a base of 276,000', () => {
    expect(priceLimits(276_000)).toEqual({ upper: 358_500, lower: 193_500 });
  });

  it('gives 92,300 / 49,700 for the doc’s 71,000 example', () => {
    expect(priceLimits(71_000)).toEqual({ upper: 92_300, lower: 49_700 });
  });

  it('cuts an upper limit that lands off the coarser band’s grid', () => {
    // width = floor(4,620 / 10) × 10 = 4,620; 20,020 is in the 50-won band, so it becomes 20,000.
    expect(priceLimits(15_400)).toEqual({ upper: 20_000, lower: 10_780 });
  });

  it('keeps both limits on the grid for every base in a sweep', () => {
    for (let base = 1; base < 2_000_000; base = Math.ceil(base * 1.013)) {
      const onGrid = base >= 2_000 ? base - (base % 5) : base;
      const { upper, lower } = priceLimits(onGrid);
      expect(isOnTick(upper)).toBe(true);
      expect(isOnTick(lower)).toBe(true);
      expect(upper).toBeLessThanOrEqual(onGrid * 1.3);
      expect(lower).toBeGreaterThanOrEqual(Math.floor(onGrid * 0.7));
    }
  });

  it('uses the ETF tick table for ETFs', () => {
    // tick(1,500) = 1 → width 450.
    expect(priceLimits(1_500, 'etf')).toEqual({ upper: 1_950, lower: 1_050 });
    // tick(35,000) = 5 → width 10,500.
    expect(priceLimits(35_000, 'etf')).toEqual({ upper: 45_500, lower: 24_500 });
  });

  it('rejects a non-positive base', () => {
    expect(() => priceLimits(0)).toThrowError(expect.objectContaining({ code: 'MARKET_INVALID_PRICE' }));
  });
});
