import type { DailyPrice } from '@repo/db';
import type { IndexQuote, Quote } from '@repo/kiwoom';
import { kstDate, kstInstant, kstIso, sessionTimes } from '@repo/market';
import type { IndexUpdate, PriceUpdate } from '@repo/protocol';

/**
 * The canonical quote (DESIGN.md): absolute price, change against the previous close, change
 * rate in percent rounded to 2 decimals, volume in shares, best bid/ask or null, the quote's time
 * with an offset, its source and trading date, and whether it is stale. One shape whatever the
 * source, so REST, WebSocket and every client read the same thing.
 */

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** `YYYYMMDD` → `YYYY-MM-DD`. */
const isoDate = (yyyymmdd: string): string => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/** A ka10095 row as a price update; null when the row has no usable price. */
export function quoteFromKiwoom(quote: Quote, polledAt: Date): PriceUpdate | null {
  if (!(quote.price > 0)) return null;
  // As the Kiwoom client does: a change larger than the price is a garbled row, not a negative close.
  const derived = quote.change !== null ? quote.price - quote.change : null;
  const prevClose = quote.prevClose ?? (derived !== null && derived > 0 ? derived : null);
  const change = quote.change ?? (prevClose !== null ? quote.price - prevClose : 0);
  const changeRate = quote.changeRate ?? (prevClose !== null && prevClose > 0 ? (change / prevClose) * 100 : 0);
  const timestamp = quote.time ?? polledAt.toISOString();
  return {
    type: 'price_update',
    ticker: quote.ticker,
    data: {
      price: quote.price,
      change,
      change_rate: round2(changeRate),
      volume: quote.volume ?? 0,
      bid_price: quote.bestBid,
      ask_price: quote.bestAsk,
      open: quote.open,
      high: quote.high,
      low: quote.low,
      trading_value: quote.tradingValue,
      prev_close: prevClose,
    },
    timestamp,
    source: 'kiwoom_rest',
    as_of: isoDate(kstDate(new Date(timestamp))),
    stale: false,
  };
}

/**
 * A quote from the database for a ticker Kiwoom did not answer: the latest daily bar, change
 * against the bar before it (never close − open), its trading date as `as_of`, its session close
 * as the time, and stale when older than the last completed trading day.
 */
export function quoteFromDailyBars(ticker: string, bars: readonly DailyPrice[], lastCompletedDay: string): PriceUpdate | null {
  const [latest, previous] = bars;
  if (latest === undefined) return null;
  const prevClose = previous?.close ?? (latest.change !== null ? latest.close - latest.change : null);
  const change = prevClose !== null ? latest.close - prevClose : 0;
  const changeRate = prevClose !== null && prevClose > 0 ? (change / prevClose) * 100 : 0;
  const day = latest.date.replaceAll('-', '');
  return {
    type: 'price_update',
    ticker,
    data: {
      price: latest.close,
      change,
      change_rate: round2(changeRate),
      volume: latest.volume,
      bid_price: null,
      ask_price: null,
      open: latest.open,
      high: latest.high,
      low: latest.low,
      trading_value: latest.tradingValue,
      prev_close: prevClose,
    },
    timestamp: closingTime(day),
    source: 'db',
    as_of: latest.date,
    stale: day < lastCompletedDay,
  };
}

/** The end of a trading day's regular session (15:30 KST, later on special days), with +09:00. */
function closingTime(yyyymmdd: string): string {
  // Not a trading day in our calendar (an old or odd row): the regular 15:30.
  return kstIso(sessionTimes(yyyymmdd)?.close ?? kstInstant(yyyymmdd, REGULAR_CLOSE_SECOND));
}

const REGULAR_CLOSE_SECOND = 15 * 3600 + 30 * 60;

const INDEX_NAMES = { '001': 'KOSPI', '101': 'KOSDAQ' } as const;

/** A ka20001 answer as an index update for `market:kospi` / `market:kosdaq`. */
export function indexFromKiwoom(quote: IndexQuote, polledAt: Date): IndexUpdate | null {
  if (quote.code !== '001' && quote.code !== '101') return null;
  const change = quote.change ?? 0;
  const prev = quote.value - change;
  return {
    type: 'index_update',
    code: quote.code,
    name: INDEX_NAMES[quote.code],
    data: {
      index: quote.value,
      change,
      change_rate: round2(quote.changeRate ?? (prev > 0 ? (change / prev) * 100 : 0)),
      volume: quote.volume ?? 0,
    },
    timestamp: polledAt.toISOString(),
  };
}

/** What makes two quotes the same for publishing: everything but the poll-dependent time. */
export function priceChangeKey(update: PriceUpdate): string {
  return JSON.stringify([update.data, update.source, update.as_of, update.stale]);
}

export function indexChangeKey(update: IndexUpdate): string {
  return JSON.stringify(update.data);
}
