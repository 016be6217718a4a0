import { SignalsError, SignalsErrorCode } from './errors.js';

/**
 * One daily bar. Series are OLDEST FIRST and end with today's bar when the caller has one (built
 * from the live quote during the session). Prices KRW, volume shares, trading value KRW.
 */
export interface Bar {
  /** Trading day, `YYYY-MM-DD`. */
  readonly date: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Shares. */
  readonly volume: number;
  /** KRW; null when the source did not report it (then `close × volume` stands in). */
  readonly tradingValue: number | null;
  /** Net buying in shares; null when not (yet) reported, e.g. today's bar during the session. */
  readonly foreignNetBuy: number | null;
  readonly institutionNetBuy: number | null;
}

export interface StockInfo {
  readonly ticker: string;
  readonly name: string;
  readonly market: 'KOSPI' | 'KOSDAQ';
  readonly kind: 'stock' | 'preferred' | 'etf' | 'etn';
  /** 관리종목. */
  readonly isManaged: boolean;
  readonly isSuspended: boolean;
}

/** Published grades, best first; anything below B is not a signal. */
export type Grade = 'S' | 'A' | 'B';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Throws SIGNALS_INVALID_BARS unless every date is `YYYY-MM-DD` and strictly increasing. */
export function assertBarsOldestFirst(bars: readonly Bar[]): void {
  let previous = '';
  for (const bar of bars) {
    if (!DATE_RE.test(bar.date)) {
      throw new SignalsError(SignalsErrorCode.InvalidBars, `bar date is not YYYY-MM-DD: ${JSON.stringify(bar.date)}`);
    }
    // ISO dates compare correctly as strings.
    if (bar.date <= previous) {
      throw new SignalsError(SignalsErrorCode.InvalidBars, `bars must be oldest first with unique dates: ${previous} then ${bar.date}`);
    }
    previous = bar.date;
  }
}
