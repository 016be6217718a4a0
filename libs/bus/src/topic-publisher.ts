import type { BusLogger } from './logger.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, topicToSubject, type FanoutPayload } from '@repo/protocol';
import type { Bus } from './bus.js';
import type { LastValueStore } from './last-values.js';

/**
 * A topic's single producer: numbers messages per topic (continuing after the stored last value,
 * so a restarted producer never goes backwards), writes `lv:<topic>` first, then publishes once.
 * With a change key, a message equal to the previous one is not published at all.
 *
 * The store is for snapshots; the live flow does not depend on it. When the store cannot be
 * written, the message is published anyway (and a warning logged); when it cannot be read, a
 * topic with a known seq continues from it. Only a topic never published and unreadable fails.
 * When the store is back (`onReconnect`), every topic's last message is written again: a restarted
 * Redis has lost them, and a topic that changes rarely (a signal set) would otherwise have no
 * snapshot until its next change.
 */
export interface TopicPublisher {
  /**
   * Publishes `payload` on `topic`; with `changeKey`, skips it when the key equals the previous
   * message's. Messages of one topic go out in call order.
   */
  publish(topic: string, payload: FanoutPayload, changeKey?: string): Promise<PublishResult>;
  /** Forgets a topic's change key and seq (a ticker that left the demand); bounded memory. */
  forget(topic: string): void;
  /** Re-reads every topic's stored seq before its next message (after another producer may have run); never goes back. */
  reset(): void;
}

export interface TopicPublisherDeps {
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  /** The producing instance, as envelopes' `src`. */
  readonly src: string;
  readonly now?: () => Date;
  /**
   * Whether this producer may publish now (a leader's lease): asked before the store write and
   * again right before the bus publish, with no await in between, so a process that lost its
   * lease while paused (a poll answered after SIGCONT) publishes nothing: 'fenced'.
   */
  readonly mayPublish?: () => boolean;
  /** Store failures are logged here, one warning per 10 s at most (an outage fails every message). */
  readonly logger?: BusLogger;
}

const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/** `fenced`: `mayPublish` said no (a lost lease); nothing was published. */
export type PublishResult = 'published' | 'unchanged' | 'fenced';

interface TopicState {
  /** The last seq published; -1 before the first. */
  seq: number;
  /** `seq` has been checked against the store since the last reset. */
  synced: boolean;
  changeKey: string | undefined;
  /** The tail of this topic's publish chain. */
  tail: Promise<unknown>;
  /** The last message published, as stored. */
  lastJson: string | undefined;
}

export function createTopicPublisher(deps: TopicPublisherDeps): TopicPublisher {
  const now = deps.now ?? (() => new Date());
  const topics = new Map<string, TopicState>();
  let lastStoreWarningMs = Number.NEGATIVE_INFINITY;
  let unloggedStoreErrors = 0;
  const storeError = (topic: string, err: unknown): void => {
    unloggedStoreErrors += 1;
    const nowMs = now().getTime();
    if (nowMs - lastStoreWarningMs < STORE_ERROR_LOG_INTERVAL_MS) return;
    deps.logger?.warn({ err, topic, failures: unloggedStoreErrors }, 'last value store unavailable; publishing without it');
    lastStoreWarningMs = nowMs;
    unloggedStoreErrors = 0;
  };

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
  ): Promise<PublishResult> => {
    const fenced = (): boolean => deps.mayPublish?.() === false;
    if (changeKey !== undefined && changeKey === state.changeKey) return 'unchanged';
    if (!state.synced) {
      try {
        state.seq = Math.max(state.seq, await storedSeq(topic));
        state.synced = true;
      } catch (err) {
        // Unreadable store: a topic this process has numbered continues; a new one cannot start.
        if (state.seq < 0) throw err;
        storeError(topic, err);
      }
    }
    const envelope = makeEnvelope(topic, state.seq + 1, deps.src, payload, now());
    const json = JSON.stringify(envelope);
    if (fenced()) return 'fenced';
    try {
      await deps.lastValues.set(topic, json);
    } catch (err) {
      storeError(topic, err);
    }
    if (fenced()) return 'fenced';
    deps.bus.publish(topicToSubject(topic), encodeEnvelope(envelope));
    state.lastJson = json;
    state.seq = envelope.seq;
    state.changeKey = changeKey;
    return 'published';
  };

  /** Writes every topic's last message again, each in its topic's order. */
  const rewriteAll = (): void => {
    for (const [topic, state] of topics) {
      state.tail = state.tail.then(async () => {
        if (state.lastJson === undefined) return;
        try {
          await deps.lastValues.set(topic, state.lastJson);
        } catch (err) {
          storeError(topic, err);
        }
      });
    }
  };
  deps.lastValues.onReconnect?.(rewriteAll);

  return {
    publish(topic, payload, changeKey) {
      let state = topics.get(topic);
      if (state === undefined) {
        state = { seq: -1, synced: false, changeKey: undefined, tail: Promise.resolve(), lastJson: undefined };
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
        state.synced = false;
        state.changeKey = undefined;
      }
    },
  };
}
