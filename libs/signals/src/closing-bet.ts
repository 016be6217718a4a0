import { kstDate, kstIso, roundToTick } from '@repo/market';
import { resolveClosingBetConfig, type ClosingBetConfig } from './config.js';
import { netBuying, tradingValueOf } from './flows.js';
import { bollingerBands, bollingerWidths } from './indicators/bollinger.js';
import { mean, sma } from './indicators/sma.js';
import { clamp, roundTo, tiersReached } from './numbers.js';
import { universeExclusion } from './universe.js';
import { assertBarsOldestFirst, type Bar, type Grade, type StockInfo } from './types.js';

/** News points 0–3 for a ticker, or null when the scorer knows nothing about it (then the fallback applies). */
export type NewsScorer = (ticker: string) => number | null;

/** The 12-point base score's items and the bonus; `total` = base + bonus (≤ 19). */
export type ClosingBetScore = {
  readonly total: number;
  readonly news: number;
  readonly volume: number;
  readonly chart: number;
  readonly candle: number;
  readonly period: number;
  readonly flow: number;
  readonly bonus: number;
};

/**
 * A published closing-bet V2 item (signals.md), plus `signal_type: 'jongga_v2'` and the flat
 * `*_score` fields the closing-bet page reads (seed-protocol.md §9.5). A type alias so it is
 * assignable to `Record<string, unknown>`.
 */
export type ClosingBetSignal = {
  readonly ticker: string;
  readonly name: string;
  readonly signal_type: 'jongga_v2';
  readonly score: ClosingBetScore;
  readonly grade: Grade;
  /** Shares to buy with the configured capital. */
  readonly position_size: number;
  /** Today's close (the live price during the session), on the tick grid. */
  readonly entry_price: number;
  readonly target_price: number;
  readonly stop_loss: number;
  /** Today's trading value, KRW. */
  readonly trading_value: number;
  /** Percent against the previous bar's close, two decimals. */
  readonly change_rate: number;
  /** `scorer` when a news score was given, `fallback` when it came from the trading value. */
  readonly news_source: 'scorer' | 'fallback';
  readonly reasons: readonly string[];
  readonly created_at: string;
  readonly news_score: number;
  readonly volume_score: number;
  readonly chart_score: number;
  readonly candle_score: number;
  readonly period_score: number;
  readonly flow_score: number;
};

export interface ClosingBetInput {
  readonly stock: StockInfo;
  /** Oldest first; the last bar is today's (built from the live quote during the session). */
  readonly bars: readonly Bar[];
  readonly now: Date;
  /** From a NewsScorer; null or absent → the trading-value fallback. Clamped to 0–3 and rounded. */
  readonly newsScore?: number | null;
  readonly config?: Partial<ClosingBetConfig>;
}

export interface ClosingBetResult {
  readonly signal: ClosingBetSignal | null;
  /** Why there is no signal, for debugging; empty when there is one. */
  readonly reasons: readonly string[];
}

export const CLOSING_BET_REASONS = Object.freeze({
  news: '긍정적 뉴스 다수',
  volume: '거래대금 급증',
  chart: '차트 패턴 우수',
  flow: '수급 개선',
  candle: '양봉 돌파',
  none: '종목 분석 완료',
});

/** News points from today's trading value when no scorer answered: ≥ 5,000억 → 3, ≥ 1,000억 → 2, else 1. */
export function fallbackNewsScore(tradingValueKrw: number, overrides?: Partial<ClosingBetConfig>): number {
  return 1 + tiersReached(tradingValueKrw, resolveClosingBetConfig(overrides).newsFallbackTiersKrw);
}

/** 종가베팅 V2 (signals.md): filters, the 12-point base score, bonus, grade, levels and position size. */
export function evaluateClosingBet(input: ClosingBetInput): ClosingBetResult {
  const config = resolveClosingBetConfig(input.config);
  const { stock, bars } = input;
  assertBarsOldestFirst(bars);
  const excluded = universeExclusion(stock);
  if (excluded !== null) return fail([`not in the signal universe: ${excluded}`]);
  const history = bars.length - 1;
  if (history < config.minHistoryBars) return fail([`needs ${config.minHistoryBars} bars before today, got ${Math.max(0, history)}`]);
  const today = bars[history] as Bar;
  const previous = bars[history - 1] as Bar;
  if (config.requireTodayBar && today.date.replaceAll('-', '') !== kstDate(input.now)) {
    return fail([`last bar ${today.date} is not today's (${kstDate(input.now)})`]);
  }

  const tradingValue = tradingValueOf(today);
  // × 100 before dividing keeps whole-won changes exact: 10,000 → 12,950 is 29.5, not 29.499….
  const changePct = previous.close > 0 ? ((today.close - previous.close) * 100) / previous.close : Number.NaN;
  const body = today.close - today.open;
  const upperShadow = today.high - Math.max(today.open, today.close);
  const reasons = filterFailures(today, tradingValue, changePct, body, upperShadow, config);
  if (reasons.length > 0) return fail(reasons);

  const closes = bars.map((b) => b.close);
  const news = newsPoints(input.newsScore, tradingValue, config);
  const volume = tiersReached(tradingValue, config.volumeTiersKrw);
  const chart = chartPoints(bars, closes, config);
  const candle = body > 0 && upperShadow < config.candleMaxUpperShadowToBody * body ? 1 : 0;
  const period = isSqueezeBreakout(closes, config) ? 1 : 0;
  const flows = netBuying(bars, config.flowDays);
  const flowKrw = Math.max(0, flows.foreignKrw ?? 0) + Math.max(0, flows.institutionKrw ?? 0);
  const flow = tiersReached(flowKrw / tradingValue, config.flowTiers);

  const priorVolume = mean(bars.slice(-1 - config.volumeMeanBars, -1).map((b) => b.volume));
  const volumeBonus = priorVolume !== null && priorVolume > 0 ? tiersReached(today.volume / priorVolume, config.volumeRatioTiers) : 0;
  const bonus = volumeBonus + (chart >= 1 ? 1 : 0) + (changePct >= config.limitUpChangePct ? 1 : 0);
  const total = news.points + volume + chart + candle + period + flow + bonus;

  const for5d = flows.foreignShares;
  const inst5d = flows.institutionShares;
  if (for5d === null || for5d <= 0 || inst5d === null || inst5d <= 0) {
    return fail([
      `grades need foreign and institutional 5-day net buying > 0, got ${for5d ?? 'unknown'} and ${inst5d ?? 'unknown'} shares`,
    ]);
  }
  const grade = gradeOf(tradingValue, total, config);
  if (grade === null) return fail([`total ${total} with trading value ${tradingValue} reaches no grade`]);

  const entry = roundToTick(today.close, stock.kind, 'nearest');
  const share = grade === 'S' ? config.positionShareS : grade === 'A' ? config.positionShareA : config.positionShareB;
  const score: ClosingBetScore = { total, news: news.points, volume, chart, candle, period, flow, bonus };
  const signal: ClosingBetSignal = {
    ticker: stock.ticker,
    name: stock.name,
    signal_type: 'jongga_v2',
    score,
    grade,
    // The budget is rounded to whole won first so 0.12 × 10,000,000 cannot floor to one share less.
    position_size: Math.floor(Math.round(config.capitalKrw * share) / entry),
    entry_price: entry,
    target_price: roundToTick(entry * config.targetFactor, stock.kind, 'nearest'),
    stop_loss: roundToTick(entry * config.stopFactor, stock.kind, 'nearest'),
    trading_value: tradingValue,
    change_rate: roundTo(changePct, 2),
    news_source: news.source,
    reasons: reasonsOf(score),
    created_at: kstIso(input.now),
    news_score: news.points,
    volume_score: volume,
    chart_score: chart,
    candle_score: candle,
    period_score: period,
    flow_score: flow,
  };
  return { signal, reasons: [] };
}

function fail(reasons: readonly string[]): ClosingBetResult {
  return { signal: null, reasons };
}

function filterFailures(
  today: Bar,
  tradingValue: number,
  changePct: number,
  body: number,
  upperShadow: number,
  config: ClosingBetConfig,
): string[] {
  const failures: string[] = [];
  if (!(tradingValue >= config.minTradingValueKrw)) failures.push(`trading value ${tradingValue} < ${config.minTradingValueKrw}`);
  if (!(changePct >= config.minChangePct && changePct <= config.maxChangePct)) {
    failures.push(`change ${roundTo(changePct, 2)} % outside ${config.minChangePct}–${config.maxChangePct} %`);
  }
  if (!(today.close >= config.minPriceKrw && today.close <= config.maxPriceKrw)) {
    failures.push(`price ${today.close} outside ${config.minPriceKrw}–${config.maxPriceKrw}`);
  }
  if (!(body > 0)) failures.push(`no bullish body (open ${today.open}, close ${today.close})`);
  else if (upperShadow > config.maxUpperShadowToBody * body)
    failures.push(`upper shadow ${upperShadow} > ${config.maxUpperShadowToBody} × body ${body}`);
  return failures;
}

function newsPoints(
  newsScore: number | null | undefined,
  tradingValue: number,
  config: ClosingBetConfig,
): { points: number; source: 'scorer' | 'fallback' } {
  if (newsScore === null || newsScore === undefined || !Number.isFinite(newsScore)) {
    return { points: 1 + tiersReached(tradingValue, config.newsFallbackTiersKrw), source: 'fallback' };
  }
  return { points: clamp(Math.round(newsScore), 0, 3), source: 'scorer' };
}

/** +1 close above the previous 52-week high; +1 SMA20 > SMA60 and close > SMA20. */
function chartPoints(bars: readonly Bar[], closes: readonly number[], config: ClosingBetConfig): number {
  const today = bars[bars.length - 1] as Bar;
  // "Previous" = before today: up to `yearBars` bars, fewer when the history is shorter.
  const before = bars.slice(Math.max(0, bars.length - 1 - config.yearBars), -1);
  const previousHigh = Math.max(...before.map((b) => b.high));
  const smaShort = sma(closes, config.smaShortBars);
  const smaLong = sma(closes, config.smaLongBars);
  const newHigh = today.close > previousHigh ? 1 : 0;
  const trend = smaShort !== null && smaLong !== null && smaShort > smaLong && today.close > smaShort ? 1 : 0;
  return newHigh + trend;
}

/**
 * 기간조정: the mean Bollinger width of the last `squeezeRecentBars` windows (today's included) is
 * below `squeezeMaxRatio` × the mean of the `squeezePriorBars` windows before them, and today's
 * close is above today's upper band.
 */
function isSqueezeBreakout(closes: readonly number[], config: ClosingBetConfig): boolean {
  const widths = bollingerWidths(closes, config.bollingerBars, config.bollingerSigmas);
  const recent = widths.slice(-config.squeezeRecentBars);
  const prior = widths.slice(-config.squeezeRecentBars - config.squeezePriorBars, -config.squeezeRecentBars);
  const known = (ws: (number | null)[]): ws is number[] => ws.every((w) => w !== null);
  if (prior.length < config.squeezePriorBars || !known(recent) || !known(prior)) return false;
  const recentMean = mean(recent);
  const priorMean = mean(prior);
  const band = bollingerBands(closes, config.bollingerBars, config.bollingerSigmas);
  const close = closes[closes.length - 1];
  if (recentMean === null || priorMean === null || band === null || close === undefined) return false;
  return recentMean < config.squeezeMaxRatio * priorMean && close > band.upper;
}

function gradeOf(tradingValue: number, total: number, config: ClosingBetConfig): Grade | null {
  if (tradingValue >= config.gradeSMinTradingValueKrw && total >= config.gradeSMinTotal) return 'S';
  if (tradingValue >= config.gradeAMinTradingValueKrw && total >= config.gradeAMinTotal) return 'A';
  if (tradingValue >= config.gradeBMinTradingValueKrw && total >= config.gradeBMinTotal) return 'B';
  return null;
}

function reasonsOf(score: ClosingBetScore): string[] {
  const reasons: string[] = [];
  if (score.news >= 2) reasons.push(CLOSING_BET_REASONS.news);
  if (score.volume >= 2) reasons.push(CLOSING_BET_REASONS.volume);
  if (score.chart >= 1) reasons.push(CLOSING_BET_REASONS.chart);
  if (score.flow >= 1) reasons.push(CLOSING_BET_REASONS.flow);
  if (score.candle >= 1) reasons.push(CLOSING_BET_REASONS.candle);
  return reasons.length > 0 ? reasons : [CLOSING_BET_REASONS.none];
}
