import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLeaderLease, type LeaderLease } from '../src/leader-lease.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';

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
});
