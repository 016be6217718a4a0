import { Redis } from 'ioredis';
import { fullJitterBackoff } from '@repo/observability';
import type { BusLogger } from './logger.js';

/**
 * Reconnect delays: capped exponential with full jitter, 100 ms doubling to at most 1 s. Redis is
 * in-cluster and cheap to dial; the sooner a producer is back, the sooner it rewrites the last
 * values a restarted Redis lost and the leader re-takes its lease key.
 */
const redisBackoff = fullJitterBackoff({ baseMs: 100, maxMs: 1_000 });
const MIN_RECONNECT_DELAY_MS = 10;

/**
 * Opens a Redis client for a service's whole life: reconnects forever with capped, jittered
 * backoff (never a reconnect storm), fails commands fast while disconnected (callers treat a
 * failed read as a miss), and logs each error once per reconnect attempt. Only main.ts calls it.
 */
export function connectRedis(url: string, opts: { logger: BusLogger; name: string }): Redis {
  const redis = new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: 2,
    // A server that accepted a command and went silent cannot hold a caller for long.
    commandTimeout: 1_000,
    retryStrategy: (times) => MIN_RECONNECT_DELAY_MS + redisBackoff(Math.min(times, 30)),
  });
  redis.on('error', (err: Error) => opts.logger.warn({ err, client: opts.name }, 'redis error'));
  return redis;
}
