import type { Redis } from 'ioredis';
import type { Bus } from './bus.js';
import type { LastValueStore } from './last-values.js';
import { createLeaderLease } from './leader-lease.js';
import { createTopicPublisher } from './topic-publisher.js';
import { silentLogger, type BusLogger } from './logger.js';
import { subscribeLegacyRelay, type LegacyRelay, type LegacyRelayInvalidReason, type LegacyRelayPayload } from './redis-relay.js';

/** What happened to one legacy message; a closed set, fit for a metric label. */
export type LegacyForwardResult = 'forwarded' | 'error' | LegacyRelayInvalidReason;

/**
 * Forwards the legacy Redis channels `ws:broadcast:<topic>` into the bus, as a producer would:
 * per-topic `seq` continuing after the stored last value, `lv:<topic>` written first, then one
 * publish. Only the holder of a Redis leader lease forwards, so each message enters the bus once
 * however many processes run this, and every client of every edge gets it exactly once.
 */
export interface LegacyForwarder {
  start(): void;
  stop(): Promise<void>;
  isForwarding(): boolean;
}

export interface LegacyForwarderOptions {
  /** For the lease. */
  readonly redis: Redis;
  /** A connection dedicated to the pattern subscription. */
  readonly redisSubscriber: Redis;
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  /** This process in leases and envelopes. */
  readonly owner: string;
  /** @default 'ws:broadcast:' */
  /** Prefix of every Redis key and channel (the services' `*_REDIS_KEY_PREFIX`). @default '' */
  readonly keyPrefix?: string;
  readonly channelPrefix?: string;
  /** @default 'relay:leader' */
  readonly leaseKey?: string;
  /** @default 10_000 */
  readonly leaseTtlMs?: number;
  readonly onResult?: (result: LegacyForwardResult) => void;
  readonly logger?: BusLogger;
}

export function createLegacyForwarder(opts: LegacyForwarderOptions): LegacyForwarder {
  const logger = opts.logger ?? silentLogger;
  const src = `relay:${opts.owner}`;
  // One producer of the forwarded topics; it continues each topic's seq after the stored value.
  const publisher = createTopicPublisher({ bus: opts.bus, lastValues: opts.lastValues, src });
  let relay: LegacyRelay | undefined;
  // Lease changes apply one after another, so a quick lose/win never runs two subscriptions.
  let transition: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<unknown>>();

  const onMessage = (topic: string, payload: LegacyRelayPayload): void => {
    const sent = publisher.publish(topic, payload).then(
      () => opts.onResult?.('forwarded'),
      (err: unknown) => {
        opts.onResult?.('error');
        logger.warn({ err, topic }, 'legacy message not forwarded');
      },
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  const begin = async (): Promise<void> => {
    if (relay !== undefined) return;
    try {
      relay = await subscribeLegacyRelay(opts.redisSubscriber, onMessage, {
        logger,
        channelPrefix: opts.channelPrefix ?? `${opts.keyPrefix ?? ''}ws:broadcast:`,
        onInvalid: (reason) => opts.onResult?.(reason),
      });
    } catch (err) {
      logger.warn({ err }, 'legacy relay subscription failed; retried on the next lease change');
    }
  };

  const end = async (): Promise<void> => {
    const current = relay;
    relay = undefined;
    await current?.close();
    // Another process may forward meanwhile: re-read the stored seq when this one leads again.
    publisher.reset();
  };

  const apply = (step: () => Promise<void>): Promise<void> => {
    transition = transition.then(step);
    return transition;
  };

  const lease = createLeaderLease({
    redis: opts.redis,
    key: opts.leaseKey ?? `${opts.keyPrefix ?? ''}relay:leader`,
    owner: opts.owner,
    ttlMs: opts.leaseTtlMs ?? 10_000,
    logger,
    onChange: (leader) => void apply(leader ? begin : end),
  });

  return {
    start: () => lease.start(),
    async stop() {
      await lease.stop();
      await apply(end);
      await Promise.all(inFlight);
    },
    isForwarding: () => lease.isLeader(),
  };
}
