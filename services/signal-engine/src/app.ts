import { createDemandReporter, createTopicPublisher, type Bus, type LastValueStore, type Subscription } from '@repo/bus';
import { insertSignalSet, latestSignalSet, upsertMarketStatus, type Db } from '@repo/db';
import { kstDate, kstIso, lastCompletedTradingDay, sessionPhase } from '@repo/market';
import type { Logger } from '@repo/observability';
import { decodeEnvelope, type IndexUpdate, type PriceUpdate } from '@repo/protocol';
import {
  computeMarketGate,
  evaluateClosingBet,
  evaluateVcp,
  isSignalUniverse,
  rsRatings,
  signalSetChecksum,
  sortSignals,
  type NewsScorer,
} from '@repo/signals';
import type { Registry } from 'prom-client';
import type { SignalEngineConfig } from './config.js';
import { sectorEtfsOf } from './config.js';
import { loadHistory } from './history.js';
import { createEngineMetrics, type SignalTopic } from './metrics.js';
import { closingBetSlot, inClosingBetWindow, vcpSlot } from './schedule.js';

export type SignalEngineOptions = Pick<SignalEngineConfig, 'vcpEveryMs' | 'gateEveryMs' | 'tickMs' | 'sectorEtfs' | 'capitalKrw'>;

export interface SignalEngineDeps {
  readonly config: SignalEngineOptions;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  readonly db: Db;
  readonly instanceId: string;
  /** The market clock (the simulator's in standalone). */
  readonly clock?: () => Date;
  /** News scores for closing-bet; without one the documented trading-value fallback applies. */
  readonly newsScorer?: NewsScorer;
}

export interface SignalEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs one job now (tests, and the start-up sets). */
  run(job: 'vcp' | 'closing_bet' | 'gate'): Promise<void>;
  readiness(): { ready: boolean; reasons: string[] };
}

const SIGNAL_TYPES = { 'signal:vcp': 'VCP', 'signal:jongga_v2': 'JONGGA_V2' } as const;
/** Expected refresh periods for the staleness alarm (the gate: seed-protocol.md §14.2's 10 minutes). */
const EXPECTED_PERIOD_MS: Readonly<Record<SignalTopic, number>> = {
  'market-gate': 10 * 60_000,
  'signal:vcp': 26 * 3_600_000,
  'signal:jongga_v2': 26 * 3_600_000,
};
/** Index quotes come every poll; the gate is recomputed at most this often on them. */
const GATE_DEBOUNCE_MS = 1_000;

const isoDate = (yyyymmdd: string): string => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/**
 * signal-engine: VCP, closing-bet V2 and the market gate from `daily_prices` plus live quotes,
 * each set persisted before it is published, published only when it changed, and written to the
 * last-value store so subscribers get it at once. Jobs run one at a time on a KST schedule.
 */
export function createSignalEngine(deps: SignalEngineDeps): SignalEngine {
  const { config, db, bus, lastValues } = deps;
  const log = deps.logger.child({ component: 'signal-engine' });
  const clock = deps.clock ?? (() => new Date());
  const lastRefresh = new Map<SignalTopic, number>();
  const metrics = createEngineMetrics(deps.registry, {
    lastRefreshMs: (t) => lastRefresh.get(t),
    expectedPeriodMs: (t) => EXPECTED_PERIOD_MS[t],
  });
  const publisher = createTopicPublisher({ bus, lastValues, src: deps.instanceId, logger: log });
  const demand = createDemandReporter({ bus, owner: deps.instanceId, leaseIntervalMs: 10_000, leaseTtlMs: 30_000, logger: log });
  const sectors = sectorEtfsOf(config.sectorEtfs);
  /** `as_of:checksum` of the last set per signal topic (from the database after a restart). */
  const lastSet = new Map<SignalTopic, string>();
  const indices: { kospi?: IndexUpdate; kosdaq?: IndexUpdate } = {};
  let universe: string[] = [];
  let lastGateKey: string | undefined;
  let lastGateMs = 0;
  let slots: { vcp?: string | undefined; closing?: string | undefined } = {};
  let queue: Promise<void> = Promise.resolve();
  let tickTimer: NodeJS.Timeout | undefined;
  let gateTimer: NodeJS.Timeout | undefined;
  let indexSub: Subscription | undefined;
  let stopped = false;

  /** The trading date the data describes: today once its session started, else the last completed day. */
  const asOfDate = (now: Date): string => {
    const phase = sessionPhase(now);
    return isoDate(
      phase === 'continuous' || phase === 'closing_auction' || phase === 'after_hours' ? kstDate(now) : lastCompletedTradingDay(now),
    );
  };

  const publishSet = async (
    topic: keyof typeof SIGNAL_TYPES,
    items: readonly Record<string, unknown>[],
    now: Date,
    extra: Record<string, unknown> = {},
  ): Promise<void> => {
    const signalType = SIGNAL_TYPES[topic];
    const asOf = asOfDate(now);
    const checksum = signalSetChecksum(items as never);
    const key = `${asOf}:${checksum}`;
    if (!lastSet.has(topic)) {
      const stored = await latestSignalSet(db, signalType);
      if (stored !== undefined) lastSet.set(topic, `${stored.setDate}:${stored.checksum}`);
    }
    lastRefresh.set(topic, Date.now());
    metrics.setSize.set({ topic }, items.length);
    if (lastSet.get(topic) === key) {
      metrics.unchanged.inc({ topic });
      return;
    }
    const message = {
      type: 'signal_update' as const,
      data: { signal_type: signalType, signals: items, count: items.length, timestamp: kstIso(now), as_of: asOf, ...extra },
    };
    // Persisted first: the REST view and a restarted engine agree with what clients saw.
    await insertSignalSet(db, {
      signalType,
      setDate: asOf,
      computedAt: now.toISOString(),
      payload: message,
      count: items.length,
      checksum,
    });
    await publisher.publish(topic, message);
    lastSet.set(topic, key);
    metrics.published.inc({ topic });
    log.info({ topic, count: items.length, asOf }, 'signal set published');
  };

  const jobs = {
    async vcp(): Promise<void> {
      const now = clock();
      const history = await loadHistory(db, lastValues, isoDate(kstDate(now)), isSignalUniverse);
      universe = history.stocks.map((s) => s.ticker);
      const rs = rsRatings(history.bars);
      const items = history.stocks.flatMap((stock) => {
        const signal = evaluateVcp({
          stock,
          bars: history.bars.get(stock.ticker) ?? [],
          rsRating: rs.get(stock.ticker) ?? null,
          now,
        }).signal;
        return signal === null ? [] : [signal];
      });
      await publishSet('signal:vcp', sortSignals(items), now);
    },
    async closing_bet(): Promise<void> {
      const now = clock();
      const slot = closingBetSlot(now);
      const history = await loadHistory(db, lastValues, isoDate(kstDate(now)), isSignalUniverse);
      const items = history.stocks.flatMap((stock) => {
        const signal = evaluateClosingBet({
          stock,
          bars: history.bars.get(stock.ticker) ?? [],
          now,
          newsScore: deps.newsScorer?.(stock.ticker) ?? null,
          config: { capitalKrw: config.capitalKrw },
        }).signal;
        return signal === null ? [] : [signal];
      });
      await publishSet('signal:jongga_v2', sortSignals(items), now, {
        final: slot?.final ?? false,
      });
    },
    async gate(): Promise<void> {
      const now = clock();
      const [kospiLv, kosdaqLv, ...sectorLvs] = await lastValues.getMany([
        'market:kospi',
        'market:kosdaq',
        ...sectors.map((s) => `price:${s.ticker}`),
      ]);
      const kospi = indices.kospi ?? decodeData<IndexUpdate>(kospiLv ?? null);
      const kosdaq = indices.kosdaq ?? decodeData<IndexUpdate>(kosdaqLv ?? null);
      const gate = computeMarketGate({
        kospi: kospi === undefined ? null : { value: kospi.data.index, changePct: kospi.data.change_rate },
        kosdaq: kosdaq === undefined ? null : { value: kosdaq.data.index, changePct: kosdaq.data.change_rate },
        sectors: sectors.map((s, i) => ({ ...s, changePct: decodeData<PriceUpdate>(sectorLvs[i] ?? null)?.data.change_rate ?? null })),
        now,
      });
      lastRefresh.set('market-gate', Date.now());
      const { updated_at: _ignored, ...comparable } = gate;
      const key = JSON.stringify(comparable);
      if (key === lastGateKey) return;
      const message = { type: 'market_gate_update' as const, timestamp: kstIso(now), data: gate };
      if (gate.kospi !== null && gate.kosdaq !== null) {
        await upsertMarketStatus(db, {
          date: asOfDate(now),
          computedAt: now.toISOString(),
          status: gate.status,
          level: gate.level,
          kospi: gate.kospi,
          kospiChangePct: gate.kospi_change_pct ?? 0,
          kosdaq: gate.kosdaq,
          kosdaqChangePct: gate.kosdaq_change_pct ?? 0,
          sectors: gate.sectors,
          payload: message,
        });
      }
      await publisher.publish('market-gate', message, key);
      lastGateKey = key;
      metrics.published.inc({ topic: 'market-gate' });
    },
  };

  /** Jobs run one after another; a failure is logged and counted, and the next run tries again. */
  const run = (job: keyof typeof jobs): Promise<void> => {
    const next = queue.then(async () => {
      if (stopped) return;
      const started = performance.now();
      try {
        await jobs[job]();
      } catch (err) {
        metrics.failures.inc({ job });
        log.warn({ err, job }, 'signal job failed');
      } finally {
        metrics.computeSeconds.observe({ job }, (performance.now() - started) / 1000);
      }
    });
    queue = next;
    return next;
  };

  const tick = (): void => {
    const now = clock();
    // Sector ETFs always (for the gate); every universe ticker during the closing-bet window.
    demand.set(new Set([...sectors.map((s) => s.ticker), ...(inClosingBetWindow(now) ? universe : [])]));
    const vcp = vcpSlot(now, config.vcpEveryMs);
    if (vcp !== undefined && vcp !== slots.vcp) {
      slots = { ...slots, vcp };
      void run('vcp');
    }
    const closing = closingBetSlot(now);
    if (closing !== undefined && closing.slot !== slots.closing) {
      slots = { ...slots, closing: closing.slot };
      void run('closing_bet');
    }
    if (Date.now() - lastGateMs >= config.gateEveryMs) scheduleGate(0);
  };

  const scheduleGate = (delayMs: number): void => {
    if (gateTimer !== undefined || stopped) return;
    gateTimer = setTimeout(() => {
      gateTimer = undefined;
      lastGateMs = Date.now();
      void run('gate');
    }, delayMs);
    gateTimer.unref();
  };

  const onIndex = (data: Uint8Array): void => {
    const update = decodeData<IndexUpdate>(data);
    if (update?.type !== 'index_update') return;
    if (update.code === '001') indices.kospi = update;
    else if (update.code === '101') indices.kosdaq = update;
    scheduleGate(Math.max(0, GATE_DEBOUNCE_MS - (Date.now() - lastGateMs)));
  };

  /** After a restart with an empty last-value store, serve the persisted sets at once. */
  const restorePersisted = async (): Promise<void> => {
    for (const topic of ['signal:vcp', 'signal:jongga_v2'] as const) {
      if ((await lastValues.get(topic)) !== null) continue;
      const stored = await latestSignalSet(db, SIGNAL_TYPES[topic]);
      if (stored === undefined) continue;
      await publisher.publish(topic, stored.payload as never);
      lastSet.set(topic, `${stored.setDate}:${stored.checksum}`);
    }
  };

  return {
    async start() {
      indexSub = bus.subscribe('md.index.*', onIndex);
      demand.start();
      await restorePersisted();
      // A fresh system shows every set within a minute: compute them all now.
      const now = clock();
      slots = { vcp: vcpSlot(now, config.vcpEveryMs), closing: closingBetSlot(now)?.slot };
      void run('vcp');
      void run('closing_bet');
      lastGateMs = Date.now();
      void run('gate');
      tickTimer = setInterval(tick, config.tickMs);
      tickTimer.unref();
      log.debug({ sectors: sectors.length, vcpEveryMs: config.vcpEveryMs }, 'signal-engine started');
    },
    async stop() {
      stopped = true;
      clearInterval(tickTimer);
      clearTimeout(gateTimer);
      indexSub?.unsubscribe();
      demand.stop();
      await queue;
    },
    run,
    readiness() {
      const reasons: string[] = [];
      if (bus.status() !== 'connected') reasons.push(`bus ${bus.status()}`);
      const gateAt = lastRefresh.get('market-gate');
      if (gateAt !== undefined && Date.now() - gateAt > EXPECTED_PERIOD_MS['market-gate']) reasons.push('market gate stale');
      return { ready: reasons.length === 0, reasons };
    },
  };
}

/** The payload of an envelope (bytes from the bus or JSON from the store), or undefined. */
function decodeData<T>(payload: Uint8Array | string | null): T | undefined {
  if (payload === null) return undefined;
  try {
    return decodeEnvelope(payload).data as T;
  } catch {
    return undefined;
  }
}
