import type { LastValueStore } from '@repo/bus';
import { dailyPriceHistory, listStocks, type DailyPrice, type Db } from '@repo/db';
import { decodeEnvelope, priceTopic, type PriceUpdate } from '@repo/protocol';
import type { Bar, StockInfo } from '@repo/signals';

/** Bars per ticker the engine reads: VCP needs 260, the 52-week rules 250, plus slack. */
export const HISTORY_BARS = 300;

export interface History {
  readonly stocks: readonly StockInfo[];
  /** Oldest first, today's live bar last when there is one. */
  readonly bars: ReadonlyMap<string, readonly Bar[]>;
}

/**
 * Daily bars from `daily_prices`, with today's bar built from the live quote in the last-value
 * store (`lv:price:<ticker>`) when that quote is a Kiwoom quote of `today`. Database quotes are
 * never turned into a live bar: they repeat a stored day.
 */
export async function loadHistory(
  db: Db,
  lastValues: LastValueStore,
  today: string,
  keep: (stock: StockInfo) => boolean,
): Promise<History> {
  const stocks = (await listStocks(db)).filter(keep);
  const tickers = stocks.map((s) => s.ticker);
  const stored = await dailyPriceHistory(db, tickers, HISTORY_BARS);
  const live = await lastValues.getMany(tickers.map(priceTopic));
  const bars = new Map<string, Bar[]>();
  tickers.forEach((ticker, i) => {
    const series = (stored.get(ticker) ?? []).map(toBar);
    const todayBar = liveBar(live[i] ?? null, today);
    if (todayBar !== undefined) {
      if (series.at(-1)?.date === todayBar.date) series[series.length - 1] = mergeToday(series.at(-1) as Bar, todayBar);
      else series.push(todayBar);
    }
    bars.set(ticker, series);
  });
  return { stocks, bars };
}

function toBar(row: DailyPrice): Bar {
  return {
    date: row.date,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    tradingValue: row.tradingValue,
    foreignNetBuy: row.foreignNetBuy,
    institutionNetBuy: row.institutionNetBuy,
  };
}

/** Today's bar from a stored `price_update` envelope, when it is a live quote of today. */
export function liveBar(envelopeJson: string | null, today: string): Bar | undefined {
  if (envelopeJson === null) return undefined;
  let quote: PriceUpdate;
  try {
    quote = decodeEnvelope(envelopeJson).data as PriceUpdate;
  } catch {
    return undefined;
  }
  if (quote.type !== 'price_update' || quote.source === 'db' || quote.as_of !== today) return undefined;
  const { price, volume, open, high, low, trading_value: tradingValue } = quote.data;
  return {
    date: today,
    open: open ?? price,
    high: Math.max(high ?? price, price),
    low: Math.min(low ?? price, price),
    close: price,
    volume,
    tradingValue: tradingValue ?? null,
    foreignNetBuy: null,
    institutionNetBuy: null,
  };
}

/** The live bar wins for prices; investor flows stored for today (end-of-day sync) are kept. */
function mergeToday(stored: Bar, live: Bar): Bar {
  return { ...live, foreignNetBuy: stored.foreignNetBuy, institutionNetBuy: stored.institutionNetBuy };
}
