// price-ingest's composition root: reads the environment, opens NATS, Redis, the database and the
// Kiwoom client, runs the poller under a Redis leader lease, and serves /health /ready /metrics.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  connectNats,
  connectRedis,
  createLeaderBeacon,
  createLeaderLease,
  createNatsBus,
  createRedisLastValueStore,
  type LeaderLease,
} from '@repo/bus';
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
// The lease's second channel: the leader announces itself on NATS, so a Redis outage neither
// stops the polling nor lets a standby take a lease key that a restarted Redis lost.
let leaderLease: LeaderLease | undefined;
const beacon = createLeaderBeacon({
  bus,
  subject: `ctl.ingest.leader.${config.redisKeyPrefix.replace(/[^A-Za-z0-9_-]/g, '_') || 'default'}`,
  owner: instanceId,
  isLeader: () => leaderLease?.isLeader() ?? false,
  periodMs: Math.floor(config.leaseTtlMs / 3),
  windowMs: config.leaseTtlMs,
});
beacon.start();
lifecycle.add('leader beacon', () => beacon.stop());
const ingest = createPriceIngest({
  config,
  logger,
  registry,
  instanceId,
  bus,
  lastValues: createRedisLastValueStore(redis, { keyPrefix: config.redisKeyPrefix }),
  db,
  kiwoom,
  leadership: (onChange) => {
    leaderLease = createLeaderLease({
      redis,
      key: `${config.redisKeyPrefix}ingest:leader`,
      owner: instanceId,
      ttlMs: config.leaseTtlMs,
      onChange,
      peerLeads: () => beacon.peerLeads(),
      holdWhileUnreachable: () => bus.status() === 'connected',
      logger,
    });
    return leaderLease;
  },
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
