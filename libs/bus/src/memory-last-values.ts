import type { LastValueStore } from './last-values.js';

export const DEFAULT_MAX_TOPICS = 100_000;

export interface MemoryLastValueStoreOptions {
  /** When full, the least recently written topic is dropped. @default 100_000 */
  maxTopics?: number;
}

export interface MemoryLastValueStore extends LastValueStore {
  /** The number of topics held. */
  readonly size: number;
}

/**
 * Last values in one process, for unit tests and the standalone mode. Bounded: a write counts as
 * an insertion, so a topic that keeps updating is never the one evicted.
 */
export function createMemoryLastValueStore(opts: MemoryLastValueStoreOptions = {}): MemoryLastValueStore {
  const maxTopics = opts.maxTopics ?? DEFAULT_MAX_TOPICS;
  if (!Number.isInteger(maxTopics) || maxTopics < 1) throw new RangeError(`maxTopics must be a positive integer, got ${maxTopics}`);
  // A Map iterates in insertion order, so its first key is the oldest write.
  const values = new Map<string, string>();
  return {
    get size() {
      return values.size;
    },
    async get(topic) {
      return values.get(topic) ?? null;
    },
    async getMany(topics) {
      return topics.map((topic) => values.get(topic) ?? null);
    },
    async set(topic, envelopeJson) {
      if (!values.delete(topic) && values.size >= maxTopics) {
        const oldest = values.keys().next();
        if (oldest.done !== true) values.delete(oldest.value);
      }
      values.set(topic, envelopeJson);
    },
  };
}
