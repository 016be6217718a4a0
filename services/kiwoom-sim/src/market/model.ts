/**
 * The simulated market as the API layer sees it. Everything is in our own units (KRW, shares,
 * plain numbers, KST calendar dates as `YYYYMMDD`); the API layer (`src/api/`) turns it into
 * Kiwoom's strings, signs and units (kiwoom-rest.md §3, §6). Deterministic from a seed and the
 * simulated clock: the same seed and instant give the same values.
 */

import type { SessionPhase } from '@repo/market';

export type MarketName = 'KOSPI' | 'KOSDAQ';
/** ETF/ETN use their own tick table; preferred shares and ETFs are excluded by signal filters. */
export type InstrumentKind = 'stock' | 'preferred' | 'etf' | 'etn';

export interface Instrument {
  readonly ticker: string;
  readonly name: string;
  readonly market: MarketName;
  readonly kind: InstrumentKind;
  /** Shares outstanding (for market cap). */
  readonly listedShares: number;
  /** Industry/sector name as Kiwoom's ka10001 `upName`-like field would show, Korean. */
  readonly sector: string;
}

/**
 * KRX session phases in KST (kiwoom-rest.md §7.1): `closed` (weekend, holiday, night),
 * `pre_open_auction` (08:30–09:00), `continuous` (09:00–15:20), `closing_auction` (15:20–15:30),
 * `after_hours` (15:30–18:00). The one definition lives in `@repo/market`.
 */
export type { SessionPhase };

export interface LiveQuote {
  readonly ticker: string;
  /** Last trade price (today's close after 15:30; the previous close before the first trade). */
  readonly price: number;
  /** The previous trading day's close (the base for change and limits). */
  readonly prevClose: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** Cumulative shares traded today. */
  readonly volume: number;
  /** Cumulative trading value today in KRW. */
  readonly tradingValue: number;
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly bidQty: number;
  readonly askQty: number;
  readonly upperLimit: number;
  readonly lowerLimit: number;
  /** During call auctions: the expected price and quantity; null otherwise. */
  readonly expectedPrice: number | null;
  readonly expectedQty: number | null;
  /** Time of the last trade (ISO-8601 with +09:00), or null before the first trade. */
  readonly tradeTime: string | null;
  /** 250-day high/low including today, with their dates (YYYYMMDD). */
  readonly high250: number;
  readonly high250Date: string;
  readonly low250: number;
  readonly low250Date: string;
}

export interface DailyBar {
  /** KST trading date, YYYYMMDD. */
  readonly date: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Shares. */
  readonly volume: number;
  /** KRW. */
  readonly tradingValue: number;
  /** Net buying in shares by investor group; the three roughly cancel out. */
  readonly foreignNet: number;
  readonly institutionNet: number;
  readonly individualNet: number;
}

export type IndexCode = '001' | '101' | '201';

export interface IndexQuote {
  readonly code: IndexCode;
  readonly name: string;
  readonly value: number;
  readonly prevClose: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** Cumulative volume of the index's constituents today (thousand shares, as Kiwoom reports). */
  readonly volume: number;
  /** KRW millions. */
  readonly tradingValue: number;
  readonly high52w: number;
  readonly high52wDate: string;
  readonly low52w: number;
  readonly low52wDate: string;
  /** Intraday points (time HHMMSS KST, value) for ka20001's time series; newest first. */
  readonly intraday: readonly { readonly time: string; readonly value: number }[];
}

/** The scenarios the signal engine should find on the simulated today (signals.md). */
export interface PlantedScenario {
  readonly ticker: string;
  /** `upper_limit`/`lower_limit`: a stock at its daily limit all day (sign codes 1 and 4). */
  readonly kind: 'vcp_setup' | 'vcp_breakout' | 'closing_bet' | 'upper_limit' | 'lower_limit';
}

export interface SimMarket {
  /** The simulated instant (the clock may run faster than real time, or stand still). */
  now(): Date;
  /** Today's KST calendar date as YYYYMMDD (by the simulated clock). */
  today(): string;
  session(): SessionPhase;
  /** True when today (simulated) is a KRX trading day. */
  isTradingDay(date?: string): boolean;
  universe(): readonly Instrument[];
  instrument(ticker: string): Instrument | undefined;
  /** The live quote at the simulated now; undefined for an unknown ticker. */
  quote(ticker: string): LiveQuote | undefined;
  /**
   * Daily bars newest first, the newest not after `until` (YYYYMMDD). On a trading day during or
   * after the session, today's partial bar comes first and equals the live quote.
   */
  dailyBars(ticker: string, until?: string): readonly DailyBar[];
  index(code: IndexCode): IndexQuote | undefined;
  planted(): readonly PlantedScenario[];
}
