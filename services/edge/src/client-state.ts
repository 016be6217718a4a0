import type { Grant } from './auth.js';
import type { Backlog } from './backlog.js';

const NO_TOPICS: readonly string[] = Object.freeze([]);

/**
 * Per-socket state, set at the handshake and owned by the socket (no ad-hoc socket properties).
 * One exists per connection (up to ~19,000 per process), so it holds only what is read later:
 * the `connected` frame's client id is made when it is sent, not kept.
 */
export interface ClientState {
  /** Topics requested in `?subscribe=`; handled on open, then let go (`takeInitialTopics`). */
  initialTopics: readonly string[];
  /**
   * This client's topics (bounded by EDGE_MAX_TOPICS), each with the number of its latest
   * subscribe command, so a late snapshot read answers only the subscribe that asked for it.
   */
  readonly topics: ClientTopics;
  /** This socket's fan-out slice of every topic (topic-bridge.ts), from 0 to FANOUT_SLICES - 1. */
  readonly slot: number;
  /** Subscribe commands so far on this socket. */
  subscribeCount: number;
  /** Last inbound frame of any kind (liveness for the reaper). */
  lastSeenMs: number;
  /** Invalid frames in the current window, for the sustained-garbage close. */
  badFrames: number;
  badFrameWindowStartMs: number;
  /** Set once we decided to close, so nothing else is sent. */
  closing: boolean;
  /** What the client's token allows; undefined when authentication is off. */
  readonly grant: Grant | undefined;
  /** The client's address (the socket peer, or the proxy header's), for the per-address limit. */
  readonly ip: string;
  /** Token bucket of inbound frames (EDGE_MAX_MESSAGES_PER_SECOND, EDGE_MESSAGE_BURST). */
  rateTokens: number;
  rateRefilledAtMs: number;
  /** Closes the socket with 4001 when the token expires; cleared on close. */
  expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the client reads too slowly for its uWS topics (backlog.ts owns it). */
  backlog: Backlog | undefined;
}

export function createClientState(
  nowMs: number,
  initialTopics: readonly string[],
  opts: { ip?: string; burst?: number; grant?: Grant | undefined; slot?: number } = {},
): ClientState {
  return {
    initialTopics: initialTopics.length === 0 ? NO_TOPICS : initialTopics,
    topics: new ClientTopics(),
    slot: opts.slot ?? 0,
    subscribeCount: 0,
    lastSeenMs: nowMs,
    badFrames: 0,
    badFrameWindowStartMs: nowMs,
    closing: false,
    grant: opts.grant,
    ip: opts.ip ?? '',
    rateTokens: opts.burst ?? Number.POSITIVE_INFINITY,
    rateRefilledAtMs: nowMs,
    expiryTimer: undefined,
    backlog: undefined,
  };
}

/** The `?subscribe=` topics, once: the state stops holding them. */
export function takeInitialTopics(state: ClientState): readonly string[] {
  const topics = state.initialTopics;
  state.initialTopics = NO_TOPICS;
  return topics;
}

/**
 * A client's topics, each with its latest subscribe number: the part of a Map the edge uses.
 * An empty Map costs about 200 bytes, on every socket; most clients hold one topic or a few, so
 * the first lives in two fields and a Map is made only for a second.
 */
export class ClientTopics {
  private first: string | undefined;
  private firstGeneration = 0;
  private rest: Map<string, number> | undefined;

  get size(): number {
    return (this.first === undefined ? 0 : 1) + (this.rest?.size ?? 0);
  }

  has(topic: string): boolean {
    return this.get(topic) !== undefined;
  }

  get(topic: string): number | undefined {
    return topic === this.first ? this.firstGeneration : this.rest?.get(topic);
  }

  set(topic: string, generation: number): void {
    if (topic === this.first || (this.first === undefined && this.rest?.has(topic) !== true)) {
      this.first = topic;
      this.firstGeneration = generation;
    } else {
      (this.rest ??= new Map()).set(topic, generation);
    }
  }

  delete(topic: string): boolean {
    if (topic === this.first) {
      this.first = undefined;
      return true;
    }
    const deleted = this.rest?.delete(topic) ?? false;
    if (this.rest?.size === 0) this.rest = undefined;
    return deleted;
  }

  clear(): void {
    this.first = undefined;
    this.rest = undefined;
  }

  *keys(): IterableIterator<string> {
    if (this.first !== undefined) yield this.first;
    if (this.rest !== undefined) yield* this.rest.keys();
  }
}

/**
 * Counts an invalid frame; true when the client went over `limit` frames within `windowMs`
 * (a fixed window that restarts when it has passed).
 */
export function recordBadFrame(state: ClientState, nowMs: number, limit: number, windowMs: number): boolean {
  if (nowMs - state.badFrameWindowStartMs >= windowMs) {
    state.badFrameWindowStartMs = nowMs;
    state.badFrames = 0;
  }
  state.badFrames += 1;
  return state.badFrames > limit;
}

/** `?subscribe=t1,t2`: split on commas, trimmed, empties skipped, duplicates kept once, in order. */
export function parseSubscribeQuery(query: string): string[] {
  const raw = new URLSearchParams(query).getAll('subscribe').join(',');
  const seen = new Set<string>();
  for (const part of raw.split(',')) {
    const topic = part.trim();
    if (topic.length > 0) seen.add(topic);
  }
  return [...seen];
}

/**
 * Takes one frame from the socket's token bucket, refilled at `perSecond` up to `burst`; false
 * when the bucket is empty (the client is over its rate).
 */
export function takeMessageToken(state: ClientState, nowMs: number, perSecond: number, burst: number): boolean {
  const refill = ((nowMs - state.rateRefilledAtMs) * perSecond) / 1000;
  state.rateTokens = Math.min(burst, state.rateTokens + refill);
  state.rateRefilledAtMs = nowMs;
  if (state.rateTokens < 1) return false;
  state.rateTokens -= 1;
  return true;
}

/** The client address: the last entry of the proxy's header when one is configured, else the peer. */
export function clientAddress(peer: string, headerValue: string): string {
  const last = headerValue.split(',').at(-1)?.trim() ?? '';
  return last === '' ? peer : last;
}
