/** What to do with a fan-out message, judged by its topic's `seq`. */
export type SequenceVerdict =
  | { readonly kind: 'accept' }
  /** Not newer than what was already delivered (a late snapshot): drop it. */
  | { readonly kind: 'stale'; readonly last: number }
  /** Newer, but messages in between are missing: deliver it, report the gap and resync the topic. */
  | { readonly kind: 'gap'; readonly expected: number };

/** `ack`: unsubscribe+subscribe sent, waiting for `subscribed`; `value`: waiting for the first message after it. */
type ResyncPhase = 'ack' | 'value';

/**
 * Per-topic sequence state of one connection: the highest `seq` delivered, and which topics are
 * being resynced. A snapshot sent on subscribe can arrive after a newer published message, so
 * anything at or below the highest is stale. During a resync the client is briefly unsubscribed
 * and misses messages, so until the first message after the new `subscribed` (normally the
 * snapshot) newer messages are accepted without a gap check: that message sets the new baseline,
 * and a busy topic cannot resync forever. Bounded by the caller, which only passes topics it is
 * subscribed to.
 *
 * Seqs are the producer's, the same on every edge, so the state outlives a connection: after a
 * reconnect (perhaps to another edge) the snapshot of a value already delivered is a duplicate and
 * is dropped, and a newer one is accepted as the new baseline (the messages in between were
 * superseded while the client was away). A producer that had to start its numbering over (its
 * store lost) is recognised by a lower seq with a newer `ts`.
 */
export class TopicSequences {
  readonly #last = new Map<string, { readonly seq: number; readonly tsMs: number }>();
  readonly #resyncing = new Map<string, ResyncPhase>();

  /** `ts` is the message's producer timestamp (ISO-8601), when it has one. */
  check(topic: string, seq: number, ts?: string): SequenceVerdict {
    const last = this.#last.get(topic);
    const phase = this.#resyncing.get(topic);
    const tsMs = ts === undefined ? Number.NaN : Date.parse(ts);
    // The first message after the resync's `subscribed` ends it, even when stale (a snapshot we had).
    if (phase === 'value') this.#resyncing.delete(topic);
    const restarted = last !== undefined && seq <= last.seq && tsMs > last.tsMs;
    if (last !== undefined && seq <= last.seq && !restarted) return { kind: 'stale', last: last.seq };
    this.#last.set(topic, { seq, tsMs });
    if (phase !== undefined || restarted) return { kind: 'accept' };
    if (last !== undefined && seq > last.seq + 1) {
      this.#resyncing.set(topic, 'ack');
      return { kind: 'gap', expected: last.seq + 1 };
    }
    return { kind: 'accept' };
  }

  /** The server confirmed a subscription; a resync of this topic now waits for its first value. */
  subscribed(topic: string): void {
    if (this.#resyncing.get(topic) === 'ack') this.#resyncing.set(topic, 'value');
  }

  /** True while an unsubscribe+subscribe resync of `topic` is under way. */
  resyncing(topic: string): boolean {
    return this.#resyncing.has(topic);
  }

  forget(topic: string): void {
    this.#last.delete(topic);
    this.#resyncing.delete(topic);
  }

  /**
   * A new connection: every known topic is re-subscribed and its first value (the snapshot) sets
   * the baseline without a gap check; what was already delivered stays a duplicate.
   */
  reconnected(): void {
    this.#resyncing.clear();
    for (const topic of this.#last.keys()) this.#resyncing.set(topic, 'ack');
  }

  /** Topics with state, for bounds checks. */
  get size(): number {
    return Math.max(this.#last.size, this.#resyncing.size);
  }
}
