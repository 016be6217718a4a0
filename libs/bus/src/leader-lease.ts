import type { Redis } from 'ioredis';
import type { Bus } from './bus.js';
import { createLeaderBeacon } from './leader-beacon.js';
import { silentLogger, type BusLogger } from './logger.js';

/**
 * A leader lease in Redis: at most one holder of `key` at a time across the cluster.
 *
 * Acquire is `SET key owner NX PX ttl`; the holder renews every `renewEveryMs` with a compare-and-
 * extend script, and gives the lease up (calls `onChange(false)`) as soon as a renewal fails or
 * the last successful one is older than `ttlMs − renewEveryMs`, so it stops acting before anyone
 * else can acquire. A standby takes over within one TTL of the leader's death: after a refused
 * attempt it tries again when the key expires. Time is injected for the local safety check only;
 * the expiry itself is Redis's.
 *
 * Surviving a Redis outage (optional, `announce`): the leader also announces itself on the bus
 * (see `createLeaderBeacon`). While Redis cannot be reached, the leader keeps leading as long as
 * its bus is connected (its announcements reach the others), and a candidate never acquires while
 * another instance announced itself within a TTL. So a lease key lost with a restarted Redis is
 * re-taken by the leader that was still acting, not by a standby: one leader or none, never two.
 * Without it, the leader steps down one renewal before the TTL when Redis is unreachable.
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
  /** The second channel: every candidate listens on `subject`, the leader announces itself there. */
  readonly announce?: { readonly bus: Bus; readonly subject: string };
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
  /** The leader's last round trip to Redis failed (not: Redis refused the renewal). */
  let unreachable = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const become = (value: boolean): void => {
    if (leader === value) return;
    leader = value;
    unreachable = false;
    logger.info({ key, owner, leader: value }, value ? 'leader lease acquired' : 'leader lease lost');
    opts.onChange(value);
  };

  const renewedRecently = (): boolean => now() - lastRenewedMs <= ttlMs - renewEveryMs;
  const announcing = (): boolean => opts.announce?.bus.status() === 'connected';
  const holding = (): boolean => renewedRecently() || (unreachable && announcing());
  const beacon =
    opts.announce === undefined
      ? undefined
      : createLeaderBeacon({
          ...opts.announce,
          owner,
          isLeader: () => leader && holding(),
          periodMs: Math.min(renewEveryMs, Math.floor(ttlMs / 2)),
          windowMs: ttlMs,
          now,
        });

  /** One round; resolves the delay until the next. */
  const tick = async (): Promise<number> => {
    let nextMs = renewEveryMs;
    try {
      if (redis.status !== 'ready') {
        // Starting, or Redis is away: no round trip to wait on (it would queue behind reconnects).
        if (leader) unreachable = true;
        else nextMs = Math.min(renewEveryMs, 200);
      } else if (leader) {
        const renewed = await redis.eval(RENEW_IF_OWNER, 1, key, owner, String(ttlMs));
        // Not ours any more: expired while this process was paused, lost with a restarted Redis,
        // or taken by another. Re-taking it is safe only if nobody holds it.
        const retaken = renewed !== 1 && (await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK';
        if (renewed === 1 || retaken) {
          if (unreachable) logger.info({ key, owner }, 'leader lease store reachable again; lease kept');
          lastRenewedMs = now();
          unreachable = false;
          // Someone may have led in between: the owner re-syncs as after an election.
          if (retaken) opts.onChange(true);
        } else become(false);
      } else if (beacon?.peerLeads() === true) {
        nextMs = Math.min(renewEveryMs, 100);
      } else {
        const acquired = await redis.set(key, owner, 'PX', ttlMs, 'NX');
        if (acquired === 'OK' && !stopped) {
          lastRenewedMs = now();
          become(true);
        } else {
          // Try again right when the holder's key expires (a dead leader is replaced within its TTL).
          const remaining = await redis.pttl(key);
          if (remaining >= 0) nextMs = Math.min(renewEveryMs, remaining + 10);
        }
      }
    } catch (err) {
      if (leader) unreachable = true;
      logger.warn({ err, key }, 'leader lease round trip failed');
    }
    // Without a recent renewal (or a reason to hold) we cannot know whether the lease still stands: step down first.
    if (leader && !holding()) become(false);
    return nextMs;
  };

  const run = (): void => {
    inFlight = tick()
      // Only `onChange` can throw here; the lease keeps its rhythm regardless.
      .catch((err: unknown) => {
        logger.error({ err, key }, 'leader lease change handler threw');
        return renewEveryMs;
      })
      .then((nextMs) => {
        inFlight = undefined;
        schedule(nextMs);
      });
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(run, delayMs);
    timer.unref();
  };

  return {
    start() {
      if (timer !== undefined || inFlight !== undefined || stopped) return;
      beacon?.start();
      run();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      beacon?.stop();
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
    isLeader: () => leader && holding(),
  };
}
