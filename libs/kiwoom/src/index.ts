export {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RATE_LIMITED_MIN_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  createKiwoomClient,
} from './kiwoom-client.js';
export type { KiwoomClient, KiwoomClientOptions, KiwoomClientStats, KiwoomRateLimits } from './kiwoom-client.js';
export {
  KIWOOM_ERROR_CODES,
  KiwoomError,
  classifyKiwoomCode,
  isKiwoomError,
  parseKiwoomCode,
  parseKiwoomResponse,
  parseQuota,
} from './errors.js';
export type { KiwoomBody, KiwoomErrorCode, KiwoomErrorDetails } from './errors.js';
export {
  SATURATED_VALUES,
  hundredMillionKrwToKrw,
  millionKrwToKrw,
  parseChange,
  parseOptionalPrice,
  parsePrice,
  parseRate,
  parseSignCode,
  parseSignedNumber,
  readKiwoomNumber,
  thousandSharesToShares,
} from './numbers.js';
export type { NumberReading, PriceSign } from './numbers.js';
export { kstDateTimeToIso, parseKstDate, parseKstTime, parseKstTimestamp } from './kst.js';
export { systemClock, systemTimers } from './clock.js';
export type { Clock, Timers } from './clock.js';
export type { FetchLike } from './http.js';
export { DEFAULT_REFRESH_MARGIN_MS, createTokenManager } from './token-manager.js';
export type { TokenManager, TokenManagerOptions } from './token-manager.js';
export { DEFAULT_MAX_QUEUE, DEFAULT_RATE_LIMIT, createRateLimiter } from './rate-limiter.js';
export type { RateLimit, RateLimiter, RateLimiterOptions } from './rate-limiter.js';
export { DEFAULT_MAX_PAGES } from './transport.js';
export type { KiwoomPage, KiwoomRequest, PagingOptions } from './transport.js';
export type { Ka10001Request, Ka10001Response, StockInfo } from './trs/ka10001.js';
export { MAX_QUOTE_BATCH } from './trs/ka10095.js';
export type { Ka10095Request, Ka10095Response, Ka10095Row, Quote, QuotesResult } from './trs/ka10095.js';
export type { DailyCandle, DailyCandles, DailyCandlesOptions, Ka10081Request, Ka10081Response, Ka10081Row } from './trs/ka10081.js';
export type { DailyPriceRow, DailyPrices, DailyPricesOptions, Ka10086Request, Ka10086Response, Ka10086Row } from './trs/ka10086.js';
export { LIST_MARKET_CODES } from './trs/ka10099.js';
export type { Ka10099Request, Ka10099Response, Ka10099Row, ListMarket, ListedStock, StockList } from './trs/ka10099.js';
export { INDEX_CODES, INDEX_SENTINEL_TIMES } from './trs/ka20001.js';
export type {
  IndexCode,
  IndexExtreme,
  IndexName,
  IndexQuote,
  IndexTick,
  Ka20001Request,
  Ka20001Response,
  Ka20001TickRow,
} from './trs/ka20001.js';
