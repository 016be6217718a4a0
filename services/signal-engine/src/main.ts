// signal-engine's composition root: reads the environment, opens NATS, Redis and the database,
// runs the engine and serves /health /ready /metrics.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connectNats, connectRedis, createNatsBus, createRedisLastValueStore } from '@repo/bus';
import { parseEnvOrExit } from '@repo/config';
import { migrate, openDb } from '@repo/db';
import { createLifecycle, createLogger, createOpsServer, createRegistry } from '@repo/observability';
import { createSignalEngine } from './app.js';
import { parseSignalEngineConfig } from './config.js';

const config = parseEnvOrExit(parseSignalEngineConfig);
const logger = createLogger({ name: 'signal-engine', level: config.logLevel, pretty: process.stdout.isTTY });
const registry = createRegistry({ service: 'signal-engine' });
const lifecycle = createLifecycle({ logger, deadlineMs: config.shutdownDeadlineMs });
const instanceId = `signal-engine-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

const nc = await connectNats(config.natsUrl, { logger, name: 'signal-engine' });
lifecycle.add('nats', () => nc.drain());
const redis = connectRedis(config.redisUrl, { logger, name: 'signal-engine' });
lifecycle.add('redis', async () => {
  await redis.quit();
});
const db = await openDb({ url: config.databaseUrl });
lifecycle.add('db', () => db.close());
await migrate(db);

const engine = createSignalEngine({
  config,
  logger,
  registry,
  instanceId,
  bus: createNatsBus(nc, { logger }),
  lastValues: createRedisLastValueStore(redis, { keyPrefix: config.redisKeyPrefix }),
  db,
});
lifecycle.add('signal-engine', () => engine.stop());
await engine.start();
const ops = createOpsServer({
  registry,
  service: 'signal-engine',
  host: config.opsHost,
  port: config.opsPort,
  isReady: () => engine.readiness(),
  logger,
});
const opsPort = await ops.start();
lifecycle.add('ops', () => ops.stop());
lifecycle.onSignals(['SIGTERM', 'SIGINT']);
logger.info({ node: process.version, pid: process.pid, instanceId, opsPort }, 'signal-engine started');
