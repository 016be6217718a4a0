import { priceLimits, roundToTick, type PriceLimits, type TradingCalendar } from '@repo/market';
import type { DailyBar, MarketName } from './model.js';
import { ordinaryInvestorNet, type InvestorNet } from './investors.js';
import { createRng, mixSeed, seedOf, type Rng } from './random.js';
import type { SimInstrument } from './universe.js';

/** Completed daily bars kept before the simulated today (about 300 trading days, §9 item 15). */
export const HISTORY_DAYS = 300;
/**
 * Ordinary histories start here, so a day's bar does not depend on which day is "today". Session
 * days before it are refused; full 300-bar histories start in March 2024.
 */
export const SERIES_EPOCH = '20230102';

/** Half-life of about 46 trading days: prices wander around their base level, never away for good. */
const MEAN_REVERSION = 0.985;
const MARKET_VOL: Readonly<Record<MarketName, number>> = { KOSPI: 0.009, KOSDAQ: 0.012 };

/** A day's final bar plus where its low and high fall in the continuous session (0–1). */
export interface DayBar extends DailyBar {
  readonly lowAt: number;
  readonly highAt: number;
}

/** The trading days from the epoch on, extended on demand. */
export interface TradingDays {
  /** The position of a trading day, or -1 when `date` is not a trading day or before the epoch. */
  indexOf(date: string): number;
  /** The trading day at a position (extending the list as needed). */
  at(index: number): string;
  /** A 32-bit key of the day at a position, independent of the calendar (for seeding). */
  keyAt(index: number): number;
}

export function createTradingDays(calendar: TradingCalendar, epoch = SERIES_EPOCH): TradingDays {
  const first = calendar.isTradingDay(epoch) ? epoch : calendar.nextTradingDay(epoch);
  const list: string[] = [first];
  const keys: number[] = [Number(first)];
  const positions = new Map<string, number>([[first, 0]]);
  // Grows the list until it holds position `index`, or a day on or after `date`.
  const extend = (index: number, date: string): void => {
    while (list.length <= index || (list[list.length - 1] ?? first) < date) {
      const next = calendar.nextTradingDay(list[list.length - 1] ?? first);
      positions.set(next, list.length);
      list.push(next);
      keys.push(Number(next));
    }
  };
  return {
    indexOf(date) {
      if (date < first || !calendar.isTradingDay(date)) return -1;
      extend(0, date);
      return positions.get(date) ?? -1;
    },
    at(index) {
      if (index >= list.length) extend(index, '');
      const date = list[index];
      if (date === undefined) throw new RangeError(`no trading day at ${index}`);
      return date;
    },
    keyAt(index) {
      if (index >= list.length) extend(index, '');
      return keys[index] ?? 0;
    },
  };
}

export function clampToLimits(price: number, limits: PriceLimits): number {
  return Math.min(limits.upper, Math.max(limits.lower, price));
}

/** The shape of one day before it is put on the grid. */
export interface BarDraft {
  readonly open: number;
  readonly close: number;
  /** Wick above max(open, close) and below min(open, close), as fractions of price. */
  readonly wickUp: number;
  readonly wickDown: number;
  readonly volume: number;
  readonly investors: InvestorNet;
  readonly lowAt: number;
  readonly highAt: number;
  /** Exact extremes (rounded outwards to the grid) instead of wicks, for designed bars. */
  readonly high?: number;
  readonly low?: number;
}

/**
 * A draft put on the tick grid and inside the limits from `prevClose`, with trading value as
 * volume × the day's typical price (O + H + L + C) / 4.
 */
export function finishBar(inst: SimInstrument, date: string, prevClose: number, draft: BarDraft): DayBar {
  const limits = priceLimits(prevClose, inst.kind);
  const onGrid = (price: number): number => clampToLimits(roundToTick(price, inst.kind, 'nearest'), limits);
  const open = onGrid(draft.open);
  const close = onGrid(draft.close);
  const top = Math.max(open, close);
  const bottom = Math.min(open, close);
  const rawHigh = draft.high ?? top * (1 + draft.wickUp);
  const rawLow = draft.low ?? bottom * (1 - draft.wickDown);
  const high = Math.min(limits.upper, Math.max(top, roundToTick(rawHigh, inst.kind, 'up')));
  const low = Math.max(limits.lower, Math.min(bottom, roundToTick(Math.max(1, rawLow), inst.kind, 'down')));
  const volume = Math.max(1, Math.round(draft.volume));
  return {
    date,
    open,
    high,
    low,
    close,
    volume,
    tradingValue: Math.round((volume * (open + high + low + close)) / 4),
    foreignNet: draft.investors.foreignNet,
    institutionNet: draft.investors.institutionNet,
    individualNet: draft.investors.individualNet,
    lowAt: draft.lowAt,
    highAt: draft.highAt,
  };
}

/** Where the extremes fall: on an up day the low tends to come first, on a down day the high. */
export function extremeTimes(up: boolean, rng: Rng): { lowAt: number; highAt: number } {
  const early = rng.between(0.02, 0.45);
  const late = rng.between(0.55, 0.98);
  return up ? { lowAt: early, highAt: late } : { lowAt: late, highAt: early };
}

/** Typical daily volume in shares. */
export function typicalVolume(inst: SimInstrument): number {
  return inst.listedShares * inst.turnover;
}

/** Funds track their factor closely; stocks keep what the factor does not explain of their volatility. */
function idiosyncraticVol(inst: SimInstrument): number {
  if (inst.kind === 'etf' || inst.kind === 'etn') return 0.0015 * Math.max(1, Math.abs(inst.beta));
  const systematic = inst.beta * MARKET_VOL[inst.factor];
  return Math.sqrt(Math.max(inst.dailyVol ** 2 - systematic ** 2, (0.3 * inst.dailyVol) ** 2));
}

/** Ordinary daily bars of every ticker from the epoch, generated once and extended on demand. */
export interface SeriesStore {
  /** Bars from the epoch up to and including position `index` (a longer array may come back). */
  barsThrough(inst: SimInstrument, index: number): readonly DayBar[];
}

interface SeriesState {
  readonly bars: DayBar[];
  /** The ticker's stream; each day mixes in the date, so a day's draws do not depend on the calendar. */
  readonly seed: number;
  readonly rng: Rng;
  /** Log deviation of the close from the base price (an Ornstein–Uhlenbeck state). */
  deviation: number;
}

export function createSeriesStore(root: number, days: TradingDays): SeriesStore {
  const states = new Map<string, SeriesState>();
  const factors: Record<MarketName, number[]> = { KOSPI: [], KOSDAQ: [] };
  const factorSeeds: Record<MarketName, number> = { KOSPI: seedOf(root, 'market', 'KOSPI'), KOSDAQ: seedOf(root, 'market', 'KOSDAQ') };

  // The market factor of a day is shared by every ticker, so the indices move together.
  function marketFactor(market: MarketName, index: number): number {
    let value = factors[market][index];
    if (value === undefined) {
      value = createRng(mixSeed(factorSeeds[market], days.keyAt(index))).normal() * MARKET_VOL[market];
      factors[market][index] = value;
    }
    return value;
  }

  function step(inst: SimInstrument, state: SeriesState, index: number): DayBar {
    const date = days.at(index);
    const rng = state.rng;
    rng.reseed(mixSeed(state.seed, days.keyAt(index)));
    const prevClose = state.bars[state.bars.length - 1]?.close ?? inst.basePrice;
    const factorMove = inst.beta * marketFactor(inst.factor, index);
    const idioVol = idiosyncraticVol(inst);
    state.deviation = MEAN_REVERSION * state.deviation + factorMove + idioVol * rng.normal();
    const target = inst.basePrice * Math.exp(state.deviation);
    // Part of the day's move happens overnight, in the gap to the open.
    const gap = 0.3 * factorMove + 0.35 * inst.dailyVol * rng.normal();
    const move = Math.log(target / prevClose) / inst.dailyVol;
    const volume = typicalVolume(inst) * Math.exp(0.3 * rng.normal()) * (0.75 + 0.25 * Math.min(4, Math.abs(move)));
    const bar = finishBar(inst, date, prevClose, {
      open: prevClose * Math.exp(gap),
      close: target,
      wickUp: Math.abs(rng.normal()) * 0.45 * inst.dailyVol,
      wickDown: Math.abs(rng.normal()) * 0.45 * inst.dailyVol,
      volume,
      investors: ordinaryInvestorNet(volume, move, rng),
      ...extremeTimes(target >= prevClose, rng),
    });
    // A close held back by the daily limit becomes the new state, so the next day starts from it.
    state.deviation = Math.log(bar.close / inst.basePrice);
    return bar;
  }

  return {
    barsThrough(inst, index) {
      let state = states.get(inst.ticker);
      if (state === undefined) {
        const seed = seedOf(root, inst.ticker, 'day');
        state = { bars: [], seed, rng: createRng(seed), deviation: 0 };
        states.set(inst.ticker, state);
      }
      while (state.bars.length <= index) state.bars.push(step(inst, state, state.bars.length));
      return state.bars;
    },
  };
}
