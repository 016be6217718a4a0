// The embedded default: every service in one process, so `npm ci && npm start` works on a fresh
// machine with no server installed. The Kiwoom simulator on loopback, PGlite with backfilled
// history, the in-process bus and last values, price-ingest and the edge. NATS_URL, REDIS_URL and
// DATABASE_URL switch the same services to the real servers.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  connectNats,
  connectRedis,
  createLegacyForwarder,
  createMemoryBus,
  createMemoryLastValueStore,
  createNatsBus,
  createRedisLastValueStore,
  type Bus,
  type LastValueStore,
} from '@repo/bus';
import { parseEnvOrExit } from '@repo/config';
import { buildDashboard } from '@repo/dashboard';
import { countDailyPrices, migrate, openDb } from '@repo/db';
import { authOptions, createAuthenticator, createEdge, parseEdgeConfig, type EdgeDeps } from '@repo/edge';
import { createKiwoomClient } from '@repo/kiwoom';
import { DEFAULT_APP_KEY, DEFAULT_SECRET_KEY, createKiwoomSim, parseKiwoomSimConfig } from '@repo/kiwoom-sim';
import { isTradingDay, kstDate, kstInstant, previousTradingDay } from '@repo/market';
import { createLifecycle, createLogger, createRegistry } from '@repo/observability';
import { backfillDailyPrices, createPriceIngest, parseIngestConfig } from '@repo/price-ingest';
import { createSignalEngine, parseSignalEngineConfig } from '@repo/signal-engine';
import { parseStandaloneConfig } from './config.js';
import { DataDirError, prepareDataDir } from './data-dir.js';

/** 15:00 KST: 20 minutes of continuous trading, then the closing auction and the day's final sets. */
const CLOSING_DEMO_START_SECOND = 15 * 3600;

const edgeConfig = parseEnvOrExit(parseEdgeConfig);
const ingestConfig = parseEnvOrExit(parseIngestConfig);
const signalsConfig = parseEnvOrExit(parseSignalEngineConfig);
const config = parseEnvOrExit(parseStandaloneConfig);
const logger = createLogger({ name: 'standalone', level: config.logLevel, pretty: process.stdout.isTTY });
// Before anything starts: a data directory that cannot be used is one clear line, not a stack trace.
let dataDir = '';
if (config.databaseUrl === '') {
  try {
    dataDir = prepareDataDir(config.dataDir, { fresh: config.fresh });
  } catch (err) {
    if (!(err instanceof DataDirError)) throw err;
    process.stderr.write(`standalone: ${err.message}\n`);
    process.exit(2);
  }
}
const lifecycle = createLifecycle({ logger, deadlineMs: edgeConfig.shutdownDeadlineMs });
// From here on, Ctrl-C runs the closers registered so far, and a failure while starting (an
// unusable database, a port in use) logs and exits 1 instead of leaving a half-started process.
lifecycle.onSignals(['SIGTERM', 'SIGINT']);
const registry = createRegistry({ service: 'standalone' });
const instanceId = `standalone-${process.pid}-${randomUUID().slice(0, 8)}`;
const bootStarted = performance.now();

let bus: Bus;
if (config.natsUrl === '') {
  bus = createMemoryBus();
} else {
  const nc = await connectNats(config.natsUrl, { logger, name: 'standalone' });
  bus = createNatsBus(nc, { logger });
}
lifecycle.add('bus', () => bus.drain());

let lastValues: LastValueStore;
let legacyRelay: EdgeDeps['legacyRelay'];
if (config.redisUrl === '') {
  lastValues = createMemoryLastValueStore();
} else {
  const redis = connectRedis(config.redisUrl, { logger, name: 'standalone' });
  lifecycle.add('redis', async () => {
    await redis.quit();
  });
  const redisSubscriber = connectRedis(config.redisUrl, { logger, name: 'standalone-relay' });
  lifecycle.add('redis-subscriber', async () => {
    await redisSubscriber.quit();
  });
  const prefix = edgeConfig.redisKeyPrefix;
  const store = createRedisLastValueStore(redis, { keyPrefix: prefix });
  lastValues = store;
  if (edgeConfig.legacyRelay) {
    legacyRelay = (onResult) =>
      createLegacyForwarder({
        redis,
        redisSubscriber,
        bus,
        lastValues: store,
        owner: instanceId,
        keyPrefix: prefix,
        onResult,
        logger,
      });
  }
}

// The Kiwoom simulator on a loopback port of its own, without rate limits (it is ours alone).
const sim = createKiwoomSim({
  config: parseKiwoomSimConfig({
    KIWOOM_SIM_PORT: '0',
    KIWOOM_SIM_HOST: '127.0.0.1',
    KIWOOM_SIM_CLOCK:
      config.simClock === 'closing' ? latestTradingDayAt(new Date(), CLOSING_DEMO_START_SECOND).toISOString() : config.simClock,
    KIWOOM_SIM_SEED: config.simSeed,
    KIWOOM_SIM_RATE_LIMITS: '*:0',
  }),
  logger,
});
await sim.start();
lifecycle.add('kiwoom-sim', () => sim.stop());
const marketClock = (): Date => sim.clock.now();

const db = await openDb({ url: config.databaseUrl === '' ? `pglite:${dataDir}` : config.databaseUrl }).catch((err: unknown) => {
  if (config.databaseUrl !== '') throw err;
  // PGlite's own error for a damaged or foreign directory is a bare wasm trap: say what to do.
  const reason = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `standalone: STANDALONE_DATA_DIR=${dataDir} cannot be opened as a PGlite database (${reason}); ` +
      'move it away, or start once with STANDALONE_FRESH=true to rebuild it\n',
  );
  process.exit(2);
});
lifecycle.add('db', () => db.close());
await migrate(db);

const kiwoom = createKiwoomClient({
  baseUrl: sim.url,
  appKey: DEFAULT_APP_KEY,
  secretKey: DEFAULT_SECRET_KEY,
  logger: logger.child({ component: 'kiwoom' }),
  rateLimits: { default: { perSecond: 200, burst: 50 } },
});
lifecycle.add('kiwoom', () => kiwoom.close());

const ingest = createPriceIngest({ config: ingestConfig, logger, registry, instanceId, bus, lastValues, db, kiwoom, clock: marketClock });
const engine = createSignalEngine({ config: signalsConfig, logger, registry, instanceId, bus, lastValues, db, clock: marketClock });
// The dashboard, bundled in memory by esbuild (tens of ms) and served by the edge at /.
const dashboard = await buildDashboard();
const authenticator = createAuthenticator(authOptions(edgeConfig));
const edge = createEdge({
  config: edgeConfig,
  logger,
  registry,
  instanceId,
  ...(authenticator !== undefined ? { authenticator } : {}),
  bus,
  lastValues,
  staticAssets: dashboard,
  ...(legacyRelay !== undefined ? { legacyRelay } : {}),
});
lifecycle.add('price-ingest', () => ingest.stop());
lifecycle.add('signal-engine', () => engine.stop());
lifecycle.add('edge', () => edge.stop());
lifecycle.add('edge-drain', () => edge.drain());
await edge.start();
await ingest.start();
await engine.start();

const host = edgeConfig.host === '0.0.0.0' ? '127.0.0.1' : edgeConfig.host;
logger.info(
  {
    node: process.version,
    pid: process.pid,
    bus: config.natsUrl === '' ? 'memory' : 'nats',
    lastValues: config.redisUrl === '' ? 'memory' : 'redis',
    database: config.databaseUrl === '' ? `pglite:${dataDir}` : 'postgres',
    kiwoomSim: sim.url,
    marketTime: marketClock().toISOString(),
    bootMs: Math.round(performance.now() - bootStarted),
  },
  `standalone ready: dashboard http://${host}:${edge.port}/ · WebSocket ws://${host}:${edge.port}/ws`,
);
// Last, so whoever waits for the port file also finds the ready line.
if (edgeConfig.portFile !== '') writeFileSync(edgeConfig.portFile, String(edge.port));

// History for the database fallback (and the signals): backfilled once, in the background, with
// progress; a warm start with a kept data directory skips it.
if ((await countDailyPrices(db)) === 0) {
  let lastReported = -1;
  void backfillDailyPrices({
    kiwoom,
    db,
    baseDate: kstDate(marketClock()),
    days: config.historyDays,
    concurrency: 4,
    logger,
    onProgress: ({ done, total, rows }) => {
      const pct = Math.floor((done / total) * 10) * 10;
      if (pct === lastReported) return;
      lastReported = pct;
      logger.info({ done, total, rows }, `backfilling history: ${pct} %`);
    },
  }).then(
    (result) => {
      logger.info({ tickers: result.tickers, rows: result.rows, failed: result.failed.length }, 'history backfilled');
      // The start-up sets were computed on an empty database: compute them again now.
      void engine.run('vcp');
      void engine.run('closing_bet');
    },
    (err: unknown) => logger.error({ err }, 'history backfill failed; the database fallback has no history'),
  );
}

/** That second of the latest trading day on which it has already passed. */
function latestTradingDayAt(now: Date, secondOfDay: number): Date {
  let day = kstDate(now);
  if (!isTradingDay(day) || kstInstant(day, secondOfDay) > now) day = previousTradingDay(day);
  return kstInstant(day, secondOfDay);
}
