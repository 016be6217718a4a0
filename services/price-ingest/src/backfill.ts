import { upsertDailyPrices, upsertStocks, type Db, type DailyPriceInput, type StockInput } from '@repo/db';
import type { DailyCandle, DailyPriceRow, KiwoomClient, ListedStock } from '@repo/kiwoom';
import type { Logger } from '@repo/observability';

/**
 * Fills `daily_prices` from Kiwoom: ka10081 daily candles (paged, newest first) merged with
 * ka10086 investor net buying by date, upserted per ticker as it arrives. With no ticker list it
 * first syncs the universe (ka10099 for KOSPI, KOSDAQ and ETFs) into `stocks`. The same function
 * with `days: 1` is the end-of-day upsert of today's bar.
 */
export interface BackfillOptions {
  readonly kiwoom: Pick<KiwoomClient, 'dailyCandles' | 'dailyPrices' | 'listStocks'>;
  readonly db: Db;
  /** The newest date wanted (YYYYMMDD, KST). */
  readonly baseDate: string;
  /** Trading days per ticker. */
  readonly days: number;
  /** Tickers to fill; default: the whole listed universe. */
  readonly tickers?: readonly string[];
  /** Days of investor net buying per ticker (signals need a few weeks). @default 20 */
  readonly flowDays?: number;
  /** Tickers in flight at once; Kiwoom's rate limiter paces the calls anyway. @default 2 */
  readonly concurrency?: number;
  readonly onProgress?: (progress: { done: number; total: number; ticker: string; rows: number; failed: number }) => void;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

export interface BackfillResult {
  readonly tickers: number;
  readonly rows: number;
  readonly failed: readonly string[];
}

export async function backfillDailyPrices(opts: BackfillOptions): Promise<BackfillResult> {
  const tickers = opts.tickers ?? (await syncUniverse(opts));
  const flowDays = Math.min(opts.flowDays ?? 20, opts.days);
  let done = 0;
  let rows = 0;
  const failed: string[] = [];
  const queue = [...tickers];

  const worker = async (): Promise<void> => {
    for (let ticker = queue.shift(); ticker !== undefined; ticker = queue.shift()) {
      if (opts.signal?.aborted === true) return;
      try {
        const [candles, flows] = await Promise.all([
          opts.kiwoom.dailyCandles(ticker, { baseDate: opts.baseDate, adjusted: true, maxRows: opts.days, ...signalOf(opts) }),
          opts.kiwoom.dailyPrices(ticker, { date: opts.baseDate, maxRows: flowDays, ...signalOf(opts) }),
        ]);
        const bars = mergeBars(ticker, candles.candles, flows.rows);
        await upsertDailyPrices(opts.db, bars);
        rows += bars.length;
      } catch (err) {
        failed.push(ticker);
        opts.logger.warn({ err, ticker }, 'backfill of a ticker failed');
      }
      done += 1;
      opts.onProgress?.({ done, total: tickers.length, ticker, rows, failed: failed.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return { tickers: tickers.length, rows, failed };
}

function signalOf(opts: BackfillOptions): { signal?: AbortSignal } {
  return opts.signal === undefined ? {} : { signal: opts.signal };
}

/** Candles with the investor columns of the same date; change and rate against the bar before. */
export function mergeBars(ticker: string, candles: readonly DailyCandle[], flows: readonly DailyPriceRow[]): DailyPriceInput[] {
  const flowByDate = new Map(flows.map((f) => [f.date, f]));
  return candles.map((candle, i) => {
    const previous = candles[i + 1];
    const flow = flowByDate.get(candle.date);
    const change = candle.change ?? (previous !== undefined ? candle.close - previous.close : null);
    const prevClose = change !== null ? candle.close - change : null;
    return {
      ticker,
      date: candle.date,
      open: candle.open ?? candle.close,
      high: candle.high ?? candle.close,
      low: candle.low ?? candle.close,
      close: candle.close,
      volume: candle.volume ?? 0,
      tradingValue: candle.tradingValue,
      change,
      changeRate: change !== null && prevClose !== null && prevClose > 0 ? Math.round((change / prevClose) * 10_000) / 100 : null,
      foreignNetBuy: flow?.foreignNetBuying ?? flow?.foreign ?? null,
      institutionNetBuy: flow?.institutionNetBuying ?? flow?.institution ?? null,
      individualNetBuy: flow?.individualNetBuying ?? flow?.individual ?? null,
      source: 'kiwoom',
    };
  });
}

/** ka10099 for KOSPI, KOSDAQ and ETFs into `stocks`; returns the tickers. */
async function syncUniverse(opts: BackfillOptions): Promise<string[]> {
  const lists = await Promise.all((['kospi', 'kosdaq', 'etf'] as const).map((m) => opts.kiwoom.listStocks(m)));
  const byTicker = new Map<string, StockInput>();
  for (const list of lists) {
    for (const stock of list.stocks) {
      const market = list.market === 'kosdaq' ? 'KOSDAQ' : 'KOSPI';
      byTicker.set(stock.ticker, {
        ticker: stock.ticker,
        name: stock.name,
        market,
        kind: list.market === 'etf' ? 'etf' : kindOf(stock),
        sector: stock.sectorName || null,
        isManaged: stock.state.includes('관리종목'),
        isSuspended: stock.state.includes('거래정지'),
      });
    }
  }
  await upsertStocks(opts.db, [...byTicker.values()]);
  opts.logger.info({ stocks: byTicker.size }, 'universe synced from ka10099');
  return [...byTicker.keys()];
}

/**
 * Kiwoom's list has no kind column: preferred shares are named `…우`, `…우B`, `…1우` (and their
 * codes do not end in 0); ETNs carry ETN in the name.
 */
export function kindOf(stock: Pick<ListedStock, 'ticker' | 'name'>): StockInput['kind'] {
  if (/ETN/i.test(stock.name)) return 'etn';
  if (/\d?우[A-C]?$/.test(stock.name) && !stock.ticker.endsWith('0')) return 'preferred';
  return 'stock';
}
