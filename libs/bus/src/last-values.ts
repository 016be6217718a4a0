/**
 * The last message of each topic, so a new subscriber gets the current value at once.
 * Keys are `lv:<topic>`; values are encoded bus envelopes (JSON strings). Implementations:
 * `RedisLastValueStore` (shared by every edge and producer) and `MemoryLastValueStore`.
 */
export interface LastValueStore {
  /** The stored envelope JSON of `topic`, or null. */
  get(topic: string): Promise<string | null>;
  /** Several topics at once, in the order asked (null where absent). */
  getMany(topics: readonly string[]): Promise<(string | null)[]>;
  /**
   * Stores the envelope JSON of `topic`. Each topic has one producer, which writes in seq order
   * (and starts its seq after the stored one when it restarts).
   */
  set(topic: string, envelopeJson: string): Promise<void>;
  /**
   * Calls `listener` each time the store is reachable again after it was not (a restarted Redis
   * may have lost every value, so producers write theirs again). Returns a remover. Stores that
   * cannot be lost (in memory) omit it.
   */
  onReconnect?(listener: () => void): () => void;
}

/** The Redis key of a topic's last value. */
export function lastValueKey(topic: string, prefix = ''): string {
  return `${prefix}lv:${topic}`;
}
