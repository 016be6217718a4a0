// `npm run backfill -- [--days 300] [--tickers 005930,000660] [--date YYYYMMDD]`: fills daily_prices
// from Kiwoom (ka10081 + ka10086), showing progress. Same environment as price-ingest.
import { parseArgs } from 'node:util';
import { parseEnvOrExit } from '@repo/config';
import { migrate, openDb } from '@repo/db';
import { createKiwoomClient } from '@repo/kiwoom';
import { lastCompletedTradingDay, normalizeTicker } from '@repo/market';
import { createLogger } from '@repo/observability';
import { backfillDailyPrices } from './backfill.js';
import { parseIngestConfig } from './config.js';

const USAGE = 'usage: backfill [--days N ≥ 1] [--tickers 005930,000660] [--date YYYYMMDD (default: the last completed trading day)]\n';
let values: { days: string; tickers?: string | undefined; date?: string | undefined };
try {
  ({ values } = parseArgs({
    options: { days: { type: 'string', default: '300' }, tickers: { type: 'string' }, date: { type: 'string' } },
  }));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
}
const days = Number(values.days);
const tickers = values.tickers?.split(',').map((t) => normalizeTicker(t));
if (
  !Number.isInteger(days) ||
  days < 1 ||
  tickers?.some((t) => t === null) === true ||
  (values.date !== undefined && !/^\d{8}$/.test(values.date))
) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const config = parseEnvOrExit(parseIngestConfig);
const logger = createLogger({ name: 'backfill', level: config.logLevel, pretty: process.stdout.isTTY });
const db = await openDb({ url: config.databaseUrl });
await migrate(db);
const kiwoom = createKiwoomClient({
  baseUrl: config.kiwoomBaseUrl,
  appKey: config.kiwoomAppKey,
  secretKey: config.kiwoomSecretKey,
  logger,
});
const started = Date.now();
const result = await backfillDailyPrices({
  kiwoom,
  db,
  // A finished day by default: today's bar is stored by the end-of-day sync once the day is done.
  baseDate: values.date ?? lastCompletedTradingDay(new Date()),
  days,
  ...(tickers !== undefined ? { tickers: tickers.filter((t): t is string => t !== null) } : {}),
  logger,
  onProgress: ({ done, total, rows, failed }) => {
    process.stderr.write(`\rbackfill ${done}/${total} tickers, ${rows} rows, ${failed} failed`);
  },
});
process.stderr.write('\n');
logger.info({ ...result, failed: result.failed.length, seconds: (Date.now() - started) / 1000 }, 'backfill done');
kiwoom.close();
await db.close();
process.exit(result.failed.length === 0 ? 0 : 1);
