// The embedded default: every service in one process on in-memory ports, so `npm start` works on
// a fresh machine with no server installed. Producers (price-ingest, signal-engine) join here as
// they are built; NATS_URL / REDIS_URL switch the same edge to the real servers.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  connectNats,
  connectRedis,
  createMemoryBus,
  createMemoryLastValueStore,
  createNatsBus,
  createLegacyForwarder,
  createRedisLastValueStore,
  type Bus,
  type LastValueStore,
} from '@repo/bus';
import { createEdge, parseEdgeConfig, type EdgeDeps } from '@repo/edge';
import { parseEnvOrExit } from '@repo/config';
import { createLifecycle, createLogger, createRegistry } from '@repo/observability';
import { parseStandaloneConfig } from './config.js';

const edgeConfig = parseEnvOrExit(parseEdgeConfig);
const config = parseEnvOrExit(parseStandaloneConfig);
const logger = createLogger({ name: 'standalone', level: config.logLevel });
const lifecycle = createLifecycle({ logger, deadlineMs: edgeConfig.shutdownDeadlineMs });

let bus: Bus;
if (config.natsUrl === '') {
  bus = createMemoryBus();
} else {
  const nc = await connectNats(config.natsUrl, { logger, name: 'standalone' });
  bus = createNatsBus(nc, { logger });
}
lifecycle.add('bus', () => bus.drain());

const instanceId = `standalone-${process.pid}-${randomUUID().slice(0, 8)}`;
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
        channelPrefix: `${prefix}ws:broadcast:`,
        leaseKey: `${prefix}relay:leader`,
        onResult,
        logger,
      });
  }
}

const edge = createEdge({
  config: edgeConfig,
  logger,
  registry: createRegistry({ service: 'standalone' }),
  instanceId,
  bus,
  lastValues,
  ...(legacyRelay !== undefined ? { legacyRelay } : {}),
});
lifecycle.add('edge', () => edge.stop());
lifecycle.add('edge-drain', () => edge.drain());
await edge.start();
if (edgeConfig.portFile !== '') writeFileSync(edgeConfig.portFile, String(edge.port));
lifecycle.onSignals(['SIGTERM', 'SIGINT']);

const host = edgeConfig.host === '0.0.0.0' ? '127.0.0.1' : edgeConfig.host;
logger.info(
  {
    node: process.version,
    pid: process.pid,
    bus: config.natsUrl === '' ? 'memory' : 'nats',
    lastValues: config.redisUrl === '' ? 'memory' : 'redis',
  },
  `standalone ready: WebSocket ws://${host}:${edge.port}/ws · status http://${host}:${edge.port}/ws/stats`,
);
