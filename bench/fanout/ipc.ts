import type { HistogramSnapshot } from './histogram.js';

/**
 * Messages between the orchestrator (run.ts) and its children (loadgen.ts, publisher.ts) over
 * Node's IPC channel, plus the child configs passed in BENCH_CHILD_CONFIG. One file so both
 * sides agree on the shapes; every inbound message is checked by `isMessage` before use.
 */

export const CHILD_CONFIG_ENV = 'BENCH_CHILD_CONFIG';

/** The measurement window, as wall-clock ms (performance.timeOrigin + performance.now()). */
export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

export interface LoadgenConfig {
  readonly url: string;
  /** Global connection index range [first, first + count): connection i subscribes topics[i % topics.length]. */
  readonly first: number;
  readonly count: number;
  readonly topics: readonly string[];
  readonly localAddresses: readonly string[];
  readonly concurrency: number;
  readonly handshakeTimeoutMs: number;
}

export interface PublisherConfig {
  readonly natsUrl: string;
  readonly topics: readonly string[];
  readonly rate: number;
}

export type ToLoadgen = { readonly type: 'window'; readonly window: Window } | { readonly type: 'report' };

export interface LoadgenReady {
  readonly type: 'ready';
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string | null;
  /** Open, acknowledged subscribers per topic index. */
  readonly subscribers: readonly number[];
  readonly connectMs: number;
}

export interface LoadgenReport {
  readonly type: 'report';
  readonly histogram: HistogramSnapshot;
  /** price_update frames whose sent_ms is inside the window, per topic index. */
  readonly receivedInWindow: readonly number[];
  readonly framesTotal: number;
  /** Latencies below zero (clock skew between processes); recorded as 0. */
  readonly negative: number;
  /** In-window price_update frames for a topic the connection did not subscribe to. */
  readonly misrouted: number;
  /** Connections closed during the run (before the report was asked for). */
  readonly closes: number;
  readonly closeCodes: Readonly<Record<string, number>>;
}

export type FromLoadgen = LoadgenReady | LoadgenReport;

export type ToPublisher = { readonly type: 'go'; readonly startMs: number; readonly window: Window };

export type FromPublisher =
  | { readonly type: 'connected' }
  | {
      readonly type: 'done';
      /** Messages with sent_ms inside the window, per topic index. */
      readonly publishedInWindow: readonly number[];
      readonly publishedTotal: number;
      /** How late the publisher was against its fixed schedule (its own CPU share). */
      readonly maxLagMs: number;
      readonly lateOver5Ms: number;
    };

/** Narrows an IPC message to one with a string `type` (the shapes above are produced by us). */
export function isMessage<T extends { readonly type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

/** Reads and parses this child's config from the environment. */
export function readChildConfig<T>(): T {
  const raw = process.env[CHILD_CONFIG_ENV];
  if (raw === undefined) throw new Error(`${CHILD_CONFIG_ENV} is not set; this file is started by bench/fanout/run.ts`);
  return JSON.parse(raw) as T;
}

/** Sends to the parent; resolves once the message is handed to the channel (safe to exit then). */
export function sendToParent(message: FromLoadgen | FromPublisher): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.reject(new Error('no IPC channel to the orchestrator; start this via bench/fanout/run.ts'));
  return new Promise((resolve, reject) => {
    send(message, undefined, undefined, (err: Error | null) => (err === null ? resolve() : reject(err)));
  });
}

/** High-resolution wall clock in ms, comparable across processes on this machine. */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}
