import type { TestProject } from 'vitest/node';
import { startNats } from './fixtures/nats.js';
import { startPostgres } from './fixtures/postgres.js';
import { startRedis } from './fixtures/redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    redisUrl: string;
    /** The `postgres` database of a throw-away cluster; tests create their own database or schema. */
    databaseUrl: string;
  }
}

/**
 * Starts one nats-server, one redis-server and one PostgreSQL cluster for the whole run, on random loopback ports.
 * Tests isolate themselves with a random subject or key prefix; tests that kill a server start
 * their own with the same fixtures.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  project.provide('natsUrl', nats.url);
  project.provide('redisUrl', redis.url);
  project.provide('databaseUrl', postgres.url);
  return async () => {
    await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
  };
}
