export type { Db, JsonValue, QueryResult } from './db.js';
export { DbError, DbErrorCode, MigrationChangedError } from './errors.js';
export { DEFAULT_POOL_MAX, openDb, parseDbUrl } from './open-db.js';
export type { DbLogger, DbTarget, OpenDbOptions } from './open-db.js';
export { DEFAULT_MIGRATIONS_TABLE, migrate } from './migrate.js';
export type { MigrateOptions, MigrateResult } from './migrate.js';
export { listStocks, upsertStocks } from './repositories/stocks.js';
export type { Market, Stock, StockInput, StockKind } from './repositories/stocks.js';
export {
  countDailyPrices,
  dailyPriceHistory,
  dailyPriceRange,
  latestDailyPrices,
  latestDailyPricesMany,
  upsertDailyPrices,
} from './repositories/daily-prices.js';
export type { DailyPrice, DailyPriceInput, DailyPriceRangeOptions } from './repositories/daily-prices.js';
export { MAX_ROWS_PER_INSERT } from './repositories/sql.js';
export { insertSignalSet, latestSignalSet } from './repositories/signals.js';
export type { SignalSet, SignalSetInput } from './repositories/signals.js';
export { latestMarketStatus, upsertMarketStatus } from './repositories/market-status.js';
export type { MarketGateStatus, MarketStatus, MarketStatusInput } from './repositories/market-status.js';
export { listMarketHolidays, upsertMarketHolidays } from './repositories/market-holidays.js';
export type { MarketHoliday, MarketHolidayInput, MarketHolidayRangeOptions } from './repositories/market-holidays.js';
