import type { TestProject } from 'vitest/node';
import { startNats } from './fixtures/nats.js';
import { startRedis } from './fixtures/redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    redisUrl: string;
  }
}

/**
 * Starts one nats-server and one redis-server for the whole run, on random loopback ports.
 * Tests isolate themselves with a random subject or key prefix; tests that kill a server start
 * their own with the same fixtures.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  project.provide('natsUrl', nats.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.all([nats.stop(), redis.stop()]);
  };
}
