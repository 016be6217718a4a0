import { kstInstant, kstIso, priceLimits, type PriceLimits, type SessionSchedule } from '@repo/market';
import { HISTORY_DAYS, typicalVolume, type DayBar, type SeriesStore, type TradingDays } from './history.js';
import type { DailyBar, PlantedScenario } from './model.js';
import { buildIntradayPath, STEP_SECONDS, type IntradayPath } from './price-path.js';
import { seedOf } from './random.js';
import { plantedBars } from './scenarios.js';
import type { SimInstrument } from './universe.js';

/** Where the simulated now falls in the session day's life. */
export type Stage =
  | { readonly kind: 'pre_open'; readonly fraction: number; readonly step: number }
  | { readonly kind: 'continuous'; readonly step: number }
  | { readonly kind: 'closing_auction'; readonly fraction: number; readonly step: number }
  | { readonly kind: 'final' };

/** The highest high and lowest low of some bars, with their dates (the latest date on ties). */
export interface Extremes {
  readonly high: number;
  readonly highDate: string;
  readonly low: number;
  readonly lowDate: string;
}

/** One ticker on one session day: its history up to the day, the day's final bar and its path. */
export interface TickerDay {
  readonly inst: SimInstrument;
  readonly date: string;
  /** The day's final bar; intraday values converge to it. */
  readonly today: DayBar;
  readonly prevClose: number;
  readonly limits: PriceLimits;
  /** Completed bars before the day, newest first. */
  readonly completed: readonly DailyBar[];
  /** `[today, ...completed]`, for queries after the close. */
  readonly finalBars: readonly DailyBar[];
  /** Extremes of the 249 bars before the day (today's bar completes the 250). */
  readonly before249: Extremes;
  /** Extremes of the 250 bars before the day, used before the first trade. */
  readonly before250: Extremes;
  /** Extremes of the 250 bars ending with the day's final bar. */
  readonly finalExtremes: Extremes;
  /** Typical size of one side of the best quote, in shares. */
  readonly bookLot: number;
  /** Seed for the day's intraday texture (path, auctions, book sizes). */
  readonly seed: number;
  path(): IntradayPath;
}

/** Everything memoised for one session day. */
export interface MarketDay {
  readonly date: string;
  readonly schedule: SessionSchedule;
  /** Continuous-trading steps of STEP_SECONDS. */
  readonly steps: number;
  /** The close as ISO-8601 with +09:00, the final trade time. */
  readonly closeTime: string;
  /** Start of continuous step `k` as ISO-8601 with +09:00 (shared by every ticker). */
  stepTime(k: number): string;
  ticker(inst: SimInstrument): TickerDay;
}

export interface MarketDayDeps {
  readonly root: number;
  readonly days: TradingDays;
  readonly series: SeriesStore;
  readonly planted: ReadonlyMap<string, PlantedScenario['kind']>;
}

export function toDailyBar(bar: DayBar): DailyBar {
  return {
    date: bar.date,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    tradingValue: bar.tradingValue,
    foreignNet: bar.foreignNet,
    institutionNet: bar.institutionNet,
    individualNet: bar.individualNet,
  };
}

/** Extremes over `bars` (newest first); later bars win ties because they are seen first. */
export function extremesOf(bars: readonly DailyBar[]): Extremes {
  const first = bars[0];
  let result: Extremes = first
    ? { high: first.high, highDate: first.date, low: first.low, lowDate: first.date }
    : { high: 0, highDate: '', low: 0, lowDate: '' };
  for (const bar of bars) {
    if (bar.high > result.high) result = { ...result, high: bar.high, highDate: bar.date };
    if (bar.low < result.low) result = { ...result, low: bar.low, lowDate: bar.date };
  }
  return result;
}

export function createMarketDay(date: string, schedule: SessionSchedule, deps: MarketDayDeps): MarketDay {
  const index = deps.days.indexOf(date);
  if (index < 0) throw new RangeError(`${date} is not a trading day on or after the simulator's epoch`);
  const start = Math.max(0, index - HISTORY_DAYS);
  const windowDays: string[] = [];
  for (let i = start; i <= index; i += 1) windowDays.push(deps.days.at(i));
  const steps = ((schedule.closingAuctionStart - schedule.open) * 60) / STEP_SECONDS;
  const tickers = new Map<string, TickerDay>();
  const stepTimes: (string | undefined)[] = [];
  const openSecond = schedule.open * 60;

  function barsOf(inst: SimInstrument): readonly DayBar[] {
    const ordinary = deps.series.barsThrough(inst, index).slice(start, index + 1);
    const kind = deps.planted.get(inst.ticker);
    // A design needs the full window; an early clock gets ordinary bars instead.
    if (kind === undefined || windowDays.length < HISTORY_DAYS + 1) return ordinary;
    return plantedBars(inst, kind, windowDays, deps.root, ordinary);
  }

  function build(inst: SimInstrument): TickerDay {
    const bars = barsOf(inst);
    const today = bars[bars.length - 1];
    if (today === undefined) throw new RangeError(`no bars for ${inst.ticker} on ${date}`);
    const completed = bars.slice(0, -1).map(toDailyBar).reverse();
    const prevClose = completed[0]?.close ?? inst.basePrice;
    const seed = seedOf(deps.root, inst.ticker, date, 'intraday');
    let path: IntradayPath | undefined;
    return {
      inst,
      date,
      today,
      prevClose,
      limits: priceLimits(prevClose, inst.kind),
      completed,
      finalBars: [toDailyBar(today), ...completed],
      before249: extremesOf(completed.slice(0, 249)),
      before250: extremesOf(completed.slice(0, 250)),
      finalExtremes: extremesOf([toDailyBar(today), ...completed.slice(0, 249)]),
      bookLot: typicalVolume(inst) * 0.0008,
      seed,
      path() {
        path ??= buildIntradayPath(inst, today, steps, seed);
        return path;
      },
    };
  }

  return {
    date,
    schedule,
    steps,
    closeTime: kstIso(kstInstant(date, schedule.close * 60)),
    stepTime(k) {
      let time = stepTimes[k];
      if (time === undefined) {
        time = kstIso(kstInstant(date, openSecond + k * STEP_SECONDS));
        stepTimes[k] = time;
      }
      return time;
    },
    ticker(inst) {
      let day = tickers.get(inst.ticker);
      if (day === undefined) {
        day = build(inst);
        tickers.set(inst.ticker, day);
      }
      return day;
    },
  };
}
