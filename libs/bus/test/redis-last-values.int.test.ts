import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createRedisLastValueStore } from '../src/redis-last-values.js';
import { describeLastValueStoreContract } from './last-values.contract.js';
import { randomPrefix } from './recorder.js';
import { decodeEnvelope } from '@repo/protocol';
import { connectRedis } from '../src/connect-redis.js';
import { silentLogger } from '../src/logger.js';
import { createMemoryBus } from '../src/memory-bus.js';
import { createTopicPublisher } from '../src/topic-publisher.js';
import { startRedis } from '../../../test/fixtures/redis.js';
import { startTcpProxy } from '../../../test/fixtures/tcp-proxy.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';

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

describe('a producer across a Redis restart', () => {
  it('writes its last values into the new, empty Redis as soon as it is reachable', async () => {
    let server = await startRedis();
    onTestFinished(() => server.stop());
    const proxy = await startTcpProxy(server.port);
    onTestFinished(() => proxy.stop());
    const redis = connectRedis(proxy.url('redis'), { logger: silentLogger, name: 'restart-test' });
    onTestFinished(() => void redis.disconnect());
    const store = createRedisLastValueStore(redis);
    const publisher = createTopicPublisher({ bus: createMemoryBus(), lastValues: store, src: 'test' });
    const gate = (level: number) => ({ type: 'market_gate_update' as const, timestamp: '2026-12-04T01:00:00Z', data: { level } });
    await waitFor('connected', () => redis.status === 'ready');
    await publisher.publish('market-gate', gate(1));
    await publisher.publish('market-gate', gate(2));
    await server.stop();
    await waitFor('the client to notice', () => redis.status !== 'ready');
    server = await startRedis();
    proxy.retarget(server.port);
    const fresh = new Redis(server.url);
    onTestFinished(() => void fresh.disconnect());
    const stored = await waitFor('the last value written again', async () => (await fresh.get('lv:market-gate')) ?? undefined, {
      timeoutMs: 15_000,
    });
    expect(decodeEnvelope(stored).seq).toBe(2);
  });
});
