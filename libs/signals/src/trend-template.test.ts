import { describe, expect, it } from 'vitest';
import { aBarSeries, ramp, repeat } from '../test/builders.js';
import { evaluateTrendTemplate } from './trend-template.js';

describe('evaluateTrendTemplate', () => {
  // close_i = 10,000 + 100·i for i = 0…259. The SMA of a linear series is its middle value:
  //   SMA50  = mean of i 210…259 = 10,000 + 100 × 234.5 = 33,450
  //   SMA150 = mean of i 110…259 = 10,000 + 100 × 184.5 = 28,450
  //   SMA200 = mean of i  60…259 = 10,000 + 100 × 159.5 = 25,950
  //   SMA200 21 bars ago = mean of i 39…238 = 25,950 − 2,100 = 23,850
  //   52 weeks = i 10…259: low 11,000, high 35,900; close 35,900 ≥ 1.3 × 11,000 and ≥ 0.75 × 35,900.
  const uptrend = aBarSeries(ramp(10_000, 100, 260));

  it('passes a steady uptrend with RS ≥ 70 and reports the compared values', () => {
    expect(evaluateTrendTemplate(uptrend, 70)).toEqual({
      passed: true,
      failures: [],
      values: {
        close: 35_900,
        smaShort: 33_450,
        smaMid: 28_450,
        smaLong: 25_950,
        smaLongBefore: 23_850,
        yearHigh: 35_900,
        yearLow: 11_000,
      },
    });
  });

  it('fails on an RS rating below 70 or unknown', () => {
    expect(evaluateTrendTemplate(uptrend, 69).failures).toEqual(['RS rating 69 < 70']);
    expect(evaluateTrendTemplate(uptrend, null).failures).toEqual(['RS rating unknown < 70']);
  });

  it('fails every moving-average rule and the 52-week-low rule on flat prices', () => {
    const result = evaluateTrendTemplate(aBarSeries(repeat(10_000, 260)), 99);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      'close 10000 ≤ SMA150 10000',
      'close 10000 ≤ SMA200 10000',
      'SMA150 10000 ≤ SMA200 10000',
      'SMA200 10000 not above 21 bars ago 10000',
      'SMA50 10000 ≤ SMA150 10000',
      'SMA50 10000 ≤ SMA200 10000',
      'close 10000 ≤ SMA50 10000',
      'close 10000 < 1.3 × 52-week low 10000',
    ]);
  });

  it('fails a close more than 25 % under the 52-week high', () => {
    // The ramp to 35,800 then a close of 26,000 < 0.75 × 35,800 = 26,850.
    const crash = aBarSeries([...ramp(10_000, 100, 259), 26_000]);
    expect(evaluateTrendTemplate(crash, 99).failures).toContain('close 26000 < 0.75 × 52-week high 35800');
  });

  it('needs 221 bars (SMA200 and its value 21 bars earlier)', () => {
    expect(evaluateTrendTemplate(uptrend.slice(-220), 99)).toEqual({
      passed: false,
      failures: ['trend template needs 221 bars, got 220'],
      values: null,
    });
    expect(evaluateTrendTemplate(uptrend.slice(-221), 99).values).not.toBeNull();
  });
});
