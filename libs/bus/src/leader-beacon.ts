import type { Bus, Subscription } from './bus.js';

/**
 * The leader's announcement on the bus, a second channel beside the Redis lease: while it leads,
 * an instance publishes its owner id every `periodMs`; every instance listens. `peerLeads()` is
 * true while another instance announced within `windowMs`, which keeps candidates from taking a
 * lease key that a Redis restart lost while the leader was still acting (see `createLeaderLease`).
 */
export interface LeaderBeacon {
  start(): void;
  stop(): void;
  /** Another owner announced itself within the window. */
  peerLeads(): boolean;
}

export interface LeaderBeaconOptions {
  readonly bus: Bus;
  readonly subject: string;
  readonly owner: string;
  readonly isLeader: () => boolean;
  readonly periodMs: number;
  /** How long one announcement keeps candidates away; at least two periods. */
  readonly windowMs: number;
  readonly now?: () => number;
}

export function createLeaderBeacon(opts: LeaderBeaconOptions): LeaderBeacon {
  const { bus, subject, owner } = opts;
  if (!(opts.windowMs >= 2 * opts.periodMs)) throw new RangeError(`windowMs (${opts.windowMs}) must cover two periods (${opts.periodMs})`);
  const now = opts.now ?? Date.now;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let lastPeerMs = Number.NEGATIVE_INFINITY;
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;

  const announce = (): void => {
    if (!opts.isLeader() || bus.status() !== 'connected') return;
    try {
      bus.publish(subject, encoder.encode(owner));
    } catch {
      // A closed bus (shutdown): nothing to announce to.
    }
  };

  return {
    start() {
      if (subscription !== undefined) return;
      subscription = bus.subscribe(subject, (data) => {
        if (decoder.decode(data) !== owner) lastPeerMs = now();
      });
      timer = setInterval(announce, opts.periodMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      subscription?.unsubscribe();
      subscription = undefined;
    },
    peerLeads: () => now() - lastPeerMs < opts.windowMs,
  };
}
