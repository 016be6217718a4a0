import { describe, expect, it } from 'vitest';
import { mean, sma } from './sma.js';

describe('sma', () => {
  const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('averages the last `period` values', () => {
    // (8 + 9 + 10) / 3 = 9
    expect(sma(oneToTen, 3)).toBe(9);
  });

  it('averages the window that ends before `end`', () => {
    // indices 2, 3, 4 → (3 + 4 + 5) / 3 = 4
    expect(sma(oneToTen, 3, 5)).toBe(4);
  });

  it('is null when the series is shorter than the period', () => {
    expect(sma(oneToTen, 11)).toBeNull();
    expect(sma(oneToTen, 3, 2)).toBeNull();
    expect(sma([], 1)).toBeNull();
    expect(mean([])).toBeNull();
  });
});
