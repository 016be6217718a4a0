import { describe, expect, it } from 'vitest';
import { bollingerBands, bollingerWidths } from './bollinger.js';

describe('bollingerBands', () => {
  it('uses the population standard deviation', () => {
    // [1, 3]: mean 2, population σ = √((1 + 1) / 2) = 1 (the sample σ would be √2).
    // upper = 2 + 2·1 = 4, lower = 0, width = (4 − 0) / 2 = 2.
    expect(bollingerBands([1, 3], 2, 2)).toEqual({ middle: 2, upper: 4, lower: 0, width: 2 });
  });

  it('gives one outlier among 20 equal values the width 4·d·√19 / 20 / mean', () => {
    // 19 × 10 and one 30: mean = 220 / 20 = 11; Σ(x − mean)² = 19·1² + 19² = 380; σ = √(380/20) = √19.
    const bands = bollingerBands([...Array.from({ length: 19 }, () => 10), 30], 20, 2);
    expect(bands?.middle).toBe(11);
    expect(bands?.upper).toBeCloseTo(11 + 2 * Math.sqrt(19), 12);
    expect(bands?.width).toBeCloseTo((4 * Math.sqrt(19)) / 11, 12);
  });

  it('is zero-width on flat prices and null without enough values or a positive middle', () => {
    expect(bollingerBands([5, 5, 5], 3, 2)?.width).toBe(0);
    expect(bollingerBands([5, 5], 3, 2)).toBeNull();
    expect(bollingerBands([0, 0], 2, 2)?.width).toBeNull();
  });
});

describe('bollingerWidths', () => {
  it('has one entry per value, null until the first full window', () => {
    // windows ending at index 1: [1, 3] → 2; at index 2: [3, 3] → 0.
    expect(bollingerWidths([1, 3, 3], 2, 2)).toEqual([null, 2, 0]);
  });
});
