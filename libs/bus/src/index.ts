export type { Bus, BusHandler, BusStatus, Subscription } from './bus.js';
export { BusClosedError } from './errors.js';
export type { BusLogger, HandlerErrorReporter } from './logger.js';
export { createMemoryBus } from './memory-bus.js';
export type { MemoryBusOptions } from './memory-bus.js';
export { createNatsBus } from './nats-bus.js';
export type { NatsBusOptions } from './nats-bus.js';
export {
  DEFAULT_MAX_PING_OUT,
  DEFAULT_MAX_RECONNECT_TIME_WAIT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_RECONNECT_TIME_WAIT_MS,
  connectNats,
} from './connect-nats.js';
export type { ConnectNatsOptions } from './connect-nats.js';
export { lastValueKey } from './last-values.js';
export type { LastValueStore } from './last-values.js';
export { connectRedis } from './connect-redis.js';
export { createRedisLastValueStore } from './redis-last-values.js';
export type { RedisLastValueStoreOptions } from './redis-last-values.js';
export { DEFAULT_MAX_TOPICS, createMemoryLastValueStore } from './memory-last-values.js';
export type { MemoryLastValueStore, MemoryLastValueStoreOptions } from './memory-last-values.js';
export { DEFAULT_LEGACY_CHANNEL_PREFIX, subscribeLegacyRelay } from './redis-relay.js';
export type { LegacyRelay, LegacyRelayHandler, LegacyRelayInvalidReason, LegacyRelayOptions, LegacyRelayPayload } from './redis-relay.js';
export { createLeaderLease } from './leader-lease.js';
export type { LeaderLease, LeaderLeaseOptions } from './leader-lease.js';
export { createLegacyForwarder } from './legacy-forwarder.js';
export type { LegacyForwardResult, LegacyForwarder, LegacyForwarderOptions } from './legacy-forwarder.js';
export { createTopicPublisher } from './topic-publisher.js';
export type { TopicPublisher, TopicPublisherDeps } from './topic-publisher.js';
export { createDemandReporter } from './demand-reporter.js';
export type { DemandReporter, DemandReporterDeps } from './demand-reporter.js';
