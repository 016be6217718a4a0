// price-ingest's composition root: reads the environment, opens NATS, Redis, the database and the
// Kiwoom client, runs the poller under a Redis leader lease, and serves /health /ready /metrics.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connectNats, connectRedis, createLeaderLease, createNatsBus, createRedisLastValueStore } from '@repo/bus';
import { parseEnvOrExit } from '@repo/config';
import { migrate, openDb } from '@repo/db';
import { createKiwoomClient } from '@repo/kiwoom';
import { createLifecycle, createLogger, createOpsServer, createRegistry } from '@repo/observability';
import { createPriceIngest } from './app.js';
import { parseIngestConfig } from './config.js';

const config = parseEnvOrExit(parseIngestConfig);
const logger = createLogger({ name: 'price-ingest', level: config.logLevel, pretty: process.stdout.isTTY });
const registry = createRegistry({ service: 'price-ingest' });
const lifecycle = createLifecycle({ logger, deadlineMs: config.shutdownDeadlineMs });
const instanceId = `ingest-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

const nc = await connectNats(config.natsUrl, { logger, name: 'price-ingest' });
lifecycle.add('nats', () => nc.drain());
const redis = connectRedis(config.redisUrl, { logger, name: 'price-ingest' });
lifecycle.add('redis', async () => {
  await redis.quit();
});
const db = await openDb({ url: config.databaseUrl });
lifecycle.add('db', () => db.close());
await migrate(db);
const kiwoom = createKiwoomClient({
  baseUrl: config.kiwoomBaseUrl,
  appKey: config.kiwoomAppKey,
  secretKey: config.kiwoomSecretKey,
  timeoutMs: config.kiwoomTimeoutMs,
  logger: logger.child({ component: 'kiwoom' }),
});
lifecycle.add('kiwoom', () => kiwoom.close());

const bus = createNatsBus(nc, { logger });
const ingest = createPriceIngest({
  config,
  logger,
  registry,
  instanceId,
  bus,
  lastValues: createRedisLastValueStore(redis, { keyPrefix: config.redisKeyPrefix }),
  db,
  kiwoom,
  leadership: (onChange) =>
    createLeaderLease({
      redis,
      key: `${config.redisKeyPrefix}ingest:leader`,
      owner: instanceId,
      ttlMs: config.leaseTtlMs,
      onChange,
      // The second channel: a Redis outage neither stops the polling nor lets a standby take a
      // lease key that a restarted Redis lost.
      announce: { bus, subject: `ctl.ingest.leader.${config.redisKeyPrefix.replace(/[^A-Za-z0-9_-]/g, '_') || 'default'}` },
      logger,
    }),
});
lifecycle.add('price-ingest', () => ingest.stop());
await ingest.start();

const ops = createOpsServer({
  registry,
  service: 'price-ingest',
  host: config.opsHost,
  port: config.opsPort,
  isReady: () => ingest.readiness(),
  logger,
});
const opsPort = await ops.start();
lifecycle.add('ops', () => ops.stop());
lifecycle.onSignals(['SIGTERM', 'SIGINT']);
logger.info(
  { node: process.version, pid: process.pid, instanceId, opsPort, kiwoom: config.kiwoomBaseUrl, pollIntervalMs: config.pollIntervalMs },
  'price-ingest started',
);
