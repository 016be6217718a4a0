import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLeaderLease, type LeaderLease } from '../src/leader-lease.js';
import { connectRedis } from '../src/connect-redis.js';
import { createMemoryBus } from '../src/memory-bus.js';
import { silentLogger } from '../src/logger.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { startRedis } from '../../../test/fixtures/redis.js';
import { startTcpProxy } from '../../../test/fixtures/tcp-proxy.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function redis(): Redis {
  const client = new Redis(inject('redisUrl'));
  cleanups.push(() => client.quit());
  return client;
}

function lease(key: string, owner: string, changes: string[], client = redis(), ttlMs = 600): LeaderLease {
  const l = createLeaderLease({
    redis: client,
    key,
    owner,
    ttlMs,
    onChange: (leader) => changes.push(`${owner}:${leader ? 'up' : 'down'}`),
  });
  cleanups.push(() => l.stop());
  return l;
}

describe('LeaderLease on real Redis', () => {
  it('lets exactly one of two candidates lead, and hands over at once on stop', async () => {
    const key = `lease:${randomUUID()}`;
    const changes: string[] = [];
    const a = lease(key, 'a', changes);
    a.start();
    await waitFor('a leads', () => a.isLeader());
    const b = lease(key, 'b', changes);
    b.start();
    // b keeps trying through several renewal periods of a and never leads while a holds it.
    const owner = redis();
    for (let renewals = 0; renewals < 3; renewals += 1) {
      // A renewal resets the remaining TTL: track its lowest value, then wait for a jump back up.
      let lowest = await owner.pttl(key);
      await waitFor('a renewal of a', async () => {
        const ttl = await owner.pttl(key);
        lowest = Math.min(lowest, ttl);
        return ttl > lowest + 100;
      });
      expect(b.isLeader()).toBe(false);
    }
    await a.stop();
    await waitFor('b leads', () => b.isLeader());
    expect(changes).toEqual(['a:up', 'a:down', 'b:up']);
    expect(await owner.get(key)).toBe('b');
  });

  it('lets a standby take over within one TTL when the leader dies without releasing', async () => {
    const key = `lease:${randomUUID()}`;
    const changes: string[] = [];
    const doomedClient = new Redis(inject('redisUrl'));
    const a = createLeaderLease({
      redis: doomedClient,
      key,
      owner: 'a',
      ttlMs: 600,
      onChange: (l) => changes.push(`a:${l ? 'up' : 'down'}`),
    });
    a.start();
    await waitFor('a leads', () => a.isLeader());
    const b = lease(key, 'b', changes);
    b.start();
    // "Dies": its connection drops and nothing releases the key.
    doomedClient.disconnect();
    const diedAt = Date.now();
    await waitFor('b leads', () => b.isLeader(), { timeoutMs: 5_000 });
    // Expiry (one TTL) plus at most one retry period of b; 2 × TTL leaves room for a slow machine.
    expect(Date.now() - diedAt).toBeLessThan(2 * 600);
    // The dead leader also stepped down on its own (its renewals failed).
    await waitFor('a steps down', () => !a.isLeader());
    await a.stop();
  });

  it('keeps one leader through a Redis outage and restart: the leader holds while its bus announcements reach the standby, which never acquires', async () => {
    const ttlMs = 600;
    let redisServer = await startRedis();
    cleanups.push(() => redisServer.stop());
    // Clients reach Redis through a proxy, so the restarted server (on a fresh port) is at the same address.
    const proxy = await startTcpProxy(redisServer.port);
    cleanups.push(() => proxy.stop());
    const bus = createMemoryBus();
    const key = `lease:${randomUUID()}`;
    const changes: string[] = [];
    const candidate = (owner: string): LeaderLease => {
      const client = connectRedis(proxy.url('redis'), { logger: silentLogger, name: owner });
      cleanups.push(async () => client.disconnect());
      const l = createLeaderLease({
        redis: client,
        key,
        owner,
        ttlMs,
        onChange: (up) => changes.push(`${owner}:${up ? 'up' : 'down'}`),
        announce: { bus, subject: 'ctl.lease.test' },
      });
      cleanups.push(() => l.stop());
      return l;
    };
    const a = candidate('a');
    a.start();
    await waitFor('a leads', () => a.isLeader());
    const b = candidate('b');
    b.start();

    // Sample both flags every 10 ms through the outage and the return.
    const samples: string[] = [];
    const sampler = setInterval(() => samples.push(`${a.isLeader() ? 'A' : '-'}${b.isLeader() ? 'B' : '-'}`), 10);
    cleanups.push(async () => clearInterval(sampler));
    await redisServer.stop();
    // Five TTLs without Redis: the lease would have expired five times over.
    const outageEnds = Date.now() + 5 * ttlMs;
    await waitFor('the outage to pass', () => Date.now() > outageEnds, { timeoutMs: 10_000 });
    // A new Redis, empty (no persistence): the key is gone.
    redisServer = await startRedis();
    proxy.retarget(redisServer.port);
    const fresh = new Redis(redisServer.url);
    cleanups.push(() => fresh.quit());
    await waitFor('a re-takes the key on the new Redis', async () => (await fresh.get(key)) === 'a', { timeoutMs: 10_000 });
    // Several renewal periods after the return: still a alone.
    const settled = Date.now() + 3 * ttlMs;
    await waitFor('three TTLs after the return', () => Date.now() > settled, { timeoutMs: 10_000 });
    clearInterval(sampler);

    expect(samples.length).toBeGreaterThan(200);
    expect(samples.filter((s) => s === 'AB')).toEqual([]);
    expect(new Set(samples)).toEqual(new Set(['A-']));
    // a re-synced once when it re-took the key (its owner re-reads the stored seqs); b never led.
    expect(changes).toEqual(['a:up', 'a:up']);
  }, 30_000);

  it('steps the leader down within a TTL of an unreachable Redis when its bus is down too (nobody would hear it)', async () => {
    const ttlMs = 600;
    const redisServer = await startRedis();
    cleanups.push(() => redisServer.stop());
    const client = connectRedis(redisServer.url, { logger: silentLogger, name: 'lonely' });
    const bus = createMemoryBus();
    cleanups.push(async () => client.disconnect());
    const changes: string[] = [];
    const l = createLeaderLease({
      redis: client,
      key: `lease:${randomUUID()}`,
      owner: 'a',
      ttlMs,
      onChange: (up) => changes.push(up ? 'up' : 'down'),
      announce: { bus, subject: 'ctl.lease.lonely' },
    });
    cleanups.push(() => l.stop());
    l.start();
    await waitFor('a leads', () => l.isLeader());
    // Its bus is gone: nobody would hear it announce itself.
    await bus.drain();
    await redisServer.stop();
    const stoppedAt = Date.now();
    await waitFor('a steps down', () => !l.isLeader(), { timeoutMs: 5_000 });
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(ttlMs);
    await waitFor('the change reported', () => changes.at(-1) === 'down', { timeoutMs: 5_000 });
  });

  it('keeps its rhythm when its change handler throws: steps down, then leads again once Redis is back', async () => {
    const server = await startRedis();
    cleanups.push(() => server.stop());
    const proxy = await startTcpProxy(server.port);
    cleanups.push(() => proxy.stop());
    const client = connectRedis(proxy.url('redis'), { logger: silentLogger, name: 'throwing' });
    cleanups.push(async () => client.disconnect());
    const l = createLeaderLease({
      redis: client,
      key: `lease:${randomUUID()}`,
      owner: 'a',
      ttlMs: 600,
      onChange: (up) => {
        if (!up) throw new Error('a handler bug');
      },
    });
    // Its stop steps down too, and the handler throws there as well.
    cleanups.push(() => l.stop().catch(() => undefined));
    l.start();
    await waitFor('a leads', () => l.isLeader());
    proxy.cut();
    await waitFor('a steps down (its handler throws)', () => !l.isLeader(), { timeoutMs: 5_000 });
    proxy.restore();
    await waitFor('a leads again: the lease loop survived the throw', () => l.isLeader(), { timeoutMs: 10_000 });
  });
});
