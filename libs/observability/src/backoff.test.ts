import { describe, expect, it } from 'vitest';
import { cappedExponentialBackoff, fullJitterBackoff } from './backoff.js';

describe('fullJitterBackoff', () => {
  it('scales the exponential ceiling by the random draw', () => {
    const delay = fullJitterBackoff({ baseMs: 100, maxMs: 10_000, random: () => 0.5 });
    expect([0, 1, 2, 3].map(delay)).toEqual([50, 100, 200, 400]);
  });

  it('caps the ceiling at maxMs', () => {
    const delay = fullJitterBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0.5 });
    expect(delay(4)).toBe(500);
    expect(delay(60)).toBe(500);
    expect(delay(5_000)).toBe(500);
  });

  it('stays within [0, ceiling) at the extremes of random()', () => {
    const low = fullJitterBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0 });
    const high = fullJitterBackoff({ baseMs: 100, maxMs: 1_000, random: () => 1 - Number.EPSILON });
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(1_000, 100 * 2 ** attempt);
      expect(low(attempt)).toBe(0);
      expect(high(attempt)).toBeLessThan(ceiling);
      expect(high(attempt)).toBeGreaterThan(ceiling * 0.999);
    }
  });

  it('uses Math.random by default and stays in bounds', () => {
    const delay = fullJitterBackoff({ baseMs: 10, maxMs: 80 });
    for (let i = 0; i < 200; i++) {
      const value = delay(i % 6);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(Math.min(80, 10 * 2 ** (i % 6)));
    }
  });

  it('rejects a negative or fractional attempt', () => {
    const delay = fullJitterBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0.5 });
    expect(() => delay(-1)).toThrow(RangeError);
    expect(() => delay(1.5)).toThrow(RangeError);
    expect(() => delay(Number.NaN)).toThrow(RangeError);
  });

  it('rejects a non-positive base or a max below the base', () => {
    expect(() => fullJitterBackoff({ baseMs: 0, maxMs: 1_000 })).toThrow(/baseMs/);
    expect(() => fullJitterBackoff({ baseMs: Number.NaN, maxMs: 1_000 })).toThrow(/baseMs/);
    expect(() => fullJitterBackoff({ baseMs: 100, maxMs: 99 })).toThrow(/maxMs/);
    expect(() => fullJitterBackoff({ baseMs: 100, maxMs: Number.POSITIVE_INFINITY })).toThrow(/maxMs/);
  });
});

describe('cappedExponentialBackoff', () => {
  it('doubles from baseMs up to maxMs', () => {
    const delay = cappedExponentialBackoff({ baseMs: 250, maxMs: 3_000 });
    expect([0, 1, 2, 3, 4, 10].map(delay)).toEqual([250, 500, 1_000, 2_000, 3_000, 3_000]);
  });
});
