import type { Bus, LastValueStore } from '@repo/bus';
import { createTopicPublisher } from '@repo/bus';
import { listStocks, type Db } from '@repo/db';
import type { KiwoomClient } from '@repo/kiwoom';
import { isTradingDay, kstDate, sessionTimes } from '@repo/market';
import type { Logger } from '@repo/observability';
import type { Registry } from 'prom-client';
import { backfillDailyPrices } from './backfill.js';
import { createCircuitBreaker, type BreakerState } from './circuit-breaker.js';
import type { IngestConfig } from './config.js';
import { createDemandTracker } from './demand-tracker.js';
import { createIngestMetrics } from './metrics.js';
import { createQuotePoller } from './quote-poller.js';

export type IngestOptions = Pick<
  IngestConfig,
  | 'pollIntervalMs'
  | 'kiwoomDeadlineMs'
  | 'offHoursIntervalMs'
  | 'watchTickers'
  | 'breakerFailures'
  | 'breakerCooldownMs'
  | 'breakerMaxCooldownMs'
  | 'dailySync'
>;

/** Leadership among ingest instances (a Redis lease in production; always-leader in standalone). */
export interface Leadership {
  start(): void;
  stop(): Promise<void>;
  isLeader(): boolean;
}

export interface PriceIngestDeps {
  readonly config: IngestOptions;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  readonly db: Db;
  readonly kiwoom: KiwoomClient;
  /** The market clock: the simulator's in standalone, the wall clock in production. */
  readonly clock?: () => Date;
  /** Builds the leadership with a callback for changes; default: always the leader. */
  readonly leadership?: (onChange: (leader: boolean) => void) => Leadership;
  readonly instanceId: string;
}

export interface PriceIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One poll cycle now (tests; the standalone's first quotes). */
  pollOnce(): Promise<void>;
  readiness(): { ready: boolean; reasons: string[] };
  isLeader(): boolean;
}

const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };
/** How often the end-of-day sync checks whether today's bars are due. */
const DAILY_SYNC_CHECK_MS = 60_000;

/**
 * price-ingest: the poller lease, the demand union, Kiwoom polling behind a circuit breaker with
 * per-ticker database fallback, the canonical quote published once per change, and the
 * end-of-day bar upsert. Everything it talks to is given; main.ts opens the connections.
 */
export function createPriceIngest(deps: PriceIngestDeps): PriceIngest {
  const { config, bus } = deps;
  const log = deps.logger.child({ component: 'price-ingest' });
  const clock = deps.clock ?? (() => new Date());
  const metrics = createIngestMetrics(deps.registry, () => poller.lastCycleAtMs());
  const publisher = createTopicPublisher({
    bus,
    lastValues: deps.lastValues,
    src: deps.instanceId,
    logger: log,
    // Fencing: a poll answered after this process lost its lease (it was paused) publishes nothing.
    mayPublish: () => isLeader(),
  });
  const demand = createDemandTracker({ bus, watchList: config.watchTickers, logger: log });
  const breaker = createCircuitBreaker({
    failureThreshold: config.breakerFailures,
    cooldownMs: config.breakerCooldownMs,
    maxCooldownMs: config.breakerMaxCooldownMs,
    onChange: (state) => {
      metrics.breakerState.set(BREAKER_STATE_VALUE[state]);
      // One line per state change: an outage costs a handful of lines, not one per poll.
      log.warn(
        { state },
        state === 'closed' ? 'kiwoom circuit closed: quotes from kiwoom again' : `kiwoom circuit ${state}: quotes from the database`,
      );
    },
  });
  let leader = deps.leadership === undefined;
  const leadership = deps.leadership?.((isLeader) => {
    leader = isLeader;
    metrics.leader.set(isLeader ? 1 : 0);
    // A new leader continues every topic's seq from the store, after whoever led before.
    if (isLeader) publisher.reset();
  });
  /** The lease's own answer is time-based (a paused process stops at once); the flag follows it. */
  function isLeader(): boolean {
    return leader && (leadership?.isLeader() ?? true);
  }
  const poller = createQuotePoller({
    kiwoom: deps.kiwoom,
    db: deps.db,
    demand,
    publisher,
    breaker,
    metrics,
    logger: log,
    clock,
    isLeader,
    pollIntervalMs: config.pollIntervalMs,
    offHoursIntervalMs: config.offHoursIntervalMs,
    kiwoomDeadlineMs: config.kiwoomDeadlineMs,
  });
  let syncTimer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> | undefined;
  let lastSyncedDay: string | undefined;

  /** After the close of a trading day, once: today's bar of every known stock into daily_prices. */
  const maybeSyncToday = (): void => {
    const now = clock();
    const today = kstDate(now);
    const close = sessionTimes(today)?.close;
    const afterClose = close !== undefined && now >= close;
    if (!config.dailySync || !leader || syncing !== undefined || lastSyncedDay === today || !isTradingDay(today) || !afterClose) return;
    syncing = (async () => {
      const tickers = (await listStocks(deps.db)).map((s) => s.ticker);
      const result = await backfillDailyPrices({
        kiwoom: deps.kiwoom,
        db: deps.db,
        baseDate: today,
        days: 1,
        flowDays: 1,
        tickers,
        logger: log,
      });
      lastSyncedDay = today;
      log.info({ date: today, tickers: result.tickers, rows: result.rows, failed: result.failed.length }, 'end-of-day bars stored');
    })()
      .catch((err: unknown) => log.warn({ err }, 'end-of-day sync failed; retried at the next check'))
      .finally(() => {
        syncing = undefined;
      });
  };

  return {
    async start() {
      demand.start();
      metrics.breakerState.set(0);
      metrics.leader.set(leader ? 1 : 0);
      leadership?.start();
      poller.start();
      syncTimer = setInterval(maybeSyncToday, DAILY_SYNC_CHECK_MS);
      syncTimer.unref();
      log.debug({ watch: config.watchTickers.length, pollIntervalMs: config.pollIntervalMs }, 'poller started');
    },
    async stop() {
      clearInterval(syncTimer);
      await poller.stop();
      await syncing;
      await leadership?.stop();
      demand.stop();
    },
    pollOnce: () => poller.pollOnce(),
    isLeader: () => leader,
    readiness() {
      const reasons: string[] = [];
      if (bus.status() !== 'connected') reasons.push(`bus ${bus.status()}`);
      const last = poller.lastCycleAtMs();
      // A leader that has not completed a cycle in three off-hours intervals is stuck.
      if (leader && last !== undefined && Date.now() - last > 3 * Math.max(config.pollIntervalMs, config.offHoursIntervalMs))
        reasons.push('poll loop stalled');
      return { ready: reasons.length === 0, reasons };
    },
  };
}
