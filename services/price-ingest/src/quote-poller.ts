import type { TopicPublisher } from '@repo/bus';
import { latestDailyPricesMany, type Db } from '@repo/db';
import { isKiwoomError, type KiwoomClient } from '@repo/kiwoom';
import { lastCompletedTradingDay, sessionPhase } from '@repo/market';
import type { Logger } from '@repo/observability';
import { priceTopic, type PriceUpdate } from '@repo/protocol';
import type { CircuitBreaker } from './circuit-breaker.js';
import { startDeadline } from './deadline.js';
import type { DemandTracker } from './demand-tracker.js';
import { FALLBACK_REASONS, type FallbackReason, type IngestMetrics } from './metrics.js';
import { indexChangeKey, indexFromKiwoom, priceChangeKey, quoteFromDailyBars, quoteFromKiwoom } from './quote-normalizer.js';

/**
 * One poll loop: every cycle takes the demanded tickers, asks Kiwoom for them in ka10095 batches
 * of at most 100 (paced by the client's rate limiter) while the circuit breaker allows, answers
 * every ticker Kiwoom did not from the database, polls the two composite indices, and publishes
 * what changed. Cycles never overlap; the next starts `pollIntervalMs` after one ends during
 * trading, `offHoursIntervalMs` outside it. Only the leader polls.
 */
export interface QuotePoller {
  start(): void;
  stop(): Promise<void>;
  /** Runs one cycle now (tests and the first cycle after taking the lease). */
  pollOnce(): Promise<void>;
  /** Time of the last completed cycle (ms), for readiness. */
  lastCycleAtMs(): number | undefined;
}

export interface QuotePollerDeps {
  readonly kiwoom: Pick<KiwoomClient, 'quotes' | 'indexQuote'>;
  readonly db: Db;
  readonly demand: DemandTracker;
  readonly publisher: TopicPublisher;
  readonly breaker: CircuitBreaker;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** The market's clock (the simulator's in standalone, the wall clock in production). */
  readonly clock: () => Date;
  readonly isLeader: () => boolean;
  readonly pollIntervalMs: number;
  readonly offHoursIntervalMs: number;
  /**
   * Deadline of one Kiwoom call of a cycle, retries included. A storm (5xx, 429 waits, timeouts)
   * then costs a batch at most this long before it falls back to the database: the next cycle is
   * the retry that matters.
   */
  readonly kiwoomDeadlineMs?: number;
  readonly batchSize?: number;
}

const INDEX_TOPICS = { '001': 'market:kospi', '101': 'market:kosdaq' } as const;

export function createQuotePoller(deps: QuotePollerDeps): QuotePoller {
  const { metrics, logger, breaker } = deps;
  const batchSize = Math.min(deps.batchSize ?? 100, 100);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let lastCycleMs: number | undefined;
  let previousTickers = new Set<string>();

  const publishQuote = async (update: PriceUpdate, reason?: string): Promise<void> => {
    const result = await deps.publisher.publish(priceTopic(update.ticker), update, priceChangeKey(update));
    if (result === 'unchanged') {
      metrics.unchanged.inc();
      return;
    }
    if (result === 'fenced') return;
    metrics.published.inc({ source: update.source });
    if (reason !== undefined) metrics.fallbackQuotes.inc({ reason });
    const ageMs = Date.now() - Date.parse(update.timestamp);
    if (Number.isFinite(ageMs)) metrics.quoteAge.observe({ source: update.source }, Math.max(0, ageMs) / 1000);
  };

  /** Calls Kiwoom if the breaker allows; records the outcome. Undefined when skipped or failed. */
  const callKiwoom = async <T>(apiId: string, call: (opts: { signal: AbortSignal }) => Promise<T>): Promise<T | undefined> => {
    if (!breaker.allow()) return undefined;
    const deadline = startDeadline(deps.kiwoomDeadlineMs ?? 2_000);
    const { signal } = deadline;
    try {
      const result = await call({ signal });
      breaker.success();
      metrics.kiwoomRequests.inc({ api_id: apiId, result: 'ok' });
      return result;
    } catch (err) {
      breaker.failure();
      metrics.kiwoomRequests.inc({ api_id: apiId, result: 'error' });
      // Past the cycle's deadline the client reports an abort; to an operator it is a slow Kiwoom.
      metrics.kiwoomErrors.inc({ code: signal.aborted ? 'KIWOOM_TIMEOUT' : isKiwoomError(err) ? err.code : 'UNKNOWN' });
      logger.debug({ err, apiId }, 'kiwoom call failed');
      return undefined;
    } finally {
      deadline.clear();
    }
  };

  const cycle = async (): Promise<void> => {
    const started = performance.now();
    const now = deps.clock();
    const tickers = deps.demand.tickers();
    metrics.demandedTickers.set(tickers.length);
    metrics.demandOwners.set(deps.demand.ownerCount());
    // Tickers that left the demand: forget their publishing state (bounded memory).
    const current = new Set(tickers);
    for (const t of previousTickers) if (!current.has(t)) deps.publisher.forget(priceTopic(t));
    previousTickers = current;

    const fallback = new Map<string, FallbackReason>();
    for (let i = 0; i < tickers.length; i += batchSize) {
      const batch = tickers.slice(i, i + batchSize);
      metrics.batchSize.observe(batch.length);
      const result = await callKiwoom('ka10095', (opts) => deps.kiwoom.quotes(batch, opts));
      if (result === undefined) {
        for (const t of batch) fallback.set(t, breaker.state() === 'closed' ? 'kiwoom_error' : 'breaker_open');
        continue;
      }
      const polledAt = deps.clock();
      for (const [j, quote] of result.quotes.entries()) {
        const ticker = batch[j];
        const update = quote === null ? null : quoteFromKiwoom(quote, polledAt);
        if (update !== null) await publishQuote(update);
        else if (ticker !== undefined) fallback.set(ticker, 'not_in_kiwoom');
      }
    }

    for (const reason of FALLBACK_REASONS) metrics.fallbackTickers.set({ reason }, 0);
    for (const reason of fallback.values()) metrics.fallbackTickers.inc({ reason });
    if (fallback.size > 0) {
      const bars = await latestDailyPricesMany(deps.db, [...fallback.keys()]);
      const lastDay = lastCompletedTradingDay(now);
      for (const [ticker, reason] of fallback) {
        const update = quoteFromDailyBars(ticker, bars.get(ticker) ?? [], lastDay);
        if (update === null) metrics.missingQuotes.inc();
        else await publishQuote(update, reason);
      }
    }

    for (const code of ['001', '101'] as const) {
      const quote = await callKiwoom('ka20001', (opts) => deps.kiwoom.indexQuote(code, opts));
      const update = quote === undefined ? null : indexFromKiwoom(quote, deps.clock());
      if (update !== null) await deps.publisher.publish(INDEX_TOPICS[code], update, indexChangeKey(update));
    }
    lastCycleMs = Date.now();
    metrics.cycleSeconds.observe((performance.now() - started) / 1000);
  };

  const runCycle = async (): Promise<void> => {
    try {
      await cycle();
      metrics.polls.inc({ result: 'ok' });
    } catch (err) {
      // The database or the bus failed; the next cycle tries again.
      metrics.polls.inc({ result: 'error' });
      logger.warn({ err }, 'poll cycle failed');
    }
  };

  /** Whether the market trades now (auctions included); also exported as ingest_session_trading. */
  const isTrading = (): boolean => {
    const phase = sessionPhase(deps.clock());
    const trading = phase === 'continuous' || phase === 'pre_open_auction' || phase === 'closing_auction';
    metrics.sessionTrading.set(trading ? 1 : 0);
    return trading;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, isTrading() ? deps.pollIntervalMs : deps.offHoursIntervalMs);
    timer.unref();
  };

  const tick = (): void => {
    timer = undefined;
    isTrading();
    if (!deps.isLeader()) {
      schedule();
      return;
    }
    running = runCycle().finally(() => {
      running = undefined;
      schedule();
    });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    pollOnce: () => runCycle(),
    lastCycleAtMs: () => lastCycleMs,
  };
}
