import type { IndexUpdate, MarketGateUpdate, PriceUpdate, SignalUpdate } from '@repo/protocol';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error';

/** Every fan-out message carries the topic it was delivered on and that topic's sequence number. */
export interface Sequenced {
  readonly topic: string;
  readonly seq: number;
  /** The producer's publish time, ISO-8601 with an offset (the edge adds it to every fan-out frame). */
  readonly ts?: string;
}

export interface SubscribedMessage {
  readonly type: 'subscribed';
  readonly topic: string;
  readonly message: string;
}

export interface UnsubscribedMessage {
  readonly type: 'unsubscribed';
  /** `null` only when the command had no topic (the client never sends one). */
  readonly topic: string | null;
  readonly message: string;
}

export interface ConnectedMessage {
  readonly type: 'connected';
  readonly client_id: string;
  readonly message: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
  /** Absent on the seed's unknown-type error; `INVALID_TOPIC` and friends otherwise. */
  readonly code?: string;
}

export interface PingMessage {
  readonly type: 'ping';
  /** ISO-8601 with an offset on server heartbeats. */
  readonly timestamp?: string;
}

export interface PongMessage {
  readonly type: 'pong';
}

/**
 * Server → client messages of protocol v1, by `type`. The client checks `type`, and for fan-out
 * messages `topic` and `seq`; the payload itself is trusted to follow the shapes of `@repo/protocol`.
 */
export interface ServerMessageMap {
  readonly price_update: PriceUpdate & Sequenced;
  readonly index_update: IndexUpdate & Sequenced;
  readonly market_gate_update: MarketGateUpdate & Sequenced;
  readonly signal_update: SignalUpdate & Sequenced;
  readonly subscribed: SubscribedMessage;
  readonly unsubscribed: UnsubscribedMessage;
  readonly connected: ConnectedMessage;
  readonly error: ErrorMessage;
  readonly ping: PingMessage;
  readonly pong: PongMessage;
}

export type MessageType = keyof ServerMessageMap;
export type MessageOf<T extends MessageType> = ServerMessageMap[T];
export type ServerMessage = ServerMessageMap[MessageType];
export type FanoutType = 'price_update' | 'index_update' | 'market_gate_update' | 'signal_update';
export type FanoutServerMessage = ServerMessageMap[FanoutType];

export const MESSAGE_TYPES: readonly MessageType[] = [
  'price_update',
  'index_update',
  'market_gate_update',
  'signal_update',
  'subscribed',
  'unsubscribed',
  'connected',
  'error',
  'ping',
  'pong',
];

export const FANOUT_TYPES: ReadonlySet<string> = new Set<FanoutType>([
  'price_update',
  'index_update',
  'market_gate_update',
  'signal_update',
]);

/**
 * A handler slot of a socket. Declared as a method so that both the DOM's `WebSocket` (whose
 * handlers take a full `MessageEvent` and a `this`) and the `ws` package's class are assignable.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client needs of a socket: the part shared by the browser's `WebSocket` and `ws`. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drops the connection without a closing handshake (used on a silent peer). */
  terminate?(): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ClientOptions {
  /** `ws://host/ws` or `wss://host/ws`. */
  url: string;
  /** Initial subscriptions, sent as `subscribe` frames after every open. */
  topics?: readonly string[];
  /** Full-jitter exponential backoff between reconnect attempts; default 500 → 20000 ms. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Period of the client's own `{"type":"ping"}`; default 30000 ms. */
  pingIntervalMs?: number;
  /** No inbound frame for this long → drop the connection and reconnect; default 90000 ms. */
  silenceTimeoutMs?: number;
  /** Reconnect attempts per outage before giving up with state `error`; default Infinity. */
  maxReconnects?: number;
  /** Default `globalThis.WebSocket`; Node 20 has none, so pass the `ws` package's class there. */
  WebSocket?: WebSocketConstructor;
  /** Source of the backoff jitter, in [0, 1]; default `Math.random`. */
  random?: () => number;
  /**
   * For an edge with authentication on: returns a fresh JWT, called before every connection
   * attempt (the first and each reconnect), so an expired token (close 4001) is replaced before
   * reconnecting. Sent as `?token=`. A provider that throws counts as a failed attempt (backoff).
   */
  token?: () => string | Promise<string>;
}

export interface Client {
  readonly state: ConnectionState;
  /** Reconnect attempts in the current (or last) outage; the first attempt after a drop is 1. */
  readonly reconnectCount: number;
  /** From the server's `connected` message on the current connection. */
  readonly clientId: string | undefined;
  /** Remembered (at most 200 topics) and re-sent after every reconnect; throws on an invalid topic or a full set. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  topics(): string[];
  on<T extends MessageType>(type: T, handler: (message: MessageOf<T>) => void): () => void;
  onState(handler: (state: ConnectionState, info: { reconnectCount: number; code?: number }) => void): () => void;
  onGap(handler: (topic: string, expected: number, got: number) => void): () => void;
  /** Opens the connection; idempotent. `createClient` does not connect by itself. */
  connect(): void;
  /** Closes with 1000 and clears every timer; no reconnect until `connect()` is called again. */
  close(): void;
}
