import { CloseCode, parseTopic } from '@repo/protocol';
import type { Counter, Gauge } from 'prom-client';

/**
 * Backlogs for clients that read slower than the market moves: tick conflation, signals lossless.
 *
 * A live socket gets its frames from uWS topics (one encode, one publish for every subscriber).
 * When its send buffer passes `conflateBytes` (a sweep looks every `checkIntervalMs`), the socket
 * leaves its uWS topics and the edge queues its frames itself, in order:
 * - price and index ticks are conflated per topic: a newer tick replaces the pending one in its
 *   place in the queue, so the client gets the latest value, never a stale one;
 * - everything else (signals, the market gate, acks, errors, snapshots) is queued as it is:
 *   never dropped, never reordered.
 * When uWS reports the socket drained below half of `conflateBytes`, the queue is written out;
 * once it is empty and the buffer is still below the threshold, the socket rejoins its topics.
 * Only when its send buffer plus queue would pass `hardCapBytes` is the client closed with 1013
 * (it reconnects and gets every topic's last value).
 *
 * Memory per backlogged socket is bounded by `hardCapBytes` plus one tick per subscribed topic;
 * the per-topic index holds only backlogged sockets and loses a key with its last socket.
 */
export interface BacklogSocket {
  readonly isOpen: boolean;
  readonly data: {
    readonly topics: { keys(): IterableIterator<string> };
    /** The fan-out slice this socket's topics use (topic-bridge.ts). */
    readonly slot: number;
    backlog: Backlog | undefined;
  };
  send(frame: string): 'sent' | 'buffered' | 'dropped' | 'closed';
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  bufferedAmount(): number;
  cork(fn: () => void): void;
}

/** One socket's queue. Entries are written from `head`; conflatable ticks are indexed by topic. */
export interface Backlog {
  readonly entries: { frame: string; bytes: number; readonly topic: string | undefined }[];
  head: number;
  bytes: number;
  /** Topic → index in `entries` of its pending tick. */
  readonly ticks: Map<string, number>;
}

export interface BacklogMetrics {
  readonly conflated: Counter<'kind' | 'reason'>;
  readonly backlogged: Gauge;
  readonly transitions: Counter<'to'>;
  readonly messagesDropped: Counter<'reason'>;
  readonly messagesSent: Counter<'kind'>;
}

export interface BacklogDeps<S extends BacklogSocket> {
  readonly conflateBytes: number;
  readonly hardCapBytes: number;
  readonly checkIntervalMs: number;
  readonly connections: () => Iterable<S>;
  /** Closes a client (the edge's own close path, which calls `closed`). */
  readonly close: (ws: S, code: CloseCode) => void;
  /** The uWS topic of a topic's slice, which a live socket subscribes to. */
  readonly channel: (topic: string, slice: number) => string;
  readonly metrics: BacklogMetrics;
}

export interface Backlogs<S> {
  start(): void;
  stop(): void;
  /** Moves every live socket over `conflateBytes` to a backlog (what the periodic sweep runs). */
  check(): void;
  /** A fanned-out frame for one slice: queued for its backlogged subscribers of `topic` (uWS reached the others). */
  publish(topic: string, slice: number, frame: string): void;
  /**
   * A frame for one socket (ack, error, snapshot): false when the socket is live and the caller
   * sends it directly; true when it was queued behind the socket's backlog. `topic` makes a tick
   * snapshot conflatable.
   */
  enqueue(ws: S, frame: string, topic?: string): boolean;
  /** Joins a topic: the uWS topic when live, the backlog index otherwise. */
  subscribe(ws: S, topic: string): void;
  unsubscribe(ws: S, topic: string): void;
  /** uWS wrote some of the socket's buffer. */
  drained(ws: S): void;
  /** The socket closed: forget it. */
  closed(ws: S): void;
  /** Sockets with a backlog now. */
  readonly size: number;
}

/** The kind of a conflatable topic (a price or index tick); undefined for signals, the gate and the rest. */
export type TickKind = 'price' | 'index';

export function tickKind(topic: string): TickKind | undefined {
  const kind = parseTopic(topic)?.kind;
  return kind === 'price' || kind === 'index' ? kind : undefined;
}

export function createBacklogs<S extends BacklogSocket>(deps: BacklogDeps<S>): Backlogs<S> {
  const { metrics } = deps;
  /** Backlogged sockets per topic; a key leaves with its last socket. */
  const byTopic = new Map<string, Set<S>>();
  let count = 0;
  let timer: NodeJS.Timeout | undefined;

  const index = (ws: S, topic: string): void => {
    let set = byTopic.get(topic);
    if (set === undefined) byTopic.set(topic, (set = new Set()));
    set.add(ws);
  };
  const unindex = (ws: S, topic: string): void => {
    const set = byTopic.get(topic);
    if (set?.delete(ws) === true && set.size === 0) byTopic.delete(topic);
  };

  const counted = (delta: 1 | -1): void => {
    count += delta;
    metrics.backlogged.set(count);
  };

  function enter(ws: S): void {
    ws.data.backlog = { entries: [], head: 0, bytes: 0, ticks: new Map() };
    for (const topic of ws.data.topics.keys()) {
      ws.unsubscribe(deps.channel(topic, ws.data.slot));
      index(ws, topic);
    }
    counted(1);
    metrics.transitions.inc({ to: 'backlogged' });
  }

  /** Forgets the socket's backlog; `rejoin` puts a live socket back on its uWS topics. */
  function forget(ws: S, rejoin: boolean): void {
    ws.data.backlog = undefined;
    for (const topic of ws.data.topics.keys()) {
      unindex(ws, topic);
      if (rejoin) ws.subscribe(deps.channel(topic, ws.data.slot));
    }
    counted(-1);
  }

  function leave(ws: S): void {
    forget(ws, true);
    metrics.transitions.inc({ to: 'live' });
  }

  /** Queues one frame (`kind`: its topic's tick kind, if any); false when the client was closed at the hard cap. */
  function push(ws: S, backlog: Backlog, frame: string, topic: string | undefined, kind: TickKind | undefined): boolean {
    const tick = kind === undefined ? undefined : topic;
    const bytes = Buffer.byteLength(frame);
    const pending = tick === undefined ? undefined : backlog.entries[backlog.ticks.get(tick) ?? -1];
    if (pending !== undefined && kind !== undefined) {
      backlog.bytes += bytes - pending.bytes;
      pending.frame = frame;
      pending.bytes = bytes;
      metrics.conflated.inc({ kind, reason: 'slow_reader' });
      return true;
    }
    if (ws.bufferedAmount() + backlog.bytes + bytes > deps.hardCapBytes) {
      metrics.messagesDropped.inc({ reason: 'hard_cap' });
      deps.close(ws, CloseCode.TryAgainLater);
      return false;
    }
    if (tick !== undefined) backlog.ticks.set(tick, backlog.entries.length);
    backlog.entries.push({ frame, bytes, topic: tick });
    backlog.bytes += bytes;
    return true;
  }

  /** Writes queued frames while the buffer stays under the threshold; leaves the backlog when empty. */
  function flush(ws: S, backlog: Backlog): void {
    let sent = 0;
    ws.cork(() => {
      while (backlog.head < backlog.entries.length && ws.bufferedAmount() < deps.conflateBytes) {
        const entry = backlog.entries[backlog.head] as Backlog['entries'][number];
        backlog.head += 1;
        backlog.bytes -= entry.bytes;
        if (entry.topic !== undefined) backlog.ticks.delete(entry.topic);
        if (ws.send(entry.frame) !== 'closed') sent += 1;
      }
    });
    metrics.messagesSent.inc({ kind: 'backlog' }, sent);
    if (backlog.head < backlog.entries.length) return;
    backlog.entries.length = 0;
    backlog.head = 0;
    if (ws.isOpen && ws.bufferedAmount() < deps.conflateBytes) leave(ws);
  }

  const check = (): void => {
    for (const ws of deps.connections()) {
      if (ws.data.backlog === undefined && ws.isOpen && ws.bufferedAmount() > deps.conflateBytes) enter(ws);
    }
  };

  return {
    get size() {
      return count;
    },
    start() {
      timer ??= setInterval(check, deps.checkIntervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    check,
    publish(topic, slice, frame) {
      const set = byTopic.get(topic);
      if (set === undefined) return;
      const kind = tickKind(topic);
      for (const ws of set) {
        const backlog = ws.data.backlog;
        if (backlog !== undefined && ws.data.slot === slice) push(ws, backlog, frame, topic, kind);
      }
    },
    enqueue(ws, frame, topic) {
      const backlog = ws.data.backlog;
      if (backlog === undefined) return false;
      push(ws, backlog, frame, topic, topic === undefined ? undefined : tickKind(topic));
      return true;
    },
    subscribe(ws, topic) {
      if (ws.data.backlog === undefined) ws.subscribe(deps.channel(topic, ws.data.slot));
      else index(ws, topic);
    },
    unsubscribe(ws, topic) {
      if (ws.data.backlog === undefined) ws.unsubscribe(deps.channel(topic, ws.data.slot));
      else unindex(ws, topic);
    },
    drained(ws) {
      const backlog = ws.data.backlog;
      if (backlog !== undefined && ws.isOpen && ws.bufferedAmount() < deps.conflateBytes / 2) flush(ws, backlog);
    },
    closed(ws) {
      if (ws.data.backlog !== undefined) forget(ws, false);
    },
  };
}
