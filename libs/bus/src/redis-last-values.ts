import type { Redis } from 'ioredis';
import { lastValueKey, type LastValueStore } from './last-values.js';

/** A last-value call while the Redis connection is down (it fails at once instead of queueing). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(status: string) {
    super(`redis is not connected (${status})`);
  }
}

export interface RedisLastValueStoreOptions {
  /** Put before every key (`<keyPrefix>lv:<topic>`); tests use a random one. @default '' */
  keyPrefix?: string;
}

/**
 * Last values in Redis, shared by every edge and producer. Plain GET / MGET / SET on `lv:<topic>`
 * keys; the caller owns the connection and quits it. Once connected, while the connection is down
 * every call fails at once (no queueing behind reconnects: a snapshot that would come seconds late
 * is a miss, and a producer publishes without the store), and `onReconnect` tells producers when it
 * is back. Before the first connection, calls wait for it (a service starting up).
 */
export function createRedisLastValueStore(redis: Redis, opts: RedisLastValueStoreOptions = {}): LastValueStore {
  const prefix = opts.keyPrefix ?? '';
  let wasReady = redis.status === 'ready';
  redis.once('ready', () => {
    wasReady = true;
  });
  const connected = (): void => {
    if (wasReady && redis.status !== 'ready') throw new RedisUnavailableError(redis.status);
  };
  return {
    async get(topic) {
      connected();
      return redis.get(lastValueKey(topic, prefix));
    },
    async getMany(topics) {
      if (topics.length === 0) return [];
      connected();
      return redis.mget(topics.map((topic) => lastValueKey(topic, prefix)));
    },
    async set(topic, envelopeJson) {
      connected();
      await redis.set(lastValueKey(topic, prefix), envelopeJson);
    },
    onReconnect(listener) {
      // 'ready' follows every (re)connection, the first included (harmless: nothing to rewrite yet).
      let lost = redis.status !== 'ready';
      const onReady = (): void => {
        if (lost) listener();
        lost = false;
      };
      const onDown = (): void => {
        lost = true;
      };
      redis.on('ready', onReady);
      redis.on('close', onDown);
      return () => {
        redis.off('ready', onReady);
        redis.off('close', onDown);
      };
    },
  };
}
