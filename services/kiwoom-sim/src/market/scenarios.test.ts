import { kstInstant } from '@repo/market';
import { describe, expect, it } from 'vitest';
import type { DailyBar, SimMarket } from './model.js';
import { createSimClock } from './sim-clock.js';
import { createSimMarket } from './sim-market.js';

// Local, minimal versions of the signals.md rules; the real signal library comes later.

const EXCLUDED_NAME = /KODEX|TIGER|KBSTAR|ARIRANG|HANARO|SOL|ACE|RISE|PLUS|KIWOOM|ETN|스팩|SPAC|리츠|인버스|레버리지|우[BC]?$|[123]우/;

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
/** SMA of `n` closes ending `offset` bars before the newest (bars newest first). */
const sma = (bars: readonly DailyBar[], n: number, offset = 0): number => mean(bars.slice(offset, offset + n).map((b) => b.close));

function signalUniverse(market: SimMarket): string[] {
  return market
    .universe()
    .filter((i) => i.kind === 'stock' && !EXCLUDED_NAME.test(i.name))
    .map((i) => i.ticker);
}

/** RS rating 1–99: percentile of 0.4·r63 + 0.2·r126 + 0.2·r189 + 0.2·r252 across the universe. */
function rsRatings(market: SimMarket): Map<string, number> {
  const scores = signalUniverse(market).map((ticker) => {
    const bars = market.dailyBars(ticker);
    const r = (n: number): number => (bars[0]?.close ?? 0) / (bars[n]?.close ?? 1) - 1;
    return { ticker, score: 0.4 * r(63) + 0.2 * r(126) + 0.2 * r(189) + 0.2 * r(252) };
  });
  const sorted = [...scores].sort((a, b) => a.score - b.score);
  return new Map(sorted.map((s, rank) => [s.ticker, 1 + Math.floor((98 * rank) / (sorted.length - 1))]));
}

function trendTemplate(bars: readonly DailyBar[]): Record<string, boolean> {
  const close = bars[0]?.close ?? 0;
  const year = bars.slice(0, 250);
  const high52 = Math.max(...year.map((b) => b.high));
  const low52 = Math.min(...year.map((b) => b.low));
  return {
    aboveSma150and200: close > sma(bars, 150) && close > sma(bars, 200),
    sma150OverSma200: sma(bars, 150) > sma(bars, 200),
    sma200Rising: sma(bars, 200) > sma(bars, 200, 21),
    sma50OverLonger: sma(bars, 50) > sma(bars, 150) && sma(bars, 50) > sma(bars, 200),
    aboveSma50: close > sma(bars, 50),
    farFromLow: close >= 1.3 * low52,
    nearHigh: close >= 0.75 * high52,
  };
}

interface Contraction {
  readonly highIndex: number;
  readonly high: number;
  readonly lowIndex: number;
  readonly low: number;
  readonly depth: number;
}

/** 5-bar fractal swings in the last 120 bars; from the highest swing high, high → lowest low → next high. */
function contractions(newestFirst: readonly DailyBar[]): { list: Contraction[]; window: DailyBar[] } {
  const window = newestFirst.slice(0, 120).reverse();
  const isSwing = (i: number, pick: (b: DailyBar) => number, higher: boolean): boolean => {
    const v = pick(window[i] as DailyBar);
    return [-2, -1, 1, 2].every((d) => {
      const other = window[i + d];
      return other !== undefined && (higher ? v > pick(other) : v < pick(other));
    });
  };
  const highs: number[] = [];
  const lows: number[] = [];
  for (let i = 2; i < window.length - 2; i += 1) {
    if (isSwing(i, (b) => b.high, true)) highs.push(i);
    if (isSwing(i, (b) => b.low, false)) lows.push(i);
  }
  const highOf = (i: number): number => window[i]?.high ?? 0;
  const lowOf = (i: number): number => window[i]?.low ?? 0;
  let current = highs.reduce((best, i) => (highOf(i) > highOf(best) ? i : best), highs[0] ?? -1);
  const list: Contraction[] = [];
  while (current >= 0 && list.length < 6) {
    const from = current;
    const next = highs.find((i) => i > from);
    const between = lows.filter((i) => i > from && i < (next ?? window.length));
    if (between.length === 0) break;
    const low = between.reduce((best, i) => (lowOf(i) < lowOf(best) ? i : best));
    list.push({ highIndex: from, high: highOf(from), lowIndex: low, low: lowOf(low), depth: (highOf(from) - lowOf(low)) / highOf(from) });
    current = next ?? -1;
  }
  return { list, window };
}

function vcpState(market: SimMarket, ticker: string) {
  const bars = market.dailyBars(ticker);
  const { list, window } = contractions(bars);
  const first = list[0];
  const last = list[list.length - 1];
  const volumeIn = (c: Contraction | undefined): number =>
    c === undefined ? 0 : mean(window.slice(c.highIndex, c.lowIndex + 1).map((b) => b.volume));
  const close = bars[0]?.close ?? 0;
  const mean50 = mean(bars.slice(0, 50).map((b) => b.volume));
  return {
    bars,
    depths: list.map((c) => c.depth),
    patternBars: first === undefined ? 0 : window.length - first.highIndex,
    dryUpRatio: mean(bars.slice(0, 10).map((b) => b.volume)) / mean50,
    lastVolumeBelowFirst: volumeIn(last) < volumeIn(first),
    pivot: last?.high ?? 0,
    close,
    volumeVsMean50: (bars[0]?.volume ?? 0) / mean50,
  };
}

function expectContractionsHold(depths: readonly number[]): void {
  expect(depths.length).toBeGreaterThanOrEqual(2);
  expect(depths.length).toBeLessThanOrEqual(4);
  expect(depths[0]).toBeGreaterThanOrEqual(0.08);
  expect(depths[0]).toBeLessThanOrEqual(0.4);
  for (let i = 1; i < depths.length; i += 1) expect(depths[i]).toBeLessThanOrEqual(0.75 * (depths[i - 1] ?? 0));
  expect(depths[depths.length - 1]).toBeLessThanOrEqual(0.1);
}

const kst = (date: string, hour: number, minute = 0): Date => kstInstant(date, hour * 3600 + minute * 60);

// Two simulated todays (a Wednesday and the first trading day of 2026) and two seeds.
const CASES = [
  { seed: 20261125, at: kst('20261125', 15, 45) },
  { seed: 'other seed', at: kst('20260102', 16, 0) },
];

describe.each(CASES)('planted scenarios (seed $seed, $at)', ({ seed, at }) => {
  const market = createSimMarket({ seed, clock: createSimClock({ fixed: at }) });
  const plantedOf = (kind: string): string => market.planted().find((p) => p.kind === kind)?.ticker ?? '';
  const rs = rsRatings(market);

  it('plants every scenario on a real common stock of the universe', () => {
    for (const p of market.planted()) {
      const inst = market.instrument(p.ticker);
      expect(inst?.kind).toBe('stock');
      expect(EXCLUDED_NAME.test(inst?.name ?? '')).toBe(false);
    }
  });

  it.each(['vcp_setup', 'vcp_breakout'])('%s passes the trend template over 260+ bars with RS ≥ 70', (kind) => {
    const ticker = plantedOf(kind);
    const bars = market.dailyBars(ticker);
    expect(bars.length).toBeGreaterThanOrEqual(260);
    expect(trendTemplate(bars)).toEqual({
      aboveSma150and200: true,
      sma150OverSma200: true,
      sma200Rising: true,
      sma50OverLonger: true,
      aboveSma50: true,
      farFromLow: true,
      nearHigh: true,
    });
    expect(rs.get(ticker)).toBeGreaterThanOrEqual(70);
  });

  it('vcp_setup: shrinking contractions, dried-up volume, close just under the pivot', () => {
    const s = vcpState(market, plantedOf('vcp_setup'));
    expectContractionsHold(s.depths);
    expect(s.patternBars).toBeGreaterThanOrEqual(15);
    expect(s.dryUpRatio).toBeLessThanOrEqual(0.7);
    expect(s.lastVolumeBelowFirst).toBe(true);
    expect(s.close).toBeLessThanOrEqual(s.pivot);
    expect(s.close).toBeGreaterThanOrEqual(0.92 * s.pivot);
  });

  it('vcp_breakout: the same base, closing over the pivot on ≥ 1.5× the 50-bar volume', () => {
    const s = vcpState(market, plantedOf('vcp_breakout'));
    expectContractionsHold(s.depths);
    expect(s.dryUpRatio).toBeLessThanOrEqual(0.7);
    expect(s.lastVolumeBelowFirst).toBe(true);
    expect(s.close).toBeGreaterThan(s.pivot);
    expect(s.volumeVsMean50).toBeGreaterThanOrEqual(1.5);
  });

  it('closing_bet: passes the 종가베팅 V2 filters with flows and grade B or better', () => {
    const ticker = plantedOf('closing_bet');
    const [today, ...before] = market.dailyBars(ticker);
    expect(today).toBeDefined();
    if (today === undefined) return;
    const prev = before[0]?.close ?? 0;
    const change = (today.close - prev) / prev;
    const body = today.close - today.open;
    const upperShadow = today.high - today.close;
    const avg20 = mean(before.slice(0, 20).map((b) => b.volume));
    const last5 = [today, ...before.slice(0, 4)];
    const for5d = last5.reduce((s, b) => s + b.foreignNet * b.close, 0);
    const inst5d = last5.reduce((s, b) => s + b.institutionNet * b.close, 0);
    expect(today.tradingValue).toBeGreaterThanOrEqual(1e11);
    expect(change).toBeGreaterThanOrEqual(0.03);
    expect(change).toBeLessThanOrEqual(0.3);
    expect(today.close).toBeGreaterThanOrEqual(1_000);
    expect(today.close).toBeLessThanOrEqual(500_000);
    expect(body).toBeGreaterThan(0);
    expect(upperShadow).toBeLessThanOrEqual(0.5 * body);
    expect(today.close).toBeGreaterThanOrEqual(0.99 * today.high);
    expect(today.volume).toBeGreaterThanOrEqual(2 * avg20);
    expect(last5.every((b) => b.foreignNet > 0 && b.institutionNet > 0)).toBe(true);

    // The 12-point base score plus bonus (signals.md), without the period item.
    const value = today.tradingValue;
    const news = value >= 5e11 ? 3 : 2;
    const volume = value >= 1e12 ? 3 : value >= 5e11 ? 2 : 1;
    const prevHigh52 = Math.max(...before.slice(0, 250).map((b) => b.high));
    const bars = market.dailyBars(ticker);
    const chart = (today.close > prevHigh52 ? 1 : 0) + (sma(bars, 20) > sma(bars, 60) && today.close > sma(bars, 20) ? 1 : 0);
    const candle = body > 0 && upperShadow < 0.3 * body ? 1 : 0;
    const flowRatio = (Math.max(0, for5d) + Math.max(0, inst5d)) / value;
    const flow = flowRatio >= 0.1 ? 2 : flowRatio >= 0.05 ? 1 : 0;
    const ratio = today.volume / avg20;
    const bonus = (ratio >= 6 ? 5 : ratio >= 5 ? 4 : ratio >= 4 ? 3 : ratio >= 3 ? 2 : ratio >= 2 ? 1 : 0) + (chart >= 1 ? 1 : 0);
    expect(news + volume + chart + candle + flow + bonus).toBeGreaterThanOrEqual(6);
    expect(chart).toBe(2);
  });

  it('keeps one stock at the upper limit and one at the lower limit all day', () => {
    const up = market.quote(plantedOf('upper_limit'));
    const down = market.quote(plantedOf('lower_limit'));
    expect(up?.price).toBe(up?.upperLimit);
    expect(up?.bestAsk).toBeNull();
    expect(down?.price).toBe(down?.lowerLimit);
    expect(down?.bestBid).toBeNull();
  });
});

describe('closing-bet candidate during the 14:50–15:20 window', () => {
  it('already passes the value, change and near-high filters at 15:00 on the live partial bar', () => {
    const market = createSimMarket({ seed: 3, clock: createSimClock({ fixed: kst('20261125', 15, 0) }) });
    const ticker = market.planted().find((p) => p.kind === 'closing_bet')?.ticker ?? '';
    const quote = market.quote(ticker);
    const [today] = market.dailyBars(ticker);
    expect(quote).toBeDefined();
    if (quote === undefined || today === undefined) return;
    expect(today.close).toBe(quote.price);
    expect(quote.tradingValue).toBeGreaterThanOrEqual(1e11);
    expect((quote.price - quote.prevClose) / quote.prevClose).toBeGreaterThanOrEqual(0.03);
    expect(quote.price).toBeGreaterThanOrEqual(0.97 * (quote.high ?? 0));
  });
});
