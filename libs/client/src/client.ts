import { PONG_FRAME, isValidTopic } from '@repo/protocol';
import { fullJitterDelay } from './backoff.js';
import { encodeCommand, isFanout, parseServerFrame } from './frames.js';
import { Heartbeat } from './heartbeat.js';
import { TopicSequences } from './sequence.js';
import {
  MESSAGE_TYPES,
  type Client,
  type ClientOptions,
  type ConnectionState,
  type FanoutServerMessage,
  type MessageOf,
  type MessageType,
  type ServerMessage,
  type WebSocketConstructor,
  type WebSocketLike,
} from './types.js';

/** Same bound as the edge's default `EDGE_MAX_TOPICS`. */
export const MAX_TOPICS = 200;
/** The only close code after which the client does not reconnect (server or `close()`). */
const NORMAL_CLOSURE = 1000;
/** Reported (and sent, where the socket cannot be terminated) when the peer went silent. */
const SILENCE_CLOSE_CODE = 4000;
/** Reported (never sent) when the token provider failed before a connection attempt. */
const TOKEN_UNAVAILABLE_CODE = 4901;
/** Browsers and Node overflow timer delays above this. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const OPEN = 1;

const DEFAULTS = { baseMs: 500, maxMs: 20_000, pingIntervalMs: 30_000, silenceTimeoutMs: 90_000 } as const;

type StateInfo = { reconnectCount: number; code?: number };
type StateHandler = (state: ConnectionState, info: StateInfo) => void;
type GapHandler = (topic: string, expected: number, got: number) => void;
type HandlerSets = { readonly [K in MessageType]: Set<(message: MessageOf<K>) => void> };

interface Settings {
  readonly url: string;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly pingIntervalMs: number;
  readonly silenceTimeoutMs: number;
  readonly maxReconnects: number;
  readonly WebSocket: WebSocketConstructor;
  readonly random: () => number;
  readonly token: (() => string | Promise<string>) | undefined;
}

function timerMs(name: string, value: number | undefined, fallback: number, min: number): number {
  const ms = value ?? fallback;
  if (!Number.isFinite(ms) || ms < min || ms > MAX_TIMER_MS) {
    throw new RangeError(`@repo/client: ${name} must be a number of milliseconds in [${min}, ${MAX_TIMER_MS}], got ${ms}`);
  }
  return ms;
}

function settingsOf(options: ClientOptions): Settings {
  let protocol: string;
  try {
    protocol = new URL(options.url).protocol;
  } catch (error) {
    throw new TypeError(`@repo/client: url must be an absolute ws:// or wss:// URL, got ${JSON.stringify(options.url)}`, { cause: error });
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new TypeError(`@repo/client: url must use ws: or wss:, got ${JSON.stringify(options.url)}`);
  }
  const maxReconnects = options.maxReconnects ?? Number.POSITIVE_INFINITY;
  if (!(maxReconnects === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxReconnects) && maxReconnects >= 0))) {
    throw new RangeError(`@repo/client: maxReconnects must be a whole number ≥ 0 or Infinity, got ${maxReconnects}`);
  }
  const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (WebSocketClass === undefined) {
    throw new TypeError('@repo/client: no global WebSocket here (Node 20); pass options.WebSocket, e.g. the `ws` package class');
  }
  const baseMs = timerMs('backoff.baseMs', options.backoff?.baseMs, DEFAULTS.baseMs, 0);
  return {
    url: options.url,
    baseMs,
    maxMs: timerMs('backoff.maxMs', options.backoff?.maxMs, DEFAULTS.maxMs, baseMs),
    pingIntervalMs: timerMs('pingIntervalMs', options.pingIntervalMs, DEFAULTS.pingIntervalMs, 1),
    silenceTimeoutMs: timerMs('silenceTimeoutMs', options.silenceTimeoutMs, DEFAULTS.silenceTimeoutMs, 1),
    maxReconnects,
    WebSocket: WebSocketClass,
    random: options.random ?? Math.random,
    token: options.token,
  };
}

/** A handler that throws must not break the connection logic; its error still surfaces, asynchronously. */
function callSafely(call: () => void): void {
  try {
    call();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * One logical connection to an edge, kept alive across reconnects.
 *
 * Lifecycle: `connect()` opens a socket (`connecting`, then `connected` on open, after the
 * remembered topics were re-sent). When an open socket closes, the state is `disconnected`; when an
 * attempt fails before opening, `error`. Either way a reconnect follows after a full-jitter delay,
 * unless the close code was 1000 (server or `close()`) or `maxReconnects` attempts of this outage
 * are used up (final state `error`). `reconnectCount` counts the attempts of the current outage and
 * restarts at the next drop. The backoff exponent only resets after a connection stayed up for
 * `backoff.maxMs`, so a server that accepts and closes at once is not hammered.
 *
 * Invariant: while a connection is wanted (`#wanted`), exactly one of a socket or a reconnect
 * timer exists; when it is not, neither does, and the heartbeat timers are stopped.
 */
class ReconnectingClient implements Client {
  readonly #settings: Settings;
  readonly #topics = new Set<string>();
  readonly #sequences = new TopicSequences();
  readonly #heartbeat: Heartbeat;
  readonly #handlers: HandlerSets = {
    price_update: new Set(),
    index_update: new Set(),
    market_gate_update: new Set(),
    signal_update: new Set(),
    subscribed: new Set(),
    unsubscribed: new Set(),
    connected: new Set(),
    error: new Set(),
    ping: new Set(),
    pong: new Set(),
  };
  readonly #stateHandlers = new Set<StateHandler>();
  readonly #gapHandlers = new Set<GapHandler>();

  #state: ConnectionState = 'disconnected';
  #wanted = false;
  /** Counts connection attempts, so a token that arrives after close() or a newer attempt is dropped. */
  #openAttempt = 0;
  #socket: WebSocketLike | undefined;
  #opened = false;
  #openedAt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectCount = 0;
  #backoffAttempt = 0;
  #clientId: string | undefined;
  readonly #stateQueue: Array<{ readonly state: ConnectionState; readonly info: StateInfo }> = [];
  #reportingState = false;

  constructor(options: ClientOptions) {
    this.#settings = settingsOf(options);
    this.#heartbeat = new Heartbeat({
      pingIntervalMs: this.#settings.pingIntervalMs,
      silenceTimeoutMs: this.#settings.silenceTimeoutMs,
      sendPing: () => this.#send(encodeCommand({ type: 'ping' })),
      onSilence: () => this.#abandonSilent(),
    });
    for (const topic of options.topics ?? []) this.subscribe(topic);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get reconnectCount(): number {
    return this.#reconnectCount;
  }

  get clientId(): string | undefined {
    return this.#clientId;
  }

  subscribe(topic: string): void {
    if (!isValidTopic(topic)) throw new TypeError(`@repo/client: invalid topic ${JSON.stringify(topic)}`);
    if (this.#topics.has(topic)) return;
    if (this.#topics.size >= MAX_TOPICS) {
      throw new RangeError(`@repo/client: at most ${MAX_TOPICS} topics per client; unsubscribe one before subscribing to ${topic}`);
    }
    this.#topics.add(topic);
    this.#send(encodeCommand({ type: 'subscribe', topic }));
  }

  unsubscribe(topic: string): void {
    if (!this.#topics.delete(topic)) return;
    this.#sequences.forget(topic);
    this.#send(encodeCommand({ type: 'unsubscribe', topic }));
  }

  topics(): string[] {
    return [...this.#topics];
  }

  on<T extends MessageType>(type: T, handler: (message: MessageOf<T>) => void): () => void {
    if (!MESSAGE_TYPES.includes(type)) throw new TypeError(`@repo/client: unknown message type ${JSON.stringify(type)}`);
    const handlers: Set<(message: MessageOf<T>) => void> = this.#handlers[type];
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  onState(handler: StateHandler): () => void {
    this.#stateHandlers.add(handler);
    return () => {
      this.#stateHandlers.delete(handler);
    };
  }

  onGap(handler: GapHandler): () => void {
    this.#gapHandlers.add(handler);
    return () => {
      this.#gapHandlers.delete(handler);
    };
  }

  connect(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#reconnectCount = 0;
    this.#backoffAttempt = 0;
    this.#open();
  }

  close(): void {
    const wasWanted = this.#wanted;
    this.#wanted = false;
    this.#openAttempt += 1;
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#detach();
    // The socket's late events are ignored (its handlers check it is still the current one).
    socket?.close(NORMAL_CLOSURE, 'client closed');
    // Also after a drop: `disconnected` with 1000 tells the application no reconnect will follow.
    if (wasWanted || this.#state !== 'disconnected') this.#setState('disconnected', NORMAL_CLOSURE);
  }

  #open(): void {
    const provider = this.#settings.token;
    if (provider === undefined) {
      this.#openSocket(this.#settings.url);
      return;
    }
    // A fresh token before every attempt; a close() or a newer attempt meanwhile wins.
    const attempt = ++this.#openAttempt;
    this.#setState('connecting');
    Promise.resolve()
      .then(provider)
      .then(
        (token) => {
          if (!this.#wanted || attempt !== this.#openAttempt) return;
          const url = new URL(this.#settings.url);
          url.searchParams.set('token', token);
          this.#openSocket(url.toString());
        },
        () => {
          if (this.#wanted && attempt === this.#openAttempt) this.#handleClose(TOKEN_UNAVAILABLE_CODE);
        },
      );
  }

  #openSocket(url: string): void {
    let socket: WebSocketLike;
    try {
      socket = new this.#settings.WebSocket(url);
    } catch {
      // The URL was checked up front; what is left (a page's security policy) will not heal by retrying.
      this.#wanted = false;
      this.#setState('error');
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (socket === this.#socket) this.#handleOpen();
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#handleFrame(socket, event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#handleClose(event.code);
    };
    // Always set, even for sockets we gave up on: `ws` throws an 'error' event nobody listens to.
    socket.onerror = () => undefined;
    this.#heartbeat.watch();
    // With a token provider, `connecting` was reported before the token was asked for.
    if (this.#state !== 'connecting') this.#setState('connecting');
  }

  #handleOpen(): void {
    this.#opened = true;
    this.#openedAt = Date.now();
    this.#heartbeat.touch();
    this.#heartbeat.startPinging();
    for (const topic of this.#topics) this.#send(encodeCommand({ type: 'subscribe', topic }));
    this.#setState('connected');
  }

  #handleFrame(socket: WebSocketLike, data: unknown): void {
    this.#heartbeat.touch();
    const message = parseServerFrame(data);
    if (message === undefined) return;
    switch (message.type) {
      case 'ping':
        this.#send(PONG_FRAME);
        break;
      case 'connected':
        this.#clientId = message.client_id;
        break;
      case 'subscribed':
        this.#sequences.subscribed(message.topic);
        break;
      case 'unsubscribed':
        // The first half of a resync is ours, not the application's.
        if (message.topic !== null && this.#topics.has(message.topic) && this.#sequences.resyncing(message.topic)) return;
        break;
      default:
        if (isFanout(message) && !this.#acceptFanout(socket, message)) return;
    }
    this.#dispatch(message);
  }

  /** Sequence checks of a fan-out message; false when it must not be delivered. */
  #acceptFanout(socket: WebSocketLike, message: FanoutServerMessage): boolean {
    const { topic, seq } = message;
    // Late messages of a topic unsubscribed from: the application no longer wants them.
    if (!this.#topics.has(topic)) return false;
    const verdict = this.#sequences.check(topic, seq, message.ts);
    if (verdict.kind === 'stale') return false;
    if (verdict.kind === 'gap') {
      for (const handler of [...this.#gapHandlers]) callSafely(() => handler(topic, verdict.expected, seq));
      // A gap handler may have closed the client or unsubscribed the topic.
      if (socket !== this.#socket || !this.#topics.has(topic)) return false;
      // The server answers a fresh subscribe with the topic's last value.
      this.#send(encodeCommand({ type: 'unsubscribe', topic }));
      this.#send(encodeCommand({ type: 'subscribe', topic }));
    }
    return true;
  }

  #dispatch(message: ServerMessage): void {
    // Every handler in the set was registered for exactly this message's type (see `on`).
    const handlers = this.#handlers[message.type] as Set<(message: ServerMessage) => void>;
    for (const handler of [...handlers]) callSafely(() => handler(message));
  }

  #handleClose(code: number): void {
    const wasOpen = this.#opened;
    const upForMs = Date.now() - this.#openedAt;
    this.#detach();
    if (code === NORMAL_CLOSURE) {
      this.#wanted = false;
      this.#setState('disconnected', code);
      return;
    }
    if (wasOpen) {
      this.#reconnectCount = 0;
      if (upForMs >= this.#settings.maxMs) this.#backoffAttempt = 0;
    }
    if (this.#reconnectCount >= this.#settings.maxReconnects) {
      this.#wanted = false;
      this.#setState('error', code);
      return;
    }
    const delayMs = fullJitterDelay(this.#backoffAttempt, this.#settings.baseMs, this.#settings.maxMs, this.#settings.random);
    this.#backoffAttempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#reconnectCount += 1;
      this.#open();
    }, delayMs);
    this.#setState(wasOpen ? 'disconnected' : 'error', code);
  }

  /** Nothing arrived for `silenceTimeoutMs`: drop the socket without waiting for a closing handshake. */
  #abandonSilent(): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    if (socket.terminate !== undefined) socket.terminate();
    else socket.close(SILENCE_CLOSE_CODE, 'silence timeout');
    this.#handleClose(SILENCE_CLOSE_CODE);
  }

  /** Forgets the current socket and everything scoped to it; returns it for closing. */
  #detach(): WebSocketLike | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#opened = false;
    this.#clientId = undefined;
    this.#heartbeat.stop();
    this.#sequences.reconnected();
    return socket;
  }

  #send(frame: string): void {
    const socket = this.#socket;
    if (socket !== undefined && this.#opened && socket.readyState === OPEN) socket.send(frame);
  }

  /**
   * Sets the state and reports it. A handler may change the state again (say, `close()` on
   * `disconnected`); that report is queued, so every handler sees the transitions in order.
   */
  #setState(state: ConnectionState, code?: number): void {
    this.#state = state;
    const info: StateInfo = code === undefined ? { reconnectCount: this.#reconnectCount } : { reconnectCount: this.#reconnectCount, code };
    this.#stateQueue.push({ state, info });
    if (this.#reportingState) return;
    this.#reportingState = true;
    for (let next = this.#stateQueue.shift(); next !== undefined; next = this.#stateQueue.shift()) {
      const { state: reported, info: reportedInfo } = next;
      for (const handler of [...this.#stateHandlers]) callSafely(() => handler(reported, reportedInfo));
    }
    this.#reportingState = false;
  }
}

export function createClient(options: ClientOptions): Client {
  return new ReconnectingClient(options);
}
