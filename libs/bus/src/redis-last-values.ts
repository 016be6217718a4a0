import type { Redis } from 'ioredis';
import { lastValueKey, type LastValueStore } from './last-values.js';

export interface RedisLastValueStoreOptions {
  /** Put before every key (`<keyPrefix>lv:<topic>`); tests use a random one. @default '' */
  keyPrefix?: string;
}

/**
 * Last values in Redis, shared by every edge and producer. Plain GET / MGET / SET on `lv:<topic>`
 * keys; the caller owns the connection and quits it.
 */
export function createRedisLastValueStore(redis: Redis, opts: RedisLastValueStoreOptions = {}): LastValueStore {
  const prefix = opts.keyPrefix ?? '';
  return {
    async get(topic) {
      return redis.get(lastValueKey(topic, prefix));
    },
    async getMany(topics) {
      if (topics.length === 0) return [];
      return redis.mget(topics.map((topic) => lastValueKey(topic, prefix)));
    },
    async set(topic, envelopeJson) {
      await redis.set(lastValueKey(topic, prefix), envelopeJson);
    },
  };
}
