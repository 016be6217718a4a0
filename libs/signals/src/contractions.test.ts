import { describe, expect, it } from 'vitest';
import { aBarSeries, repeat } from '../test/builders.js';
import { DEFAULT_VCP_CONFIG } from './config.js';
import { analyzeContractions } from './contractions.js';

const analyze = (closes: readonly number[]) => analyzeContractions(aBarSeries(closes), DEFAULT_VCP_CONFIG);
const depthsPct = (closes: readonly number[]) => analyze(closes).contractions.map((c) => Number((c.depth * 100).toFixed(2)));

// index:         0   1   2    3   4   5   6   7   8   9  10  11  12  13  14  15  16  17
const THREE_T = [90, 95, 100, 90, 80, 88, 96, 91, 86, 89, 92, 90, 88, 89, 90, 91, 92, 93];
// Swing highs: 2 (100), 6 (96), 10 (92). Swing lows: 4 (80), 8 (86), 12 (88).

describe('analyzeContractions', () => {
  it('walks H1 → lowest low → next high and measures each depth', () => {
    // T1 = (100 − 80) / 100 = 20 %;  T2 = (96 − 86) / 96 = 10.42 %;  T3 = (92 − 88) / 92 = 4.35 %.
    // T2 ≤ 0.75 × 20 = 15 ✓, T3 ≤ 0.75 × 10.42 = 7.81 ✓, last 4.35 ≤ 10 ✓.
    // Pattern: H1 at index 2 to the last bar 17 = 16 bars ≥ 15 ✓.
    const result = analyze(THREE_T);
    expect(result.contractions.map((c) => [c.highIndex, c.high, c.lowIndex, c.low])).toEqual([
      [2, 100, 4, 80],
      [6, 96, 8, 86],
      [10, 92, 12, 88],
    ]);
    expect(depthsPct(THREE_T)).toEqual([20, 10.42, 4.35]);
    expect(result.firstHighIndex).toBe(2);
    expect(result.patternBars).toBe(16);
    expect(result.failures).toEqual([]);
  });

  it('takes the lowest of two swing lows that have no swing high between them', () => {
    // idx: 0   1   2    3   4   5   6   7   8   9  10  11  12  13  14  15  16  17
    const w = [90, 95, 100, 92, 84, 90, 89, 80, 85, 88, 97, 93, 90, 92, 94, 95, 96, 97];
    // Lows at 4 (84) and 7 (80); 5 (90) is no swing high (92 two bars left is higher).
    // T1 = (100 − 80) / 100 = 20 %; next high 10 (97), low 12 (90): T2 = 7 / 97 = 7.22 %.
    expect(depthsPct(w)).toEqual([20, 7.22]);
    expect(analyze(w).failures).toEqual([]);
  });

  it('starts at the highest swing high of the last 120 bars only', () => {
    // A spike to 200 at index 2, then 130 flat bars push it out of the lookback.
    const closes = [100, 150, 200, 150, 100, ...repeat(90, 130), ...THREE_T.slice(2)];
    const result = analyze(closes);
    expect(result.contractions[0]?.high).toBe(100);
    expect(result.failures).toEqual([]);
  });

  it('rejects a first contraction deeper than 40 % or shallower than 8 %', () => {
    const deep = THREE_T.map((c, i) => (i === 4 ? 55 : c)); // T1 = 45 %
    expect(analyze(deep).failures).toContain('T1 45.00 % outside 8.00 %–40.00 %');
    // H1 10,000 at 2 → L1 9,500 at 4 (5 %); H2 9,900 at 7 → L2 9,700 at 10 (2.02 %).
    const shallow = [
      9_000, 9_500, 10_000, 9_700, 9_500, 9_700, 9_800, 9_900, 9_800, 9_750, 9_700, 9_750, 9_800, 9_850, 9_900, 9_950, 9_990,
    ];
    expect(depthsPct(shallow)).toEqual([5, 2.02]);
    expect(analyze(shallow).failures).toEqual(['T1 5.00 % outside 8.00 %–40.00 %']);
  });

  it('rejects a contraction deeper than 0.75 × the one before', () => {
    const loose = THREE_T.map((c, i) => (i === 8 ? 80 : c)); // T2 = 16 / 96 = 16.67 % > 15 %
    expect(analyze(loose).failures).toEqual(['T2 16.67 % > 0.75 × T1 20.00 %']);
  });

  it('rejects a last contraction deeper than 10 %', () => {
    // T1 = 30 / 100 = 30 %, T2 = 19 / 95 = 20 % (≤ 22.5 % ✓) but > 10 %.
    const wide = [90, 95, 100, 85, 70, 85, 95, 85, 76, 85, 88, 89, 90, 91, 92, 93, 94];
    expect(depthsPct(wide)).toEqual([30, 20]);
    expect(analyze(wide).failures).toEqual(['last contraction 20.00 % > 10.00 %']);
  });

  it('needs at least two contractions', () => {
    const one = [90, 95, 100, 90, 80, 82, 84, 86, 88, 90, 92, 94, 96, 97, 98, 99, 100];
    expect(analyze(one).failures).toEqual(['1 contraction(s), need 2']);
  });

  it('allows at most six contractions', () => {
    // Seven highs stepping down 100, 98, …, 88 with lows 5 below each: seven shallow contractions.
    const closes = [90, 95, 100];
    for (let high = 100; high >= 88; high -= 2) closes.push(high - 3, high - 5, high - 3, high - 2);
    closes[closes.length - 1] = 85;
    closes.push(87, 89);
    const result = analyze(closes);
    expect(result.contractions).toHaveLength(7);
    expect(result.failures).toContain('7 contractions, at most 6');
  });

  it('needs a pattern of 15 bars from H1', () => {
    // THREE_T cut after index 14: H1 at 2 → 13 bars.
    expect(analyze(THREE_T.slice(0, 15)).failures).toEqual(['pattern 13 bars, need 15']);
  });

  it('reports flat prices as having no swing high', () => {
    expect(analyze(repeat(10_000, 200))).toEqual({
      contractions: [],
      firstHighIndex: null,
      patternBars: 0,
      failures: ['no swing high in the last 120 bars'],
    });
  });
});
