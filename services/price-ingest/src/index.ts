export { createPriceIngest } from './app.js';
export type { IngestOptions, Leadership, PriceIngest, PriceIngestDeps } from './app.js';
export { backfillDailyPrices, kindOf, mergeBars } from './backfill.js';
export type { BackfillOptions, BackfillResult } from './backfill.js';
export { ingestConfigSchema, parseIngestConfig } from './config.js';
export type { IngestConfig } from './config.js';
