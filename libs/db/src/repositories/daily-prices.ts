import type { Db } from '../db.js';
import { assertRowCount, assertTimestampWithOffset, lastPerKey, valuesList, writeInChunks } from './sql.js';

/** A row of `daily_prices`: one bar of one ticker on one KRX trading day. */
export interface DailyPrice {
  ticker: string;
  /** Trading day, `YYYY-MM-DD`. */
  date: string;
  /** KRW. */
  open: number;
  high: number;
  low: number;
  close: number;
  /** Shares. */
  volume: number;
  /** KRW. */
  tradingValue: number | null;
  /** KRW against the previous close, negative when down. */
  change: number | null;
  /** Percent against the previous close. */
  changeRate: number | null;
  /** Net buying in shares. */
  foreignNetBuy: number | null;
  institutionNetBuy: number | null;
  individualNetBuy: number | null;
  /** Where the bar came from, e.g. `kiwoom`. */
  source: string;
  /** ISO-8601 UTC. */
  updatedAt: string;
}

/**
 * What `upsertDailyPrices` writes. Optional fields left out (or null) keep the stored value, so
 * OHLCV (ka10081) and investor flows (ka10086) can be written by separate passes.
 */
export interface DailyPriceInput {
  ticker: string;
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  source: string;
  tradingValue?: number | null;
  change?: number | null;
  changeRate?: number | null;
  foreignNetBuy?: number | null;
  institutionNetBuy?: number | null;
  individualNetBuy?: number | null;
  /** Defaults to now. */
  updatedAt?: string;
}

export interface DailyPriceRangeOptions {
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
  /** At most this many bars (the newest ones). */
  limit?: number;
}

/** The select list, aliased to `DailyPrice` keys; `p` is the table alias. */
const COLUMNS = `p.ticker, p.date, p.open, p.high, p.low, p.close, p.volume, p.trading_value as "tradingValue",
  p.change, p.change_rate as "changeRate", p.foreign_net_buy as "foreignNetBuy",
  p.institution_net_buy as "institutionNetBuy", p.individual_net_buy as "individualNetBuy", p.source,
  p.updated_at as "updatedAt"`;

/**
 * Inserts or updates bars by (ticker, date), in multi-row statements of at most 500 rows (one
 * transaction when there are more). A later duplicate in `rows` wins.
 */
export async function upsertDailyPrices(db: Db, rows: readonly DailyPriceInput[]): Promise<void> {
  for (const row of rows) if (row.updatedAt !== undefined) assertTimestampWithOffset(row.updatedAt, 'updatedAt');
  await writeInChunks(
    db,
    lastPerKey(rows, (row) => `${row.ticker} ${row.date}`),
    async (q, chunk) => {
      const params = chunk.flatMap((p) => [
        p.ticker,
        p.date,
        p.open,
        p.high,
        p.low,
        p.close,
        p.volume,
        p.tradingValue ?? null,
        p.change ?? null,
        p.changeRate ?? null,
        p.foreignNetBuy ?? null,
        p.institutionNetBuy ?? null,
        p.individualNetBuy ?? null,
        p.source,
        p.updatedAt ?? null,
      ]);
      await q.query(
        `insert into daily_prices as p (ticker, date, open, high, low, close, volume, trading_value, change, change_rate,
         foreign_net_buy, institution_net_buy, individual_net_buy, source, updated_at)
       values ${valuesList(chunk.length, [...Array<string>(14).fill('?'), 'coalesce(?::timestamptz, now())'])}
       on conflict (ticker, date) do update set
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume,
         trading_value = coalesce(excluded.trading_value, p.trading_value),
         change = coalesce(excluded.change, p.change),
         change_rate = coalesce(excluded.change_rate, p.change_rate),
         foreign_net_buy = coalesce(excluded.foreign_net_buy, p.foreign_net_buy),
         institution_net_buy = coalesce(excluded.institution_net_buy, p.institution_net_buy),
         individual_net_buy = coalesce(excluded.individual_net_buy, p.individual_net_buy),
         source = excluded.source, updated_at = excluded.updated_at`,
        params,
      );
    },
  );
}

/**
 * The newest `n` bars of a ticker, newest first: the database fallback quote takes the latest
 * close and its change against the bar before.
 */
export async function latestDailyPrices(db: Db, ticker: string, n = 2): Promise<DailyPrice[]> {
  assertRowCount(n, 'n');
  const { rows } = await db.query<DailyPrice>(`select ${COLUMNS} from daily_prices p where p.ticker = $1 order by p.date desc limit $2`, [
    ticker,
    n,
  ]);
  return rows;
}

/**
 * The newest bars of a ticker, newest first, optionally within [from, to] and capped at `limit`.
 */
export async function dailyPriceRange(db: Db, ticker: string, options: DailyPriceRangeOptions = {}): Promise<DailyPrice[]> {
  if (options.limit !== undefined) assertRowCount(options.limit, 'limit');
  // A null parameter switches its condition off; LIMIT NULL is no limit.
  const { rows } = await db.query<DailyPrice>(
    `select ${COLUMNS} from daily_prices p
     where p.ticker = $1 and ($2::date is null or p.date >= $2::date) and ($3::date is null or p.date <= $3::date)
     order by p.date desc limit $4::integer`,
    [ticker, options.from ?? null, options.to ?? null, options.limit ?? null],
  );
  return rows;
}

/**
 * The newest `n` bars of each ticker in one query (a lateral join that reads the primary key
 * backwards per ticker), grouped by ticker. Every requested ticker is a key; one without bars maps
 * to an empty array.
 */
async function newestPerTicker(
  db: Db,
  tickers: readonly string[],
  n: number,
  order: 'newest first' | 'oldest first',
): Promise<Map<string, DailyPrice[]>> {
  const unique = [...new Set(tickers)];
  const byTicker = new Map<string, DailyPrice[]>(unique.map((ticker) => [ticker, []]));
  if (unique.length === 0) return byTicker;
  const { rows } = await db.query<DailyPrice>(
    `select p.* from unnest($1::text[]) as t(ticker)
     cross join lateral (
       select ${COLUMNS} from daily_prices p where p.ticker = t.ticker order by p.date desc limit $2
     ) p
     order by p.ticker, p.date ${order === 'newest first' ? 'desc' : 'asc'}`,
    [unique, n],
  );
  for (const row of rows) byTicker.get(row.ticker)?.push(row);
  return byTicker;
}

/**
 * The newest `n` bars (default 2) of each of many tickers, newest first, in one query: the
 * per-poll batch version of `latestDailyPrices`.
 */
export async function latestDailyPricesMany(db: Db, tickers: readonly string[], n = 2): Promise<Map<string, DailyPrice[]>> {
  assertRowCount(n, 'n');
  return newestPerTicker(db, tickers, n, 'newest first');
}

/**
 * The newest `limitPerTicker` bars of each ticker in one query, **oldest first** (the order the
 * indicator math walks them), for the signal engine.
 */
export async function dailyPriceHistory(db: Db, tickers: readonly string[], limitPerTicker: number): Promise<Map<string, DailyPrice[]>> {
  assertRowCount(limitPerTicker, 'limitPerTicker');
  return newestPerTicker(db, tickers, limitPerTicker, 'oldest first');
}

/** The number of bars stored. */
export async function countDailyPrices(db: Db): Promise<number> {
  const { rows } = await db.query<{ count: number }>('select count(*) as count from daily_prices');
  return rows[0]?.count ?? 0;
}
