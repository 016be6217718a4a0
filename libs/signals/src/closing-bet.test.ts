import { describe, expect, it } from 'vitest';
import { aBar, aStock, datesEnding, NOW, ramp, TODAY } from '../test/builders.js';
import { evaluateClosingBet, fallbackNewsScore } from './closing-bet.js';
import type { Bar } from './types.js';

const stock = aStock({ ticker: '000660', name: '종가테크' });

interface DayOptions {
  /** Closes of the 60 completed bars before today. */
  readonly history: readonly number[];
  /** High of each history bar (default close + 1 %). */
  readonly historyHigh?: (close: number, i: number) => number;
  readonly historyVolume: number;
  readonly today: Pick<Bar, 'open' | 'high' | 'close' | 'volume'> & { tradingValue: number | null };
  /** Net buying in shares on each of the last five bars (today included). */
  readonly foreign?: number | null;
  readonly institution?: number | null;
}

/** 60 completed bars plus today's bar, the last five carrying the given net buying. */
function aClosingBetDay(o: DayOptions): Bar[] {
  const dates = datesEnding(o.history.length + 1);
  const all = [
    ...o.history.map((close, i) =>
      aBar({
        close,
        open: close,
        high: o.historyHigh?.(close, i) ?? close * 1.01,
        low: close * 0.99,
        volume: o.historyVolume,
        tradingValue: null,
      }),
    ),
    aBar({ ...o.today, low: Math.min(o.today.open, o.today.close) }),
  ];
  return all.map((bar, i) => ({
    ...bar,
    date: dates[i] ?? TODAY,
    foreignNetBuy: i >= all.length - 5 ? (o.foreign ?? null) : null,
    institutionNetBuy: i >= all.length - 5 ? (o.institution ?? null) : null,
  }));
}

/*
 * Golden A day. History: 60 bars closing 50,000 (high 50,500), 2,000,000 shares each.
 * Today: open 51,000, high 54,400, close 54,000, 10,000,000 shares, trading value 6,000억.
 * Filters: 6e11 ≥ 1e11 ✓; change (54,000 − 50,000) / 50,000 = 8 % ✓; price ✓;
 *   body 3,000 > 0, upper shadow 400 ≤ 1,500 ✓.
 * news (fallback, ≥ 5,000억) 3; volume (≥ 5,000억) 2;
 * chart: 54,000 > previous 52-week high 50,500 → 1; SMA20 = (19 × 50,000 + 54,000) / 20 = 50,200 >
 *   SMA60 = (59 × 50,000 + 54,000) / 60 = 50,066.67 and 54,000 > 50,200 → 1; chart 2;
 * candle: 400 < 0.3 × 3,000 = 900 → 1; period: flat history, the prior widths are 0 → 0;
 * flow: foreign 100,000/day: 4 × 100,000 × 50,000 + 100,000 × 54,000 = 254억; institutions
 *   50,000/day: 127억; (254 + 127)억 / 6,000억 = 6.35 % → 1.
 * Base 3 + 2 + 2 + 1 + 0 + 1 = 9. Bonus: 10,000,000 / 2,000,000 = 5× → 4; chart ≥ 1 → 1; 8 % < 29.5 → 0;
 *   bonus 5, total 14. Grade: 6,000억 < 1조, ≥ 5,000억 and 14 ≥ 8 → A.
 * Levels: entry 54,000; stop 54,000 × 0.97 = 52,380 → 52,400 (100-won ticks); target 56,700;
 *   position floor(10,000,000 × 0.12 / 54,000) = floor(22.2) = 22.
 */
const goldenA = (): Bar[] =>
  aClosingBetDay({
    history: Array.from({ length: 60 }, () => 50_000),
    historyHigh: () => 50_500,
    historyVolume: 2_000_000,
    today: { open: 51_000, high: 54_400, close: 54_000, volume: 10_000_000, tradingValue: 600_000_000_000 },
    foreign: 100_000,
    institution: 50_000,
  });

/*
 * Weak day. History: closes 55,900 falling 100 a day to 50,000, highs close + 1 %, 3,000,000 shares.
 * Today: open 50,000, close 51,600 (+3.2 %), 1,500억; net buying 10,000 shares a day each.
 * news (fallback, ≥ 1,000억) 2; volume 1; chart: 51,600 < previous high 56,459 and
 *   SMA20 = (19 × 50,900 + 51,600) / 20 = 50,935 < SMA60 = (59 × 52,900 + 51,600) / 60 = 52,878.33 → 0;
 * period: a straight line has equal widths, no squeeze → 0; flow ≈ 2 × 5 × 10,000 × 50,300 / 1,500억 ≈ 3.4 % → 0.
 */
const weakDay = (today: { high: number; volume: number }): Bar[] =>
  aClosingBetDay({
    history: ramp(55_900, -100, 60),
    historyVolume: 3_000_000,
    today: { open: 50_000, high: today.high, close: 51_600, volume: today.volume, tradingValue: 150_000_000_000 },
    foreign: 10_000,
    institution: 10_000,
  });

function bet(bars: readonly Bar[], newsScore: number | null = null, config = {}) {
  return evaluateClosingBet({ stock, bars, now: NOW, newsScore, config });
}

describe('evaluateClosingBet', () => {
  it('scores the golden day 14 (base 9 + bonus 5) as grade A with every field', () => {
    expect(bet(goldenA())).toEqual({
      signal: {
        ticker: '000660',
        name: '종가테크',
        signal_type: 'jongga_v2',
        score: { total: 14, news: 3, volume: 2, chart: 2, candle: 1, period: 0, flow: 1, bonus: 5 },
        grade: 'A',
        position_size: 22,
        entry_price: 54_000,
        target_price: 56_700,
        stop_loss: 52_400,
        trading_value: 600_000_000_000,
        change_rate: 8,
        news_source: 'fallback',
        reasons: ['긍정적 뉴스 다수', '거래대금 급증', '차트 패턴 우수', '수급 개선', '양봉 돌파'],
        created_at: '2026-11-25T15:10:00+09:00',
        news_score: 3,
        volume_score: 2,
        chart_score: 2,
        candle_score: 1,
        period_score: 0,
        flow_score: 1,
      },
      reasons: [],
    });
  });

  it('gives a limit-up day (+30 %, ≥ 29.5 %) the upper-limit bonus and grade S', () => {
    // History 10,000 (high 10,100), 5,000,000 shares; today open 10,500, close = high 13,000 (+30 %),
    // 100,000,000 shares, 1.2조. News from a scorer: 1. Volume 3 (≥ 1조). Chart: 13,000 > 10,100
    // → 1; SMA20 10,150 > SMA60 10,050 → 1. Candle: no upper shadow → 1. Period 0.
    // Flow: foreign 4 × 1,000,000 × 10,000 + 1,000,000 × 13,000 = 530억, institutions half = 265억;
    // 795억 / 1.2조 = 6.6 % → 1. Base 1 + 3 + 2 + 1 + 0 + 1 = 8.
    // Bonus: 20× volume → 5, chart → 1, limit-up → 1 = 7. Total 15, 1.2조 → S.
    // Levels: stop 12,610, target 13,650 (10-won ticks); position floor(1,500,000 / 13,000) = 115.
    const bars = aClosingBetDay({
      history: Array.from({ length: 60 }, () => 10_000),
      historyHigh: () => 10_100,
      historyVolume: 5_000_000,
      today: { open: 10_500, high: 13_000, close: 13_000, volume: 100_000_000, tradingValue: 1_200_000_000_000 },
      foreign: 1_000_000,
      institution: 500_000,
    });
    expect(bet(bars, 1).signal).toMatchObject({
      score: { total: 15, news: 1, volume: 3, chart: 2, candle: 1, period: 0, flow: 1, bonus: 7 },
      grade: 'S',
      news_source: 'scorer',
      change_rate: 30,
      entry_price: 13_000,
      stop_loss: 12_610,
      target_price: 13_650,
      position_size: 115,
      reasons: ['거래대금 급증', '차트 패턴 우수', '수급 개선', '양봉 돌파'],
    });
  });

  it('counts exactly +29.5 % as the upper limit and +29.4 % not', () => {
    const day = (close: number) =>
      aClosingBetDay({
        history: Array.from({ length: 60 }, () => 10_000),
        historyVolume: 5_000_000,
        today: { open: 10_500, high: close, close, volume: 5_000_000, tradingValue: 1_200_000_000_000 },
        foreign: 1_000_000,
        institution: 500_000,
      });
    // Volume 1× → 0, chart ≥ 1 → 1: bonus 1 + limit-up.
    expect(bet(day(12_950)).signal?.score.bonus).toBe(2);
    expect(bet(day(12_940)).signal?.score.bonus).toBe(1);
  });

  it('grades a weak day with a 3× volume and a clean candle B', () => {
    // Weak day, high 51,700 (shadow 100 < 0.3 × 1,600 = 480 → candle 1), 9,000,000 shares = 3× → bonus 2.
    // Total 2 + 1 + 0 + 1 + 0 + 0 + 2 = 6 with 1,500억 → B. Stop 51,600 × 0.97 = 50,052 → 50,100;
    // target 54,180 → 54,200; position floor(1,000,000 / 51,600) = 19.
    expect(bet(weakDay({ high: 51_700, volume: 9_000_000 })).signal).toMatchObject({
      score: { total: 6, news: 2, volume: 1, chart: 0, candle: 1, period: 0, flow: 0, bonus: 2 },
      grade: 'B',
      stop_loss: 50_100,
      target_price: 54_200,
      position_size: 19,
      reasons: ['긍정적 뉴스 다수', '양봉 돌파'],
    });
  });

  it('publishes nothing when the total reaches no grade', () => {
    // Weak day, shadow 600 (≤ 800 passes the filter, not < 480: candle 0), 1× volume: total 2 + 1 = 3.
    expect(bet(weakDay({ high: 52_200, volume: 3_000_000 }))).toEqual({
      signal: null,
      reasons: ['total 3 with trading value 150000000000 reaches no grade'],
    });
  });

  it('says 종목 분석 완료 when no item earns a reason', () => {
    // Weak day (shadow 600: candle 0) at 3× volume with a scorer's 0 news: 0 + 1 (volume) + 2 (bonus)
    // = 3, below B; with the B threshold lowered to 2 it publishes, and no item reaches a reason.
    const { signal } = bet(weakDay({ high: 52_200, volume: 9_000_000 }), 0, { gradeBMinTotal: 2 });
    expect(signal?.reasons).toEqual(['종목 분석 완료']);
  });

  it('scores 기간조정 after a Bollinger squeeze and a close above the upper band', () => {
    // History 10,000 except a 12,000 spike at index 36; today 10,800 (+8 %).
    // Widths of the 20 windows ending 36…55 all contain the spike: mean 10,100, σ = 2,000·√19 / 20,
    //   width W = 4σ / 10,100 = 400·√19 / 10,100 ≈ 0.1726.
    // Windows ending 56…59 are flat (0); the one ending today (41…60) holds one outlier of 800:
    //   mean 10,040, σ = 40·√19, width 160·√19 / 10,040 ≈ 0.0695, upper band 10,040 + 80·√19 ≈ 10,388.7.
    // Recent mean 0.0695 / 5 ≈ 0.0139 < 0.8 × 0.1726 ≈ 0.1381 and 10,800 > 10,388.7 → period 1.
    const history = Array.from({ length: 60 }, (_, i) => (i === 36 ? 12_000 : 10_000));
    const bars = aClosingBetDay({
      history,
      historyHigh: (close) => close,
      historyVolume: 1_000_000,
      today: { open: 10_200, high: 10_800, close: 10_800, volume: 1_000_000, tradingValue: 200_000_000_000 },
      foreign: 1_000_000,
      institution: 1_000_000,
    });
    expect(bet(bars).signal?.score.period).toBe(1);
    // The spike at index 45 instead: the recent windows still hold it, nothing contracted → 0.
    const late = history.map((_, i) => (i === 45 ? 12_000 : 10_000));
    expect(
      bet(
        aClosingBetDay({
          history: late,
          historyHigh: (c) => c,
          historyVolume: 1_000_000,
          today: { open: 10_200, high: 10_800, close: 10_800, volume: 1_000_000, tradingValue: 200_000_000_000 },
          foreign: 1_000_000,
          institution: 1_000_000,
        }),
      ).signal?.score.period,
    ).toBe(0);
  });

  it('applies every filter', () => {
    const today = (change: Partial<Bar>): Bar[] => goldenA().map((bar, i, all) => (i === all.length - 1 ? { ...bar, ...change } : bar));
    expect(bet(today({ tradingValue: 99_999_999_999 })).reasons).toEqual(['trading value 99999999999 < 100000000000']);
    expect(bet(today({ close: 51_450, high: 51_450 })).reasons).toEqual(['change 2.9 % outside 3–30 %']);
    expect(bet(today({ close: 65_500, high: 65_500 })).reasons).toEqual(['change 31 % outside 3–30 %']);
    expect(bet(today({ high: 55_600 })).reasons).toEqual(['upper shadow 1600 > 0.5 × body 3000']);
    expect(bet(today({ high: 55_500 })).signal?.score.candle).toBe(0); // 1,500 = 0.5 × body passes; not < 900
    expect(bet(today({ open: 54_000 })).reasons).toEqual(['no bullish body (open 54000, close 54000)']);
    const penny = aClosingBetDay({
      history: Array.from({ length: 60 }, () => 900),
      historyVolume: 1,
      today: { open: 900, high: 950, close: 950, volume: 1, tradingValue: 200_000_000_000 },
    });
    expect(bet(penny).reasons).toEqual(['price 950 outside 1000–500000']);
  });

  it('needs foreign and institutional net buying for a grade', () => {
    const bars = goldenA().map((bar, i, all) => (i === all.length - 1 ? { ...bar, foreignNetBuy: -500_000 } : bar));
    // Foreign 4 × 100,000 − 500,000 = −100,000 shares.
    expect(bet(bars).reasons).toEqual(['grades need foreign and institutional 5-day net buying > 0, got -100000 and 250000 shares']);
    const unknown = goldenA().map((bar) => ({ ...bar, institutionNetBuy: null }));
    expect(bet(unknown).reasons).toEqual(['grades need foreign and institutional 5-day net buying > 0, got 500000 and unknown shares']);
  });

  it('skips today’s not-yet-reported investor flows', () => {
    // During the session today's bar has no flows: the four known days still count.
    const bars = goldenA().map((bar, i, all) => (i === all.length - 1 ? { ...bar, foreignNetBuy: null, institutionNetBuy: null } : bar));
    // (4 × 100,000 + 4 × 50,000) × 50,000 = 300억 / 6,000억 = 5 % → flow 1.
    expect(bet(bars).signal?.score.flow).toBe(1);
  });

  it('needs 60 bars before today and today’s bar', () => {
    expect(bet(goldenA().slice(1))).toEqual({ signal: null, reasons: ['needs 60 bars before today, got 59'] });
    expect(bet([])).toEqual({ signal: null, reasons: ['needs 60 bars before today, got 0'] });
    const yesterday = new Date('2026-11-26T15:10:00+09:00');
    expect(evaluateClosingBet({ stock, bars: goldenA(), now: yesterday }).reasons).toEqual([
      "last bar 2026-11-25 is not today's (20261126)",
    ]);
    expect(evaluateClosingBet({ stock, bars: goldenA(), now: yesterday, config: { requireTodayBar: false } }).signal?.grade).toBe('A');
  });

  it('fails the trading-value filter on a day without volume', () => {
    // No reported trading value: close × volume = 0.
    const bars = goldenA().map((bar, i, all) => (i === all.length - 1 ? { ...bar, volume: 0, tradingValue: null } : bar));
    expect(bet(bars).reasons).toEqual(['trading value 0 < 100000000000']);
  });

  it('gives no volume bonus when the history traded nothing', () => {
    const bars = goldenA().map((bar, i, all) => (i < all.length - 1 ? { ...bar, volume: 0 } : bar));
    // Bonus 5 − 4 (the volume tiers) = 1; total 10.
    expect(bet(bars).signal?.score).toMatchObject({ bonus: 1, total: 10 });
  });

  it('excludes ETFs, preferred shares and SPACs', () => {
    expect(evaluateClosingBet({ stock: aStock({ name: 'TIGER 200', kind: 'etf' }), bars: goldenA(), now: NOW }).reasons).toEqual([
      'not in the signal universe: kind etf',
    ]);
    expect(evaluateClosingBet({ stock: aStock({ name: '현대차2우B' }), bars: goldenA(), now: NOW }).signal).toBeNull();
    expect(evaluateClosingBet({ stock: aStock({ name: '엔에이치스팩30호' }), bars: goldenA(), now: NOW }).signal).toBeNull();
  });

  it('takes a scorer’s news points, clamped to 0–3 and rounded, and falls back without one', () => {
    expect(bet(goldenA(), 2.6).signal).toMatchObject({ news_score: 3, news_source: 'scorer' });
    expect(bet(goldenA(), 7).signal?.news_score).toBe(3);
    expect(bet(goldenA(), -1).signal?.news_score).toBe(0);
    expect(bet(goldenA(), Number.NaN).signal).toMatchObject({ news_score: 3, news_source: 'fallback' });
  });
});

describe('fallbackNewsScore', () => {
  it('gives ≥ 5,000억 3 points, ≥ 1,000억 2 and less 1', () => {
    expect(fallbackNewsScore(500_000_000_000)).toBe(3);
    expect(fallbackNewsScore(499_999_999_999)).toBe(2);
    expect(fallbackNewsScore(100_000_000_000)).toBe(2);
    expect(fallbackNewsScore(99_999_999_999)).toBe(1);
  });
});
