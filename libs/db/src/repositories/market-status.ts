import type { Db, JsonValue } from '../db.js';
import { assertTimestampWithOffset, jsonParam } from './sql.js';

export type MarketGateStatus = 'GREEN' | 'YELLOW' | 'RED';

/** A row of `market_status`: the market gate of one KST trading day. */
export interface MarketStatus {
  /** `YYYY-MM-DD`. */
  date: string;
  /** ISO-8601 UTC. */
  computedAt: string;
  status: MarketGateStatus;
  /** 0–100. */
  level: number;
  /** Index points and percent changes. */
  kospi: number;
  kospiChangePct: number;
  kosdaq: number;
  kosdaqChangePct: number;
  /** The sector list as published. */
  sectors: JsonValue;
  /** The full `data` object as published. */
  payload: JsonValue;
}

export interface MarketStatusInput {
  date: string;
  /** ISO-8601 with an offset. */
  computedAt: string;
  status: MarketGateStatus;
  level: number;
  kospi: number;
  kospiChangePct: number;
  kosdaq: number;
  kosdaqChangePct: number;
  /** JSON-serialisable; stored as `jsonb`. */
  sectors: unknown;
  /** JSON-serialisable; stored as `jsonb`. */
  payload: unknown;
}

const COLUMNS = `date, computed_at as "computedAt", status, level, kospi, kospi_change_pct as "kospiChangePct", kosdaq,
  kosdaq_change_pct as "kosdaqChangePct", sectors, payload`;

/** Inserts or replaces the gate of `row.date`. */
export async function upsertMarketStatus(db: Db, row: MarketStatusInput): Promise<void> {
  assertTimestampWithOffset(row.computedAt, 'computedAt');
  await db.query(
    `insert into market_status (date, computed_at, status, level, kospi, kospi_change_pct, kosdaq, kosdaq_change_pct, sectors, payload)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)
     on conflict (date) do update set
       computed_at = excluded.computed_at, status = excluded.status, level = excluded.level,
       kospi = excluded.kospi, kospi_change_pct = excluded.kospi_change_pct,
       kosdaq = excluded.kosdaq, kosdaq_change_pct = excluded.kosdaq_change_pct,
       sectors = excluded.sectors, payload = excluded.payload`,
    [
      row.date,
      row.computedAt,
      row.status,
      row.level,
      row.kospi,
      row.kospiChangePct,
      row.kosdaq,
      row.kosdaqChangePct,
      jsonParam(row.sectors, 'market status sectors'),
      jsonParam(row.payload, 'market status payload'),
    ],
  );
}

/** The gate of the newest day, or undefined if none was stored. */
export async function latestMarketStatus(db: Db): Promise<MarketStatus | undefined> {
  const { rows } = await db.query<MarketStatus>(`select ${COLUMNS} from market_status order by date desc limit 1`);
  return rows[0];
}
