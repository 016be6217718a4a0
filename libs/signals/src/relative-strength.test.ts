import { describe, expect, it } from 'vitest';
import { aBarSeries, repeat } from '../test/builders.js';
import { RS_MIN_BARS, rsRatings, weightedReturn } from './relative-strength.js';

/** 253 bars at 100 with the last close 100 × (1 + r): every period return, and so the weighted one, is r. */
const withReturn = (r: number) => aBarSeries([...repeat(100, RS_MIN_BARS - 1), 100 * (1 + r)]);

describe('weightedReturn', () => {
  it('weights the 63-day return 0.4 and the 126-, 189- and 252-day returns 0.2 each', () => {
    // Last close 200 (index 252). 63 back (189): 160 → r63 = 0.25; 126 back (126): 100 → r126 = 1.0;
    // 189 back (63): 125 → r189 = 0.6; 252 back (0): 80 → r252 = 1.5.
    // 0.4 × 0.25 + 0.2 × (1.0 + 0.6 + 1.5) = 0.1 + 0.62 = 0.72.
    const closes = repeat(100, 253);
    closes[0] = 80;
    closes[63] = 125;
    closes[126] = 100;
    closes[189] = 160;
    closes[252] = 200;
    expect(weightedReturn(aBarSeries(closes))).toBeCloseTo(0.72, 12);
  });

  it('needs 253 bars', () => {
    expect(weightedReturn(aBarSeries(repeat(100, 252)))).toBeNull();
  });
});

describe('rsRatings', () => {
  it('ranks as a 1–99 percentile with ties sharing their average rank', () => {
    // Rated N = 5, ascending: A 0.1 (rank 1), B and C 0.2 (ranks 2 and 3 → 2.5), D 0.3 (4), E 0.5 (5).
    // rating = round(1 + 98 × (rank − 1) / 4): A 1; B, C 1 + 36.75 = 37.75 → 38; D 74.5 → 75; E 99.
    // SHORT has 100 bars: no weighted return, no rating, and it does not count in N.
    const histories = new Map([
      ['E', withReturn(0.5)],
      ['B', withReturn(0.2)],
      ['A', withReturn(0.1)],
      ['SHORT', aBarSeries(repeat(100, 100))],
      ['D', withReturn(0.3)],
      ['C', withReturn(0.2)],
    ]);
    expect(Object.fromEntries(rsRatings(histories))).toEqual({ A: 1, B: 38, C: 38, D: 75, E: 99 });
  });

  it('rates a single stock or an all-tied universe 50', () => {
    expect(rsRatings(new Map([['X', withReturn(0.3)]])).get('X')).toBe(50);
    const tied = rsRatings(
      new Map([
        ['X', withReturn(0.3)],
        ['Y', withReturn(0.3)],
        ['Z', withReturn(0.3)],
      ]),
    );
    expect([...tied.values()]).toEqual([50, 50, 50]);
    expect(rsRatings(new Map()).size).toBe(0);
  });
});
