import type { Redis } from 'ioredis';
import { isValidTopic } from '@repo/protocol';
import { silentLogger, type BusLogger } from './logger.js';

export const DEFAULT_LEGACY_CHANNEL_PREFIX = 'ws:broadcast:';

/** Why a legacy message was dropped; a closed set, fit for a metric label. */
export type LegacyRelayInvalidReason = 'invalid_json' | 'not_object' | 'invalid_topic';

export type LegacyRelayPayload = Record<string, unknown> & { type: string };

export type LegacyRelayHandler = (topic: string, payload: LegacyRelayPayload) => void;

export interface LegacyRelayOptions {
  /** Dropped messages are logged at debug level only; count them with `onInvalid`. @default silent */
  logger?: BusLogger;
  onInvalid?: (reason: LegacyRelayInvalidReason) => void;
  /** @default 'ws:broadcast:' */
  channelPrefix?: string;
}

export interface LegacyRelay {
  /** Stops handling messages and unsubscribes; idempotent. Does not quit the connection. */
  close(): Promise<void>;
}

/**
 * Relays the legacy Redis channels `ws:broadcast:<topic>` (the seed's `RedisSubscriber`): issues
 * `PSUBSCRIBE ws:broadcast:*` on `redisSubscriber`, a connection dedicated to it that the caller
 * owns. The topic is the channel minus the prefix. Unknown or empty topics, invalid JSON, and
 * payloads that are not objects with a string `type` are dropped and reported through `onInvalid`.
 * ioredis subscribes again by itself after a reconnect. Resolves once the server confirmed.
 */
export async function subscribeLegacyRelay(
  redisSubscriber: Redis,
  handler: LegacyRelayHandler,
  opts: LegacyRelayOptions = {},
): Promise<LegacyRelay> {
  const logger = opts.logger ?? silentLogger;
  const prefix = opts.channelPrefix ?? DEFAULT_LEGACY_CHANNEL_PREFIX;
  const pattern = `${escapeGlob(prefix)}*`;

  const drop = (reason: LegacyRelayInvalidReason, channel: string): void => {
    logger.debug({ channel, reason }, 'legacy relay dropped a message');
    opts.onInvalid?.(reason);
  };

  const onMessage = (matched: string, channel: string, message: string): void => {
    if (matched !== pattern) return; // another pattern on the same connection
    const topic = channel.slice(prefix.length);
    if (!isValidTopic(topic)) return drop('invalid_topic', channel);
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      return drop('invalid_json', channel);
    }
    if (!isPayload(payload)) return drop('not_object', channel);
    try {
      handler(topic, payload);
    } catch (err) {
      logger.error({ err, topic }, 'legacy relay handler threw');
    }
  };

  redisSubscriber.on('pmessage', onMessage);
  try {
    await redisSubscriber.psubscribe(pattern);
  } catch (err) {
    redisSubscriber.off('pmessage', onMessage);
    throw err;
  }
  logger.info({ pattern }, 'legacy relay subscribed');

  let closed = false;
  return {
    async close() {
      if (closed) return;
      closed = true;
      redisSubscriber.off('pmessage', onMessage);
      if (redisSubscriber.status === 'end') return; // the connection is gone, and its subscriptions with it
      try {
        await redisSubscriber.punsubscribe(pattern);
      } catch (err) {
        logger.debug({ err, pattern }, 'legacy relay punsubscribe failed');
      }
    },
  };
}

function isPayload(value: unknown): value is LegacyRelayPayload {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

/** Escapes the Redis glob characters of a literal channel prefix. */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}
