import type { Redis } from 'ioredis';
import { silentLogger, type BusLogger } from './logger.js';

/**
 * A leader lease in Redis: at most one holder of `key` at a time across the cluster.
 *
 * Acquire is `SET key owner NX PX ttl`; the holder renews every `renewEveryMs` with a compare-and-
 * extend script, and gives the lease up (calls `onChange(false)`) as soon as a renewal fails or
 * the last successful one is older than `ttlMs − renewEveryMs`, so it stops acting before anyone
 * else can acquire. A standby takes over within one TTL of the leader's death. Time is injected
 * for the local safety check only; the expiry itself is Redis's.
 */
export interface LeaderLease {
  start(): void;
  /** Stops renewing and releases the lease if held (so a standby takes over at once). */
  stop(): Promise<void>;
  isLeader(): boolean;
}

export interface LeaderLeaseOptions {
  readonly redis: Redis;
  readonly key: string;
  /** Unique per process (host, pid, random). */
  readonly owner: string;
  readonly ttlMs: number;
  /** @default ttlMs / 3 */
  readonly renewEveryMs?: number;
  readonly onChange: (leader: boolean) => void;
  readonly logger?: BusLogger;
  readonly now?: () => number;
}

const RENEW_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createLeaderLease(opts: LeaderLeaseOptions): LeaderLease {
  const { redis, key, owner, ttlMs } = opts;
  const renewEveryMs = opts.renewEveryMs ?? Math.floor(ttlMs / 3);
  if (!(renewEveryMs > 0 && renewEveryMs < ttlMs))
    throw new RangeError(`renewEveryMs must be in (0, ttlMs), got ${renewEveryMs} for ttlMs ${ttlMs}`);
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? Date.now;
  let leader = false;
  let lastRenewedMs = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const become = (value: boolean): void => {
    if (leader === value) return;
    leader = value;
    logger.info({ key, owner, leader: value }, value ? 'leader lease acquired' : 'leader lease lost');
    opts.onChange(value);
  };

  const tick = async (): Promise<void> => {
    try {
      if (leader) {
        const renewed = await redis.eval(RENEW_IF_OWNER, 1, key, owner, String(ttlMs));
        if (renewed === 1) lastRenewedMs = now();
        else become(false);
      } else {
        const acquired = await redis.set(key, owner, 'PX', ttlMs, 'NX');
        if (acquired === 'OK' && !stopped) {
          lastRenewedMs = now();
          become(true);
        }
      }
    } catch (err) {
      logger.warn({ err, key }, 'leader lease round trip failed');
    }
    // Without a recent renewal we cannot know whether the lease still stands: step down first.
    if (leader && now() - lastRenewedMs > ttlMs - renewEveryMs) become(false);
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick().finally(() => {
        inFlight = undefined;
        schedule();
      });
    }, renewEveryMs);
    timer.unref();
  };

  return {
    start() {
      if (timer !== undefined || stopped) return;
      inFlight = tick().finally(() => {
        inFlight = undefined;
        schedule();
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      if (!leader) return;
      become(false);
      try {
        await redis.eval(RELEASE_IF_OWNER, 1, key, owner);
      } catch (err) {
        logger.warn({ err, key }, 'leader lease release failed; it expires by itself');
      }
    },
    // Also time-based: a process that was paused past its lease must not act on a stale flag.
    isLeader: () => leader && now() - lastRenewedMs <= ttlMs - renewEveryMs,
  };
}
