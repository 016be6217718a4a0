import { defaultCalendar, kstParts, sessionPhase, type KstParts, type TradingCalendar } from '@repo/market';
import { createSeriesStore, createTradingDays } from './history.js';
import { buildIndexQuote, createIndexDay, INDEX_DEFS } from './indices.js';
import { createMarketDay, type MarketDay, type Stage, type TickerDay } from './market-day.js';
import type { DailyBar, IndexCode, Instrument, LiveQuote, PlantedScenario, SimMarket } from './model.js';
import { STEP_SECONDS } from './price-path.js';
import { buildQuote, partialBar } from './quote.js';
import { rootSeed } from './random.js';
import { PLANTED_SCENARIOS } from './scenarios.js';
import { publicInstrument, UNIVERSE, type SimInstrument } from './universe.js';

export interface SimMarketOptions {
  /** Same seed and same simulated instant → the same values, byte for byte. */
  readonly seed: number | string;
  /** Any clock; `createSimClock` gives one that can be set at run time. */
  readonly clock: { now(): Date };
  readonly calendar?: TradingCalendar;
  /** Defaults to the built-in universe (`UNIVERSE`). */
  readonly universe?: readonly SimInstrument[];
}

/** Session days kept in memory: today and the one before cover a clock that crosses midnight. */
const MAX_CACHED_DAYS = 2;

interface Moment {
  readonly ms: number;
  readonly parts: KstParts;
  /** The trading day whose data the quotes show (today once its pre-open auction started). */
  readonly sessionDay: string;
  readonly stage: Stage;
}

/**
 * The simulated market over a clock. Per session day it memoises each ticker's history, final bar
 * and intraday path, so `quote()` is a few array reads (kiwoom-rest.md §9 items 13–17).
 */
export function createSimMarket(options: SimMarketOptions): SimMarket {
  const { clock } = options;
  const calendar = options.calendar ?? defaultCalendar;
  const universe = options.universe ?? UNIVERSE;
  const root = rootSeed(options.seed);
  const days = createTradingDays(calendar);
  const series = createSeriesStore(root, days);
  const byTicker = new Map(universe.map((inst) => [inst.ticker, inst]));
  const publicUniverse: readonly Instrument[] = Object.freeze(universe.map(publicInstrument));
  const publicByTicker = new Map(publicUniverse.map((inst) => [inst.ticker, inst]));
  const planted = PLANTED_SCENARIOS.filter((s) => byTicker.has(s.ticker));
  const plantedKinds = new Map<string, PlantedScenario['kind']>(planted.map((s) => [s.ticker, s.kind]));
  const marketDays = new Map<string, MarketDay>();
  const indexDays = new Map<string, ReturnType<typeof createIndexDay>>();
  let lastMoment: Moment | undefined;

  function marketDay(date: string): MarketDay {
    let day = marketDays.get(date);
    if (day === undefined) {
      const schedule = calendar.schedule(date);
      if (schedule === undefined) throw new RangeError(`${date} is not a trading day`);
      day = createMarketDay(date, schedule, { root, days, series, planted: plantedKinds });
      marketDays.set(date, day);
      // Evict the oldest session day (Map keeps insertion order) and its indices.
      for (const old of marketDays.keys()) {
        if (marketDays.size <= MAX_CACHED_DAYS) break;
        marketDays.delete(old);
        for (const code of INDEX_DEFS.map((d) => d.code)) indexDays.delete(`${old}:${code}`);
      }
    }
    return day;
  }

  function moment(): Moment {
    const now = clock.now();
    const ms = now.getTime();
    if (lastMoment?.ms === ms) return lastMoment;
    const parts = kstParts(now);
    const schedule = calendar.schedule(parts.date);
    const sec = parts.secondOfDay;
    let stage: Stage = { kind: 'final' };
    let sessionDay: string;
    if (schedule !== undefined && sec >= schedule.preOpenAuctionStart * 60) {
      sessionDay = parts.date;
      const preOpen = schedule.preOpenAuctionStart * 60;
      const open = schedule.open * 60;
      const auction = schedule.closingAuctionStart * 60;
      const close = schedule.close * 60;
      if (sec < open) {
        stage = { kind: 'pre_open', fraction: (sec - preOpen) / (open - preOpen), step: Math.floor((sec - preOpen) / STEP_SECONDS) };
      } else if (sec < auction) {
        stage = { kind: 'continuous', step: Math.floor((sec - open) / STEP_SECONDS) };
      } else if (sec < close) {
        stage = {
          kind: 'closing_auction',
          fraction: (sec - auction) / (close - auction),
          step: Math.floor((sec - auction) / STEP_SECONDS),
        };
      }
    } else {
      // Before the pre-open auction, and on closed days, the last session's final values stand (§7.4).
      sessionDay = calendar.previousTradingDay(parts.date);
    }
    lastMoment = { ms, parts, sessionDay, stage };
    return lastMoment;
  }

  function tickerDay(m: Moment, ticker: string): TickerDay | undefined {
    const inst = byTicker.get(ticker);
    return inst === undefined ? undefined : marketDay(m.sessionDay).ticker(inst);
  }

  function quoteAt(m: Moment, ticker: string): LiveQuote | undefined {
    const td = tickerDay(m, ticker);
    return td === undefined ? undefined : buildQuote(marketDay(m.sessionDay), td, m.stage);
  }

  return {
    now: () => clock.now(),
    today: () => moment().parts.date,
    session: () => sessionPhase(clock.now(), calendar),
    isTradingDay: (date) => calendar.isTradingDay(date ?? moment().parts.date),
    universe: () => publicUniverse,
    instrument: (ticker) => publicByTicker.get(ticker),
    quote: (ticker) => quoteAt(moment(), ticker),
    dailyBars(ticker, until) {
      const m = moment();
      const td = tickerDay(m, ticker);
      if (td === undefined) return [];
      let bars: readonly DailyBar[];
      if (m.stage.kind === 'final') bars = td.finalBars;
      else if (m.stage.kind === 'pre_open') bars = td.completed;
      else {
        const quote = buildQuote(marketDay(m.sessionDay), td, m.stage);
        bars = [partialBar(td, quote), ...td.completed];
      }
      if (until === undefined) return bars;
      const first = bars.findIndex((bar) => bar.date <= until);
      return first < 0 ? [] : bars.slice(first);
    },
    index(code: IndexCode) {
      const def = INDEX_DEFS.find((d) => d.code === code);
      if (def === undefined) return undefined;
      const m = moment();
      const day = marketDay(m.sessionDay);
      const key = `${m.sessionDay}:${code}`;
      let indexDay = indexDays.get(key);
      if (indexDay === undefined) {
        indexDay = createIndexDay(def, day, universe);
        indexDays.set(key, indexDay);
      }
      return buildIndexQuote(day, indexDay, m.stage);
    },
    planted: () => planted,
  };
}
