import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createRedisLastValueStore } from '../src/redis-last-values.js';
import { describeLastValueStoreContract } from './last-values.contract.js';
import { randomPrefix } from './recorder.js';

async function openRedis(): Promise<Redis> {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: true });
  onTestFinished(() => void redis.disconnect());
  await redis.connect();
  return redis;
}

describeLastValueStoreContract('RedisLastValueStore', async () => {
  const redis = await openRedis();
  return {
    store: createRedisLastValueStore(redis, { keyPrefix: `${randomPrefix()}:` }),
    cleanup: async () => undefined, // openRedis closes the connection
  };
});

describe('RedisLastValueStore', () => {
  it('stores each topic under <keyPrefix>lv:<topic>, where producers and edges share it', async () => {
    const redis = await openRedis();
    const keyPrefix = `${randomPrefix()}:`;
    const store = createRedisLastValueStore(redis, { keyPrefix });

    await store.set('price:005930', '{"seq":3}');

    expect(await redis.get(`${keyPrefix}lv:price:005930`)).toBe('{"seq":3}');
  });
});
