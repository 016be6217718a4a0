import type { Bus, LastValueStore, Subscription } from '@repo/bus';
import { decodeEnvelope, fanoutFrame, subjectToTopic, topicToSubject, type BusEnvelope, type FanoutPayload } from '@repo/protocol';
import type { Logger } from '@repo/observability';
import type { EdgeMetrics } from './metrics.js';

/**
 * Reference-counted bus subscriptions per topic, and the local last value of each.
 *
 * The first local subscriber of a topic subscribes its subject on the bus; the last one leaving
 * unsubscribes it and forgets the cached value, so one edge's bus traffic and memory follow its
 * clients. Each bus message is decoded and encoded once, then published once to the uWS topic.
 */
export interface TopicBridge {
  /** Adds one local subscriber; false when the edge-wide topic cap refuses a new topic. */
  acquire(topic: string): boolean;
  /** Removes one local subscriber; the bus subscription goes with the last. */
  release(topic: string): void;
  /** The local last frame of a topic, sent synchronously right after a `subscribed` ack. */
  cachedFrame(topic: string): string | undefined;
  /**
   * On a local miss: the last value from the store. Resolves null when there is none, or when a
   * newer message reached the topic (and so this subscriber) while the store was being read.
   */
  loadSnapshot(topic: string): Promise<string | null>;
  /** Fans out a legacy relay payload to local subscribers of `topic`. */
  deliverRelay(topic: string, payload: FanoutPayload): void;
  /** After a bus outage: re-reads the store and delivers what changed meanwhile. */
  resync(): Promise<void>;
  /** Local subscriber counts per topic. */
  counts(): ReadonlyMap<string, number>;
  /** The last envelope seen on a topic with local subscribers. */
  lastEnvelope(topic: string): BusEnvelope | undefined;
  stop(): void;
}

export interface TopicBridgeDeps {
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  readonly publish: (topic: string, frame: string) => void;
  readonly numSubscribers: (topic: string) => number;
  readonly metrics: EdgeMetrics;
  readonly logger: Logger;
  readonly maxTopics: number;
  /** Called once per fanned-out message (for the producers' liveness flags). */
  readonly onFanout?: (topic: string) => void;
  readonly now?: () => number;
  /** How long a snapshot read from the store may take before the subscriber goes without. */
  readonly snapshotTimeoutMs?: number;
}

interface Cached {
  readonly envelope: BusEnvelope;
  readonly frame: string;
}

interface TopicEntry {
  count: number;
  readonly subscription: Subscription;
  last: Cached | undefined;
  loading: Promise<Cached | undefined> | undefined;
  relaySeq: number;
}

const RESYNC_BATCH = 500;

export function createTopicBridge(deps: TopicBridgeDeps): TopicBridge {
  const { bus, lastValues, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const snapshotTimeoutMs = deps.snapshotTimeoutMs ?? 2_000;
  const entries = new Map<string, TopicEntry>();
  const counts = new Map<string, number>();
  let stopped = false;

  const fanOut = (topic: string, entry: TopicEntry, envelope: BusEnvelope): void => {
    const frame = fanoutFrame(envelope);
    entry.last = { envelope, frame };
    deps.publish(topic, frame);
    deps.onFanout?.(topic);
    metrics.messagesSent.inc({ kind: 'fanout' }, deps.numSubscribers(topic));
    const lagMs = now() - Date.parse(envelope.ts);
    if (Number.isFinite(lagMs)) metrics.fanoutLag.observe(Math.max(0, lagMs) / 1000);
  };

  const onBusMessage = (data: Uint8Array, subject: string): void => {
    const topic = subjectToTopic(subject);
    const entry = topic === null ? undefined : entries.get(topic);
    if (topic === null || entry === undefined) {
      metrics.busMessages.inc({ result: 'unrouted' });
      return;
    }
    let envelope: BusEnvelope;
    try {
      envelope = decodeEnvelope(data);
    } catch (err) {
      metrics.busMessages.inc({ result: 'invalid' });
      logger.debug({ err, subject }, 'invalid bus envelope dropped');
      return;
    }
    if (envelope.topic !== topic) {
      metrics.busMessages.inc({ result: 'invalid' });
      return;
    }
    metrics.busMessages.inc({ result: 'delivered' });
    fanOut(topic, entry, envelope);
  };

  const load = async (topic: string): Promise<Cached | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const json = await Promise.race([
        lastValues.get(topic),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`last value read timed out after ${snapshotTimeoutMs} ms`)), snapshotTimeoutMs);
          timer.unref();
        }),
      ]);
      if (json === null) return undefined;
      const envelope = decodeEnvelope(json);
      return envelope.topic === topic ? { envelope, frame: fanoutFrame(envelope) } : undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    acquire(topic) {
      const existing = entries.get(topic);
      if (existing !== undefined) {
        existing.count += 1;
        counts.set(topic, existing.count);
        return true;
      }
      if (stopped || entries.size >= deps.maxTopics) return false;
      const subscription = bus.subscribe(topicToSubject(topic), onBusMessage);
      entries.set(topic, { count: 1, subscription, last: undefined, loading: undefined, relaySeq: 0 });
      counts.set(topic, 1);
      metrics.topics.set(entries.size);
      return true;
    },

    release(topic) {
      const entry = entries.get(topic);
      if (entry === undefined) return;
      entry.count -= 1;
      if (entry.count > 0) {
        counts.set(topic, entry.count);
        return;
      }
      entries.delete(topic);
      counts.delete(topic);
      entry.subscription.unsubscribe();
      metrics.topics.set(entries.size);
    },

    cachedFrame(topic) {
      const frame = entries.get(topic)?.last?.frame;
      if (frame !== undefined) metrics.snapshots.inc({ source: 'local' });
      return frame;
    },

    async loadSnapshot(topic) {
      const entry = entries.get(topic);
      if (entry === undefined) return null;
      if (entry.last !== undefined) return null;
      entry.loading ??= load(topic).finally(() => {
        entry.loading = undefined;
      });
      let loaded: Cached | undefined;
      try {
        loaded = await entry.loading;
      } catch (err) {
        metrics.snapshots.inc({ source: 'error' });
        logger.warn({ err, topic }, 'last value read failed; subscriber waits for the next message');
        return null;
      }
      if (loaded === undefined) {
        metrics.snapshots.inc({ source: 'miss' });
        return null;
      }
      // A bus message that arrived during the read already reached this subscriber and is newer.
      entry.last ??= loaded;
      if (entry.last !== loaded) return null;
      metrics.snapshots.inc({ source: 'redis' });
      return loaded.frame;
    },

    deliverRelay(topic, payload) {
      const entry = entries.get(topic);
      if (entry === undefined) {
        metrics.relayMessages.inc({ result: 'no_subscribers' });
        return;
      }
      entry.relaySeq += 1;
      metrics.relayMessages.inc({ result: 'delivered' });
      fanOut(topic, entry, { v: 1, topic, seq: entry.relaySeq, ts: new Date(now()).toISOString(), src: 'relay', data: payload });
    },

    async resync() {
      const topics = [...entries.keys()];
      for (let i = 0; i < topics.length; i += RESYNC_BATCH) {
        const batch = topics.slice(i, i + RESYNC_BATCH);
        const values = await lastValues.getMany(batch);
        batch.forEach((topic, j) => {
          const json = values[j];
          const entry = entries.get(topic);
          if (json == null || entry === undefined) return;
          let envelope: BusEnvelope;
          try {
            envelope = decodeEnvelope(json);
          } catch {
            return;
          }
          const known = entry.last?.envelope;
          if (known === undefined || Date.parse(envelope.ts) > Date.parse(known.ts)) fanOut(topic, entry, envelope);
        });
      }
    },

    counts: () => counts,
    lastEnvelope: (topic) => entries.get(topic)?.last?.envelope,

    stop() {
      stopped = true;
      for (const entry of entries.values()) entry.subscription.unsubscribe();
      entries.clear();
      counts.clear();
      metrics.topics.set(0);
    },
  };
}
