import type { Db } from '../db.js';
import { lastPerKey, valuesList, writeInChunks } from './sql.js';

/** A KRX closure day. */
export interface MarketHoliday {
  /** `YYYY-MM-DD`. */
  date: string;
  name: string;
  /** e.g. `public`, `lunar`, `substitute`, `krx`, `ad_hoc`. */
  kind: string | null;
}

export interface MarketHolidayInput {
  date: string;
  name: string;
  kind?: string | null;
}

export interface MarketHolidayRangeOptions {
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
}

/** Inserts or replaces closure days by date. */
export async function upsertMarketHolidays(db: Db, rows: readonly MarketHolidayInput[]): Promise<void> {
  await writeInChunks(
    db,
    lastPerKey(rows, (row) => row.date),
    async (q, chunk) => {
      await q.query(
        `insert into market_holidays (date, name, kind) values ${valuesList(chunk.length, ['?', '?', '?'])}
       on conflict (date) do update set name = excluded.name, kind = excluded.kind`,
        chunk.flatMap((h) => [h.date, h.name, h.kind ?? null]),
      );
    },
  );
}

/** Closure days within [from, to], oldest first (calendar order). */
export async function listMarketHolidays(db: Db, options: MarketHolidayRangeOptions = {}): Promise<MarketHoliday[]> {
  const { rows } = await db.query<MarketHoliday>(
    `select date, name, kind from market_holidays
     where ($1::date is null or date >= $1::date) and ($2::date is null or date <= $2::date)
     order by date`,
    [options.from ?? null, options.to ?? null],
  );
  return rows;
}
