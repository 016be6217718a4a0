import { fullJitterBackoff, silentLogger, type Logger } from '@repo/observability';
import { sleep, systemClock, systemTimers, type Clock, type Timers } from './clock.js';
import { KiwoomError, isKiwoomError, parseKiwoomResponse } from './errors.js';
import { JSON_CONTENT_TYPE, postJson, type FetchLike } from './http.js';
import { createRateLimiter, type RateLimit } from './rate-limiter.js';
import { createTokenManager } from './token-manager.js';
import type { KiwoomPage, KiwoomRequest, KiwoomTransport } from './transport.js';
import { requestStockInfo, type StockInfo } from './trs/ka10001.js';
import { requestDailyCandles, type DailyCandles, type DailyCandlesOptions } from './trs/ka10081.js';
import { requestDailyPrices, type DailyPrices, type DailyPricesOptions } from './trs/ka10086.js';
import { requestQuotes, type QuotesResult } from './trs/ka10095.js';
import { requestStockList, type ListMarket, type StockList } from './trs/ka10099.js';
import { requestIndexQuote, type IndexCode, type IndexQuote } from './trs/ka20001.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Retries after the first attempt, for retryable errors only. */
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 10_000 } as const;
/** The shortest wait after a rate-limit answer (§4.5: at least 1.3 s, plus jitter). */
export const DEFAULT_RATE_LIMITED_MIN_DELAY_MS = 1_300;

export interface KiwoomRateLimits {
  /** @default DEFAULT_RATE_LIMIT (1/s, burst 1) */
  readonly default?: RateLimit;
  /** Per api-id overrides, e.g. `{ ka10081: { perSecond: 5, burst: 2 } }` on the real host. */
  readonly perApiId?: Readonly<Record<string, RateLimit>>;
  /** A cap across all api-ids. */
  readonly global?: RateLimit;
  /** Waiting calls per api-id before `KIWOOM_QUEUE_FULL`. @default DEFAULT_MAX_QUEUE */
  readonly maxQueue?: number;
}

export interface KiwoomClientOptions {
  /** `https://api.kiwoom.com`, `https://mockapi.kiwoom.com`, or the simulator. */
  readonly baseUrl: string;
  readonly appKey: string;
  readonly secretKey: string;
  /** Deadline of one HTTP exchange, body included. @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** A child logger; the client logs retries at debug and rare state changes at info/warn. */
  readonly logger?: Logger;
  readonly rateLimits?: KiwoomRateLimits;
  /** @default DEFAULT_MAX_RETRIES */
  readonly maxRetries?: number;
  /** Capped exponential backoff with full jitter between retries. @default DEFAULT_BACKOFF */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** @default DEFAULT_RATE_LIMITED_MIN_DELAY_MS */
  readonly rateLimitedMinDelayMs?: number;
  /** Refresh the token this long before it expires. @default DEFAULT_REFRESH_MARGIN_MS */
  readonly tokenRefreshMarginMs?: number;
  /** @default the global `fetch` (undici) */
  readonly fetch?: FetchLike;
  /** The jitter source, a number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** Counters since creation, for metrics (`ingest_kiwoom_requests_total` and friends). */
export interface KiwoomClientStats {
  /** HTTP exchanges sent for TR calls (every page and every retry counts). */
  readonly requests: number;
  readonly retries: number;
  /** Rate-limit answers received (HTTP 429 or 1700-class). */
  readonly rateLimited: number;
  /** Calls that finally failed. */
  readonly failures: number;
}

export interface KiwoomClient {
  /** ka10001: one stock's price and basic info. */
  stockInfo(ticker: string, options?: { signal?: AbortSignal }): Promise<StockInfo>;
  /** ka10095: up to 100 codes in one call; more throws `KIWOOM_BATCH_TOO_LARGE` before sending. */
  quotes(tickers: readonly string[], options?: { signal?: AbortSignal }): Promise<QuotesResult>;
  /** ka10081: daily candles, newest first, following `cont-yn`/`next-key` up to the bounds. */
  dailyCandles(ticker: string, options: DailyCandlesOptions): Promise<DailyCandles>;
  /** ka10086: daily prices with investor net buying (shares), newest first. */
  dailyPrices(ticker: string, options: DailyPricesOptions): Promise<DailyPrices>;
  /** ka10099: the listed stocks of one market. */
  listStocks(market: ListMarket, options?: { maxPages?: number; signal?: AbortSignal }): Promise<StockList>;
  /** ka20001: KOSPI (`001`), KOSDAQ (`101`) or KOSPI200 (`201`). */
  indexQuote(code: IndexCode, options?: { signal?: AbortSignal }): Promise<IndexQuote>;
  /** One raw page of any TR, paced, authenticated and retried like the calls above. */
  call(request: KiwoomRequest): Promise<KiwoomPage>;
  /** Revokes the token (au10002). */
  revoke(signal?: AbortSignal): Promise<void>;
  stats(): KiwoomClientStats;
  /** Rejects calls waiting for the rate limiter and refuses new ones. Idempotent. */
  close(): void;
}

/**
 * The Kiwoom REST client. It owns no connection and starts no timer until a call is made: every
 * timer belongs to a call (deadline, rate-limit wait, backoff) and is cleared when it ends.
 * @example
 * const kiwoom = createKiwoomClient({ baseUrl, appKey, secretKey, logger: log.child({ component: 'kiwoom' }) });
 * const { quotes, unknownTickers } = await kiwoom.quotes(['005930', '000660']);
 */
export function createKiwoomClient(options: KiwoomClientOptions): KiwoomClient {
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const rateLimitedMinDelayMs = options.rateLimitedMinDelayMs ?? DEFAULT_RATE_LIMITED_MIN_DELAY_MS;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}`);
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const jitter = fullJitterBackoff({ ...backoff, ...(options.random === undefined ? {} : { random: options.random }) });
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const limits = options.rateLimits ?? {};
  const limiter = createRateLimiter({
    clock,
    timers,
    ...(limits.default === undefined ? {} : { defaultLimit: limits.default }),
    ...(limits.perApiId === undefined ? {} : { perApiId: limits.perApiId }),
    ...(limits.global === undefined ? {} : { global: limits.global }),
    ...(limits.maxQueue === undefined ? {} : { maxQueue: limits.maxQueue }),
  });
  const tokens = createTokenManager({
    baseUrl,
    appKey: options.appKey,
    secretKey: options.secretKey,
    fetch: fetchFn,
    clock,
    timers,
    timeoutMs,
    logger,
    ...(options.tokenRefreshMarginMs === undefined ? {} : { refreshMarginMs: options.tokenRefreshMarginMs }),
  });
  const counters = { requests: 0, retries: 0, rateLimited: 0, failures: 0 };
  let closed = false;

  async function sendOnce(request: KiwoomRequest, token: string): Promise<KiwoomPage> {
    await limiter.acquire(request.apiId, request.signal);
    const headers: Record<string, string> = {
      'content-type': JSON_CONTENT_TYPE,
      'api-id': request.apiId,
      authorization: `Bearer ${token}`,
    };
    if (request.nextKey !== undefined) {
      headers['cont-yn'] = 'Y';
      headers['next-key'] = request.nextKey;
    }
    counters.requests++;
    const reply = await postJson(fetchFn, {
      url: `${baseUrl}${request.path}`,
      headers,
      body: request.body,
      timeoutMs,
      timers,
      apiId: request.apiId,
      signal: request.signal,
    });
    const body = parseKiwoomResponse(reply.status, reply.text, request.apiId);
    const nextKey = reply.headers.get('next-key')?.trim() ?? '';
    return {
      body,
      hasMore: reply.headers.get('cont-yn')?.trim().toUpperCase() === 'Y',
      nextKey: nextKey === '' ? null : nextKey,
    };
  }

  function retryDelayMs(error: KiwoomError, attempt: number): number {
    const jittered = jitter(attempt);
    if (error.code !== 'KIWOOM_RATE_LIMITED') return jittered;
    return Math.min(Math.max(backoff.maxMs, rateLimitedMinDelayMs), rateLimitedMinDelayMs + jittered);
  }

  async function call(request: KiwoomRequest): Promise<KiwoomPage> {
    if (closed) throw new KiwoomError('KIWOOM_ABORTED', 'the Kiwoom client is closed', { apiId: request.apiId });
    for (let attempt = 0; ; attempt++) {
      try {
        return await tokens.withToken((token) => sendOnce(request, token), request.signal);
      } catch (err) {
        if (!isKiwoomError(err)) throw err;
        if (err.code === 'KIWOOM_RATE_LIMITED') {
          counters.rateLimited++;
          if (limiter.onRateLimited(request.apiId, err.quotaPerSecond)) {
            logger.warn({ apiId: request.apiId, perSecond: err.quotaPerSecond }, 'kiwoom rate limit lowered to the announced quota');
          }
        }
        if (!err.retryable || attempt >= maxRetries || closed) {
          counters.failures++;
          throw err;
        }
        const delayMs = retryDelayMs(err, attempt);
        counters.retries++;
        logger.debug(
          { apiId: request.apiId, attempt: attempt + 1, delayMs: Math.round(delayMs), code: err.code, kiwoomCode: err.kiwoomCode },
          'kiwoom call failed; retrying',
        );
        await sleep(timers, delayMs, request.signal);
      }
    }
  }

  const transport: KiwoomTransport = { call, clock };

  return {
    stockInfo: (ticker, opts) => requestStockInfo(transport, ticker, opts?.signal),
    quotes: (tickers, opts) => requestQuotes(transport, tickers, opts?.signal),
    dailyCandles: (ticker, opts) => requestDailyCandles(transport, ticker, opts),
    dailyPrices: (ticker, opts) => requestDailyPrices(transport, ticker, opts),
    listStocks: (market, opts) => requestStockList(transport, market, opts),
    indexQuote: (code, opts) => requestIndexQuote(transport, code, opts?.signal),
    call,
    revoke: (signal) => tokens.revoke(signal),
    stats: () => ({ ...counters }),
    close() {
      if (closed) return;
      closed = true;
      limiter.close();
    },
  };
}
