import type { Db } from '../db.js';
import { assertTimestampWithOffset, lastPerKey, valuesList, writeInChunks } from './sql.js';

export type Market = 'KOSPI' | 'KOSDAQ';
export type StockKind = 'stock' | 'preferred' | 'etf' | 'etn';

/** A row of `stocks`. */
export interface Stock {
  /** 6-character KRX short code, e.g. `005930`. */
  ticker: string;
  name: string;
  market: Market;
  kind: StockKind;
  sector: string | null;
  listedShares: number | null;
  /** 관리종목: left out of the signal universe. */
  isManaged: boolean;
  isSuspended: boolean;
  /** ISO-8601 UTC. */
  updatedAt: string;
}

/** What `upsertStocks` writes; omitted fields are stored as null/false, omitted `updatedAt` as now. */
export interface StockInput {
  ticker: string;
  name: string;
  market: Market;
  kind: StockKind;
  sector?: string | null;
  listedShares?: number | null;
  isManaged?: boolean;
  isSuspended?: boolean;
  updatedAt?: string;
}

const STOCK_COLUMNS = `ticker, name, market, kind, sector, listed_shares as "listedShares", is_managed as "isManaged",
  is_suspended as "isSuspended", updated_at as "updatedAt"`;

/** Inserts or fully replaces stocks by ticker (a stock-list refresh is the only writer). */
export async function upsertStocks(db: Db, rows: readonly StockInput[]): Promise<void> {
  for (const row of rows) if (row.updatedAt !== undefined) assertTimestampWithOffset(row.updatedAt, 'updatedAt');
  await writeInChunks(
    db,
    lastPerKey(rows, (row) => row.ticker),
    async (q, chunk) => {
      const params = chunk.flatMap((s) => [
        s.ticker,
        s.name,
        s.market,
        s.kind,
        s.sector ?? null,
        s.listedShares ?? null,
        s.isManaged ?? false,
        s.isSuspended ?? false,
        s.updatedAt ?? null,
      ]);
      await q.query(
        `insert into stocks (ticker, name, market, kind, sector, listed_shares, is_managed, is_suspended, updated_at)
       values ${valuesList(chunk.length, ['?', '?', '?', '?', '?', '?', '?', '?', 'coalesce(?::timestamptz, now())'])}
       on conflict (ticker) do update set
         name = excluded.name, market = excluded.market, kind = excluded.kind, sector = excluded.sector,
         listed_shares = excluded.listed_shares, is_managed = excluded.is_managed,
         is_suspended = excluded.is_suspended, updated_at = excluded.updated_at`,
        params,
      );
    },
  );
}

/** Every stock, ordered by ticker. */
export async function listStocks(db: Db): Promise<Stock[]> {
  const { rows } = await db.query<Stock>(`select ${STOCK_COLUMNS} from stocks order by ticker`);
  return rows;
}
