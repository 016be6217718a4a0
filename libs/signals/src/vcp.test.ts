import { describe, expect, it } from 'vitest';
import { aBarSeries, aStock, aVcpBase, NOW, repeat, scaled, withBar } from '../test/builders.js';
import { evaluateVcp } from './vcp.js';
import type { Bar } from './types.js';

/*
 * The golden base (test/builders.ts `vcpBaseCloses`, 260 bars, high = low = close):
 *   0–220   ramp 10,000 + 100·i        → H1 = 32,000 at 220
 *   221–228 31,200 … 25,600 (−800)     → L1 = 25,600 at 228   T1 = 6,400 / 32,000 = 20 %
 *   229–234 26,500 … 31,000 (+900)     → H2 = 31,000 at 234
 *   235–240 30,500 30,000 29,500 29,000 28,500 27,900 → L2 at 240   T2 = 3,100 / 31,000 = 10 %
 *   241–246 28,250 … 30,000 (+350)     → H3 = 30,000 at 246
 *   247–251 29,700 … 28,500 (−300)     → L3 = 28,500 at 251   T3 = 1,500 / 30,000 = 5 %
 *   252–259 28,650 … 29,700 (+150)     → today's close 29,700
 * Contractions: T2 ≤ 0.75 × 20 = 15 ✓, T3 ≤ 0.75 × 10 = 7.5 ✓, last 5 ≤ 10 ✓, T1 in 8–40 ✓;
 * pattern 220…259 = 40 bars ≥ 15 ✓.
 *
 * Trend template (leg sums: 221–228 = 8 × 28,400 = 227,200; 229–234 = 6 × 28,750 = 172,500;
 * 235–240 = 175,400; 241–246 = 6 × 29,125 = 174,750; 247–251 = 5 × 29,100 = 145,500;
 * 252–259 = 8 × 29,175 = 233,400; all of 221–259 = 1,128,750):
 *   SMA50  = (ramp 210–220: 11 × 31,500 = 346,500 + 1,128,750) / 50 = 29,505 < close 29,700 ✓
 *   SMA150 = (ramp 110–220: 111 × 26,500 = 2,941,500 + 1,128,750) / 150 = 27,135
 *   SMA200 = (ramp 60–220: 161 × 24,000 = 3,864,000 + 1,128,750) / 200 = 24,963.75
 *   SMA200 21 bars ago (39–238) = (182 × 22,950 = 4,176,900 + 227,200 + 172,500 + 119,000) / 200 = 23,478
 *   52 weeks (10–259): low 11,000, high 32,000 → 29,700 ≥ 14,300 ✓ and ≥ 24,000 ✓.
 *
 * Volumes: 0–219 100,000; 220–233 150,000; 234–245 100,000; 246–249 75,000; 250–259 40,000.
 *   last 50 (210–259) = 1,000,000 + 2,100,000 + 1,200,000 + 300,000 + 400,000 = 5,000,000 → mean 100,000
 *   dry-up ratio = 40,000 / 100,000 = 0.4 ≤ 0.7 ✓ (≤ 0.5 → 20 points)
 *   last contraction 246–251 = (4 × 75,000 + 2 × 40,000) / 6 = 63,333 < T1 220–228 = 150,000 ✓
 *
 * Pivot = H3 = 30,000; distance = (30,000 − 29,700) / 30,000 = 1 % → setup.
 * Score = trend 25 + quality 25 × (1 − 5/20) = 18.75 + dry-up 20 + proximity 15 × (1 − 1/8) = 13.125
 *       + RS 15 × (99 − 70) / 29 = 15  → 91.875 → 91.88 → grade S.
 * Levels: entry = 30,000 (on the 50-won grid), target = 30,000 × 1.20 = 36,000, stop = L3 = 28,500.
 */
const stock = aStock({ ticker: '123456', name: '골든테크' });

function vcp(bars: readonly Bar[], rsRating: number | null = 99, config = {}) {
  return evaluateVcp({ stock, bars, rsRating, now: NOW, config });
}

describe('evaluateVcp', () => {
  it('publishes the golden base as an S-grade setup with every field', () => {
    expect(vcp(aVcpBase())).toEqual({
      signal: {
        ticker: '123456',
        name: '골든테크',
        signal_type: 'vcp',
        score: 91.88,
        grade: 'S',
        state: 'setup',
        vcp_score: 91.88,
        total_score: 91.88,
        contractions: [20, 10, 5],
        dry_up_ratio: 0.4,
        pivot: 30_000,
        distance_to_pivot_pct: 1,
        rs_rating: 99,
        current_price: 29_700,
        entry_price: 30_000,
        target_price: 36_000,
        stop_price: 28_500,
        foreign_net_5d: null,
        inst_net_5d: null,
        signals: ['변동성 수축', '거래량 감소'],
        analysis_date: '2026-11-25',
        created_at: '2026-11-25T15:10:00+09:00',
      },
      reasons: [],
    });
  });

  it('scores a weaker dry-up and RS 70 as grade A with a 15 % target', () => {
    // Last ten volumes 60,000: mean50 = (5,000,000 − 400,000 + 600,000) / 50 = 104,000;
    // ratio = 60,000 / 104,000 = 0.577 → 15 points. RS 70 → 0 points.
    // 25 + 18.75 + 15 + 13.125 + 0 = 71.875 → 71.88 → A; target = 30,000 × 1.15 = 34,500.
    const { signal } = vcp(aVcpBase({ lastTen: 60_000 }), 70);
    expect(signal).toMatchObject({ score: 71.88, grade: 'A', dry_up_ratio: 0.577, rs_rating: 70, target_price: 34_500 });
  });

  it('publishes a close above the pivot on 1.5× volume as a breakout', () => {
    // Today 30,300 on 200,000 shares. Mean of the 50 bars before today (209–258):
    // 11 × 100,000 + 2,100,000 + 1,200,000 + 300,000 + 9 × 40,000 = 5,060,000 → 101,200;
    // 200,000 ≥ 1.5 × 101,200 = 151,800 ✓. Dry-up: (9 × 40,000 + 200,000) / 10 = 56,000 over
    // (5,060,000 − 100,000 + 200,000) / 50 = 103,200 → 0.543 → 15 points.
    // 25 + 18.75 + 15 + 15 (breakout) + 15 = 88.75 → S; distance (30,000 − 30,300) / 30,000 = −1 %.
    const bars = withBar(aVcpBase(), -1, { open: 30_300, high: 30_300, low: 30_300, close: 30_300, volume: 200_000 });
    const { signal } = vcp(bars);
    expect(signal).toMatchObject({
      state: 'breakout',
      score: 88.75,
      grade: 'S',
      dry_up_ratio: 0.543,
      distance_to_pivot_pct: -1,
      entry_price: 30_000,
    });
    expect(signal?.signals).toEqual(['변동성 수축', '거래량 감소', '피벗 돌파']);
  });

  it('does not publish a close above the pivot without volume', () => {
    // 150,000 < 151,800.
    const bars = withBar(aVcpBase(), -1, { open: 30_300, high: 30_300, low: 30_300, close: 30_300, volume: 150_000 });
    expect(vcp(bars)).toEqual({ signal: null, reasons: ['close 30300 above pivot 30000 on volume 150000 < 1.5 × mean 101200'] });
  });

  it('does not publish a close more than 8 % under the pivot', () => {
    // 27,500 is 8.33 % under 30,000 (and under SMA50, which the trend template reports too).
    const bars = withBar(aVcpBase(), -1, { open: 27_500, high: 27_500, low: 27_500, close: 27_500 });
    expect(vcp(bars).reasons).toContain('close 27500 more than 8 % below pivot 30000');
  });

  it('does not publish without a volume dry-up', () => {
    // Last ten at 100,000: mean50 = 5,600,000 / 50 = 112,000; 100,000 / 112,000 = 0.893 > 0.7.
    expect(vcp(aVcpBase({ lastTen: 100_000 })).reasons).toEqual(['dry-up ratio 0.893 > 0.7']);
  });

  it('does not publish when the last contraction trades more than the first', () => {
    // T1 region 220–233 at 40,000: T1 mean 40,000 ≤ last contraction 63,333.33 (dry-up still 0.578).
    const bars = aVcpBase().map((bar, i) => (i >= 220 && i <= 233 ? { ...bar, volume: 40_000 } : bar));
    expect(vcp(bars).reasons).toEqual(['mean volume in the last contraction 63333.33 ≥ in T1 40000']);
  });

  it('does not publish below grade B', () => {
    expect(vcp(aVcpBase(), 99, { gradeBMinScore: 95, gradeAMinScore: 96, gradeSMinScore: 97 }).reasons).toEqual([
      'score 91.88 below grade B (95)',
    ]);
  });

  it('lists trend-template failures, e.g. an RS rating under 70 or unknown', () => {
    expect(vcp(aVcpBase(), 69)).toEqual({ signal: null, reasons: ['RS rating 69 < 70'] });
    expect(vcp(aVcpBase(), null).reasons).toEqual(['RS rating unknown < 70']);
  });

  it('needs 260 bars', () => {
    expect(vcp(aVcpBase().slice(1))).toEqual({ signal: null, reasons: ['needs 260 bars, got 259'] });
    expect(vcp([])).toEqual({ signal: null, reasons: ['needs 260 bars, got 0'] });
  });

  it('publishes nothing for flat prices', () => {
    const { signal, reasons } = vcp(aBarSeries(repeat(10_000, 300)));
    expect(signal).toBeNull();
    expect(reasons).toContain('no swing high in the last 120 bars');
    expect(reasons).toContain('close 10000 ≤ SMA50 10000');
  });

  it('publishes nothing when no volume traded', () => {
    // The dry-up ratio 0 / 0 is undefined; the contraction volumes (0 < 0) fail too.
    const bars = aVcpBase().map((bar) => ({ ...bar, volume: 0 }));
    expect(vcp(bars)).toEqual({
      signal: null,
      reasons: ['no volume in the last 50 bars', 'mean volume in the last contraction 0 ≥ in T1 0'],
    });
  });

  it('excludes ETFs, preferred shares and SPACs', () => {
    expect(evaluateVcp({ stock: aStock({ kind: 'etf', name: 'KODEX 반도체' }), bars: aVcpBase(), rsRating: 99, now: NOW }).reasons).toEqual(
      ['not in the signal universe: kind etf'],
    );
    expect(evaluateVcp({ stock: aStock({ name: '골든테크우' }), bars: aVcpBase(), rsRating: 99, now: NOW }).reasons).toEqual([
      'not in the signal universe: preferred share by name',
    ]);
    expect(evaluateVcp({ stock: aStock({ name: '하나금융30호스팩' }), bars: aVcpBase(), rsRating: 99, now: NOW }).signal).toBeNull();
  });

  it('rounds an off-grid pivot up, the stop down and the target to the nearest tick', () => {
    // Prices × 1.001 in whole won: pivot 30,030 → entry 30,050 (50-won ticks); stop 28,529 → 28,500;
    // target 30,050 × 1.2 = 36,060 → 36,050 (10 from 36,050, 40 from 36,100).
    const { signal } = vcp(scaled(aVcpBase(), 1.001));
    expect(signal).toMatchObject({ pivot: 30_030, entry_price: 30_050, stop_price: 28_500, target_price: 36_050, grade: 'S' });
  });

  it('sums the last five days of foreign and institutional net buying in shares', () => {
    // Foreign: 100 − 50 + (not reported) + 200 + 30 = 280; institutions reported nothing → null.
    const flows = [100, -50, null, 200, 30];
    const bars = aVcpBase().map((bar, i, all) =>
      i >= all.length - 5 ? { ...bar, foreignNetBuy: flows[i - (all.length - 5)] ?? null } : bar,
    );
    expect(vcp(bars).signal).toMatchObject({ foreign_net_5d: 280, inst_net_5d: null });
  });
});
