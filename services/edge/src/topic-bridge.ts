import type { Bus, LastValueStore, Subscription } from '@repo/bus';
import type { Logger } from '@repo/observability';
import { decodeEnvelope, fanoutFrame, subjectToTopic, topicToSubject, type BusEnvelope } from '@repo/protocol';
import type { EdgeMetrics } from './metrics.js';

/**
 * Reference-counted bus subscriptions per topic, and the local last value of each.
 *
 * The first local subscriber of a topic subscribes its subject on the bus; the last one leaving
 * unsubscribes it and forgets the cached value, so one edge's bus traffic and memory follow its
 * clients. Each bus message is decoded and encoded once, then published to the topic's slices.
 *
 * Slices: a topic's subscribers are spread over FANOUT_SLICES uWS topics by a per-socket slot.
 * One uWS publish to N sockets is N sends in one pass that holds the event loop (about 25-30 ms
 * for 5,000 here), so a topic with more than `sliceAbove` local subscribers goes out slice by
 * slice: a cursor walks the slices, one per loop turn, and each slice gets all the frames that
 * wait for it at once (uWS then writes them to a socket in one send, as a single pass would for
 * the frames that queued during the previous one). A subscribe or any other I/O waits for one
 * slice, not the whole pass. Each slice gets every frame in order, and a socket that joins a slice
 * whose frames are still waiting gets that slice's last frame as its snapshot, then the waiting
 * ones: no gap, no duplicate (topic-bridge.test.ts checks this against a model of uWS).
 */
export interface TopicBridge {
  /** Adds one local subscriber in `slice`; false when the edge-wide topic cap (or a closed bus) refuses a new topic. */
  acquire(topic: string, slice: number): boolean;
  /** Removes one local subscriber from `slice`; the bus subscription goes with the last. */
  release(topic: string, slice: number): void;
  /**
   * The local last frame of a topic as `slice` has it (while a message is still on its way
   * through the slices, the one before it), sent synchronously right after a `subscribed` ack.
   */
  cachedFrame(topic: string, slice: number): string | undefined;
  /**
   * On a local miss: the last value from the store. Resolves null when there is none, when a
   * newer message reached the topic (and so its subscribers) while the store was being read, or
   * when the topic lost all its subscribers meanwhile.
   */
  loadSnapshot(topic: string): Promise<string | null>;
  /** After a bus outage: re-reads the store and delivers what changed meanwhile. */
  resync(): Promise<void>;
  /** Local subscriber counts per topic (a fresh map; for stats). */
  counts(): Map<string, number>;
  /** The last envelope seen on a topic with local subscribers. */
  lastEnvelope(topic: string): BusEnvelope | undefined;
  stop(): void;
}

export interface TopicBridgeDeps {
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  /** One uWS publish of `frame` to the subscribers of `topic` in `slice`. */
  readonly publish: (topic: string, slice: number, frame: string) => void;
  readonly numSubscribers: (topic: string, slice: number) => number;
  /** Topics with more local subscribers than this go out one slice per loop turn. */
  readonly sliceAbove: number;
  readonly metrics: EdgeMetrics;
  readonly logger: Logger;
  readonly maxTopics: number;
  /** Called when a topic gains its first local subscriber, and when it loses its last. */
  readonly onTopicOpened?: (topic: string) => void;
  readonly onTopicClosed?: (topic: string) => void;
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
  /** Local subscribers per slice. */
  readonly slices: Uint32Array;
  readonly topic: string;
  readonly subscription: Subscription;
  last: Cached | undefined;
  loading: Promise<Cached | undefined> | undefined;
  /** Set while the topic's frames go out slice by slice (and then the entry is in `waves`). */
  wave: Wave | undefined;
}

/**
 * A topic going out slice by slice. A cursor walks the slices, one per loop turn; each slice
 * gets all its pending frames at once (uWS then writes them to a socket in one send, as one pass
 * does for the frames that queued during the previous one). A frame that arrives meanwhile is
 * added to every slice's pending list. `sent` is each slice's last frame: the snapshot of a
 * socket that joins that slice before its pending frames go out.
 */
interface Wave {
  cursor: number;
  readonly pending: string[][];
  readonly sent: Array<string | undefined>;
  /** Slices with pending frames; the wave ends at zero. */
  waiting: number;
}

/** Slices per topic: 5,000 subscribers make slices of about 300 sockets (a few ms each). */
export const FANOUT_SLICES = 16;

const RESYNC_BATCH = 500;

/**
 * True when `next` follows `last` on its topic: a higher seq, or a lower one with a later
 * timestamp (the producer started its sequence over). Equal or older is a message already seen.
 */
export function isNewer(next: BusEnvelope, last: BusEnvelope): boolean {
  return next.seq > last.seq || Date.parse(next.ts) > Date.parse(last.ts);
}
/** During a store outage every subscribe fails its read; one warning per window is enough. */
const READ_FAILURE_LOG_INTERVAL_MS = 10_000;

export function createTopicBridge(deps: TopicBridgeDeps): TopicBridge {
  const { bus, lastValues, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const snapshotTimeoutMs = deps.snapshotTimeoutMs ?? 2_000;
  const entries = new Map<string, TopicEntry>();
  /**
   * Topics going out slice by slice: exactly the entries with a wave, so bounded by the topics
   * (each by its frames of one round of slices). `release` and `stop` take entries out.
   */
  const waves = new Set<TopicEntry>();
  let pump: NodeJS.Immediate | undefined;
  let stopped = false;
  let lastReadFailureLogMs = Number.NEGATIVE_INFINITY;

  const publishSlice = (topic: string, slice: number, frame: string): void => {
    deps.publish(topic, slice, frame);
    metrics.messagesSent.inc({ kind: 'fanout' }, deps.numSubscribers(topic, slice));
  };

  /**
   * One loop turn of a wave: from the cursor, the next slice with pending frames and subscribers
   * gets them all (slices with pending frames but no subscribers only record them as sent on the
   * way). Ends the wave when no slice waits.
   */
  const step = (entry: TopicEntry, wave: Wave): void => {
    for (let k = 0; k < FANOUT_SLICES && wave.waiting > 0; k += 1) {
      const slice = wave.cursor;
      wave.cursor = (slice + 1) % FANOUT_SLICES;
      const pending = wave.pending[slice] as string[];
      if (pending.length === 0) continue;
      const subscribed = (entry.slices[slice] ?? 0) > 0;
      if (subscribed) for (const frame of pending) publishSlice(entry.topic, slice, frame);
      wave.sent[slice] = pending[pending.length - 1];
      pending.length = 0;
      wave.waiting -= 1;
      if (subscribed) break;
    }
    if (wave.waiting === 0) {
      entry.wave = undefined;
      waves.delete(entry);
    }
  };

  const runPump = (): void => {
    pump = undefined;
    for (const entry of waves) step(entry, entry.wave as Wave);
    if (waves.size > 0) pump = setImmediate(runPump);
  };

  const fanOut = (topic: string, entry: TopicEntry, envelope: BusEnvelope): void => {
    const frame = fanoutFrame(envelope);
    const previous = entry.last?.frame;
    entry.last = { envelope, frame };
    if (entry.wave === undefined && entry.count <= deps.sliceAbove) {
      for (let slice = 0; slice < FANOUT_SLICES; slice += 1) {
        if ((entry.slices[slice] ?? 0) > 0) publishSlice(topic, slice, frame);
      }
    } else {
      // Slice by slice; also when the topic shrank meanwhile, so no slice's order is broken.
      const started = entry.wave === undefined;
      const wave = (entry.wave ??= {
        cursor: 0,
        pending: Array.from({ length: FANOUT_SLICES }, () => []),
        sent: new Array<string | undefined>(FANOUT_SLICES).fill(previous),
        waiting: 0,
      });
      for (let slice = 0; slice < FANOUT_SLICES; slice += 1) {
        const pending = wave.pending[slice] as string[];
        if (pending.length === 0 && (entry.slices[slice] ?? 0) === 0) {
          // Nobody to send to and nothing queued before it: it is this slice's last frame now.
          wave.sent[slice] = frame;
        } else {
          if (pending.length === 0) wave.waiting += 1;
          pending.push(frame);
        }
      }
      if (started) {
        // The first slice goes now, like a topic under the threshold; the rest on later turns.
        step(entry, wave);
        if (entry.wave !== undefined) {
          waves.add(entry);
          pump ??= setImmediate(runPump);
        }
      }
    }
    deps.onFanout?.(topic);
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
    const envelope = decodeStored(data, topic, 'bus');
    if (envelope === undefined) return;
    const last = entry.last?.envelope;
    if (last !== undefined && !isNewer(envelope, last)) {
      // Already delivered: the snapshot read from the store can be ahead of the stream, since a
      // producer writes the store before it publishes. Joining by seq keeps it gap- and duplicate-free.
      metrics.busMessages.inc({ result: 'stale' });
      return;
    }
    metrics.busMessages.inc({ result: 'delivered' });
    fanOut(topic, entry, envelope);
  };

  /** A bus payload or stored last value for `topic`, or undefined (counted) when it is not valid. */
  function decodeStored(payload: Uint8Array | string, topic: string, from: 'bus' | 'store'): BusEnvelope | undefined {
    try {
      const envelope = decodeEnvelope(payload);
      if (envelope.topic === topic) return envelope;
    } catch (err) {
      logger.debug({ err, topic, from }, 'invalid envelope dropped');
    }
    if (from === 'bus') metrics.busMessages.inc({ result: 'invalid' });
    else metrics.snapshots.inc({ source: 'invalid' });
    return undefined;
  }

  /**
   * The stored value, read only once the server has the topic's bus subscription: a producer
   * writes the store, then publishes, so every value newer than the one read reaches us on the
   * bus (no gap; duplicates are dropped by seq). While the bus is down there is no stream to join.
   */
  const readAfterSubscribed = async (topic: string): Promise<string | null> => {
    if (bus.status() === 'connected') await bus.flush();
    return lastValues.get(topic);
  };

  const load = async (topic: string): Promise<Cached | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const json = await Promise.race([
        readAfterSubscribed(topic),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`last value read timed out after ${snapshotTimeoutMs} ms`)), snapshotTimeoutMs);
          timer.unref();
        }),
      ]);
      if (json === null) return undefined;
      const envelope = decodeStored(json, topic, 'store');
      return envelope === undefined ? undefined : { envelope, frame: fanoutFrame(envelope) };
    } finally {
      clearTimeout(timer);
    }
  };

  const logReadFailure = (err: unknown, topic: string): void => {
    if (now() - lastReadFailureLogMs < READ_FAILURE_LOG_INTERVAL_MS) return;
    lastReadFailureLogMs = now();
    logger.warn({ err, topic }, 'last value read failed; subscribers wait for the next message (logged once per 10 s)');
  };

  return {
    acquire(topic, slice) {
      const existing = entries.get(topic);
      if (existing !== undefined) {
        existing.count += 1;
        existing.slices[slice] = (existing.slices[slice] ?? 0) + 1;
        return true;
      }
      if (stopped || entries.size >= deps.maxTopics) return false;
      let subscription: Subscription;
      try {
        subscription = bus.subscribe(topicToSubject(topic), onBusMessage);
      } catch (err) {
        // A drained or closed bus: refuse the topic instead of throwing into the socket handler.
        logger.warn({ err, topic }, 'bus refused a subscription');
        return false;
      }
      const slices = new Uint32Array(FANOUT_SLICES);
      slices[slice] = 1;
      entries.set(topic, { count: 1, slices, topic, subscription, last: undefined, loading: undefined, wave: undefined });
      metrics.topics.set(entries.size);
      deps.onTopicOpened?.(topic);
      return true;
    },

    release(topic, slice) {
      const entry = entries.get(topic);
      if (entry === undefined) return;
      entry.count -= 1;
      entry.slices[slice] = Math.max(0, (entry.slices[slice] ?? 0) - 1);
      if (entry.count > 0) return;
      entries.delete(topic);
      waves.delete(entry);
      entry.subscription.unsubscribe();
      metrics.topics.set(entries.size);
      deps.onTopicClosed?.(topic);
    },

    cachedFrame(topic, slice) {
      const entry = entries.get(topic);
      return entry?.wave === undefined ? entry?.last?.frame : entry.wave.sent[slice];
    },

    async loadSnapshot(topic) {
      const entry = entries.get(topic);
      if (entry === undefined || entry.last !== undefined) return null;
      entry.loading ??= load(topic).finally(() => {
        entry.loading = undefined;
      });
      let loaded: Cached | undefined;
      try {
        loaded = await entry.loading;
      } catch (err) {
        metrics.snapshots.inc({ source: 'error' });
        logReadFailure(err, topic);
        return null;
      }
      // The topic was released (and maybe re-acquired as a new entry) during the read: this
      // result belongs to subscribers that are gone.
      if (entries.get(topic) !== entry) return null;
      if (loaded === undefined) {
        metrics.snapshots.inc({ source: 'miss' });
        return null;
      }
      // A bus message that arrived during the read already reached the subscribers and is newer.
      entry.last ??= loaded;
      if (entry.last !== loaded) return null;
      metrics.snapshots.inc({ source: 'redis' });
      return loaded.frame;
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
          const envelope = decodeStored(json, topic, 'store');
          if (envelope === undefined) return;
          const known = entry.last?.envelope;
          if (known === undefined || Date.parse(envelope.ts) > Date.parse(known.ts)) fanOut(topic, entry, envelope);
        });
      }
    },

    counts: () => new Map([...entries].map(([topic, entry]) => [topic, entry.count])),
    lastEnvelope: (topic) => entries.get(topic)?.last?.envelope,

    stop() {
      stopped = true;
      if (pump !== undefined) clearImmediate(pump);
      pump = undefined;
      waves.clear();
      for (const entry of entries.values()) entry.subscription.unsubscribe();
      entries.clear();
      metrics.topics.set(0);
    },
  };
}
