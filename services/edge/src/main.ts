// The edge's composition root: the only file that reads the environment, opens connections and
// handles signals. Everything else is built by createEdge from what it is given.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { connectNats, connectRedis, createLegacyForwarder, createNatsBus, createRedisLastValueStore } from '@repo/bus';
import { parseEnvOrExit } from '@repo/config';
import { createLifecycle, createLogger, createRegistry } from '@repo/observability';
import { createEdge } from './app.js';
import { authOptions, createAuthenticator } from './auth.js';
import { parseEdgeConfig } from './config.js';
import { EDGE_VERSION } from './version.js';

const config = parseEnvOrExit(parseEdgeConfig);
const logger = createLogger({ name: 'edge', level: config.logLevel, pretty: process.stdout.isTTY });
const registry = createRegistry({ service: 'edge' });
const lifecycle = createLifecycle({ logger, deadlineMs: config.shutdownDeadlineMs });

const nc = await connectNats(config.natsUrl, { logger, name: 'edge' });
lifecycle.add('nats', () => nc.drain());
const redis = connectRedis(config.redisUrl, { logger, name: 'edge' });
lifecycle.add('redis', async () => {
  await redis.quit();
});
// Pub/sub needs a connection of its own.
const redisSubscriber = connectRedis(config.redisUrl, { logger, name: 'edge-relay' });
lifecycle.add('redis-subscriber', async () => {
  await redisSubscriber.quit();
});

// Unique per process: pods often share pid 1, and a restarted pod keeps its hostname.
const instanceId = `edge-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
const bus = createNatsBus(nc, { logger });
const lastValues = createRedisLastValueStore(redis, { keyPrefix: config.redisKeyPrefix });
const authenticator = createAuthenticator(authOptions(config));
const edge = createEdge({
  config,
  logger,
  registry,
  version: EDGE_VERSION,
  ...(authenticator !== undefined ? { authenticator } : {}),
  instanceId,
  bus,
  lastValues,
  ...(config.legacyRelay
    ? {
        legacyRelay: (onResult) =>
          createLegacyForwarder({
            redis,
            redisSubscriber,
            bus,
            lastValues,
            owner: instanceId,
            keyPrefix: config.redisKeyPrefix,
            onResult,
            logger,
          }),
      }
    : {}),
});
lifecycle.add('edge', () => edge.stop());
// SIGTERM drains (1012 in jittered batches over EDGE_DRAIN_MS) before the ordered shutdown.
lifecycle.add('edge-drain', () => edge.drain());
await edge.start();
if (config.portFile !== '') writeFileSync(config.portFile, String(edge.port));
lifecycle.onSignals(['SIGTERM', 'SIGINT']);
logger.info(
  {
    version: EDGE_VERSION,
    node: process.version,
    pid: process.pid,
    port: edge.port,
    host: config.host,
    maxConnections: config.maxConnections,
    pingIntervalMs: config.pingIntervalMs,
    idleTimeoutMs: config.idleTimeoutMs,
  },
  'edge started',
);
