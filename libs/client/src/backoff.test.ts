import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from './backoff.js';

describe('fullJitterDelay', () => {
  it('doubles the ceiling per attempt and caps it at maxMs (random = 1 gives the ceiling)', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10, 60, 2_000].map((attempt) => fullJitterDelay(attempt, 500, 20_000, () => 1));
    expect(ceilings).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000, 20_000, 20_000]);
  });

  it('is uniform below the ceiling: random = 0 gives 0, random = 0.5 half the ceiling', () => {
    expect(fullJitterDelay(3, 500, 20_000, () => 0)).toBe(0);
    expect(fullJitterDelay(3, 500, 20_000, () => 0.5)).toBe(2_000);
  });

  it('stays within [0, min(maxMs, baseMs * 2^attempt)] for any random value and attempt', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 0; attempt < 40; attempt += 1) {
      for (let i = 0; i < 50; i += 1) {
        const delay = fullJitterDelay(attempt, 100, 7_000, random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(7_000, 100 * 2 ** attempt));
      }
    }
  });

  it('clamps nonsense: negative or fractional attempts, out-of-range or NaN random, huge exponents', () => {
    expect(fullJitterDelay(-3, 500, 20_000, () => 1)).toBe(500);
    expect(fullJitterDelay(1.9, 500, 20_000, () => 1)).toBe(1_000);
    expect(fullJitterDelay(Number.NaN, 500, 20_000, () => 1)).toBe(500);
    expect(fullJitterDelay(2, 500, 20_000, () => 7)).toBe(2_000);
    expect(fullJitterDelay(2, 500, 20_000, () => -1)).toBe(0);
    expect(fullJitterDelay(2, 500, 20_000, () => Number.NaN)).toBe(0);
    expect(fullJitterDelay(10_000, 500, 20_000, () => 1)).toBe(20_000);
    expect(fullJitterDelay(Number.POSITIVE_INFINITY, 500, 20_000, () => 1)).toBe(20_000);
  });
});
