import { decodeEnvelope, encodeEnvelope, makeEnvelope, topicToSubject, type FanoutPayload } from '@repo/protocol';
import type { Bus } from './bus.js';
import type { LastValueStore } from './last-values.js';

/**
 * A topic's single producer: numbers messages per topic (continuing after the stored last value,
 * so a restarted producer never goes backwards), writes `lv:<topic>` first, then publishes once.
 * With a change key, a message equal to the previous one is not published at all.
 */
export interface TopicPublisher {
  /**
   * Publishes `payload` on `topic`; with `changeKey`, skips it when the key equals the previous
   * message's. Messages of one topic go out in call order.
   */
  publish(topic: string, payload: FanoutPayload, changeKey?: string): Promise<'published' | 'unchanged'>;
  /** Forgets a topic's change key and seq (a ticker that left the demand); bounded memory. */
  forget(topic: string): void;
  /** Forgets every seq, so the next message re-reads the store (after another producer ran). */
  reset(): void;
}

export interface TopicPublisherDeps {
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  /** The producing instance, as envelopes' `src`. */
  readonly src: string;
  readonly now?: () => Date;
}

interface TopicState {
  seq: number;
  changeKey: string | undefined;
  /** The tail of this topic's publish chain. */
  tail: Promise<unknown>;
}

export function createTopicPublisher(deps: TopicPublisherDeps): TopicPublisher {
  const now = deps.now ?? (() => new Date());
  const topics = new Map<string, TopicState>();

  const storedSeq = async (topic: string): Promise<number> => {
    const stored = await deps.lastValues.get(topic);
    if (stored === null) return 0;
    try {
      return decodeEnvelope(stored).seq;
    } catch {
      // A corrupt stored value must not stop publishing: the sequence starts over.
      return 0;
    }
  };

  const publishNow = async (
    topic: string,
    state: TopicState,
    payload: FanoutPayload,
    changeKey: string | undefined,
  ): Promise<'published' | 'unchanged'> => {
    if (changeKey !== undefined && changeKey === state.changeKey) return 'unchanged';
    if (state.seq < 0) state.seq = await storedSeq(topic);
    const envelope = makeEnvelope(topic, state.seq + 1, deps.src, payload, now());
    await deps.lastValues.set(topic, JSON.stringify(envelope));
    deps.bus.publish(topicToSubject(topic), encodeEnvelope(envelope));
    state.seq = envelope.seq;
    state.changeKey = changeKey;
    return 'published';
  };

  return {
    publish(topic, payload, changeKey) {
      let state = topics.get(topic);
      if (state === undefined) {
        state = { seq: -1, changeKey: undefined, tail: Promise.resolve() };
        topics.set(topic, state);
      }
      const current = state;
      const result = current.tail.then(() => publishNow(topic, current, payload, changeKey));
      current.tail = result.catch(() => undefined);
      return result;
    },
    forget(topic) {
      topics.delete(topic);
    },
    reset() {
      // Another producer may have published meanwhile: re-read its seq, and never skip the next
      // message as "unchanged" against a value that is no longer the stored one.
      for (const state of topics.values()) {
        state.seq = -1;
        state.changeKey = undefined;
      }
    },
  };
}
