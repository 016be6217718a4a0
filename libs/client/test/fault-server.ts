import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PONG_FRAME, connectedFrame, errorFrame, isValidTopic, subscribedFrame, unsubscribedFrame, type PriceUpdate } from '@repo/protocol';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Client, ConnectionState, ServerMessage } from '../src/index.js';

// Captured before any test installs fake timers: waits time out in real time.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/**
 * Event-based waiting shared by the server and the client recorder: every event calls `notify`,
 * and `until` resolves as soon as its condition holds. No sleeps, no polling.
 */
export class Changes {
  readonly #waiters = new Set<{ cond: () => boolean; resolve: () => void }>();

  notify(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.cond()) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = realSetTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        cond,
        resolve: () => {
          realClearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.add(waiter);
    });
  }
}

export type Frame = Record<string, unknown>;

/** The server side of one accepted socket. */
export interface ServerConnection {
  readonly id: number;
  readonly ws: WebSocket;
  /** The TCP socket under the WebSocket, to stall it. */
  readonly raw: Duplex;
  readonly path: string;
  /** Every text frame the client sent, parsed. */
  readonly received: Frame[];
  readonly topics: Set<string>;
  closed: { code: number; reason: string } | undefined;
  /** Stops reading and writing, like a peer that hangs: nothing is answered, not even a close. */
  stalled: boolean;
}

/**
 * A protocol v1 server for client tests (`node:http` + `ws` on 127.0.0.1, port 0) with faults:
 * refused upgrades (HTTP 503), upgrades that never complete, dropped sockets (no close frame),
 * close codes, stalled peers, and raw frames (stale or out-of-order `seq`).
 */
export class FaultServer {
  readonly connections: ServerConnection[] = [];
  /** Each topic's last value, sent after `subscribed` like the edge's snapshot. */
  readonly lastValues = new Map<string, object>();
  /** Upgrade requests seen, including refused and hung ones. */
  upgradeAttempts = 0;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tcp = new Set<Duplex>();
  readonly #changes: Changes;
  #refuse: { remaining: number; status: number } = { remaining: 0, status: 503 };
  #hang = false;
  #port = 0;

  private constructor(changes: Changes) {
    this.#changes = changes;
    this.#http = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    this.#http.on('connection', (socket) => {
      this.#tcp.add(socket);
      socket.once('close', () => this.#tcp.delete(socket));
    });
    this.#http.on('upgrade', (req: IncomingMessage, raw: Duplex, head: Buffer) => this.#upgrade(req, raw, head));
  }

  static async start(changes: Changes): Promise<FaultServer> {
    const server = new FaultServer(changes);
    await new Promise<void>((resolve, reject) => {
      server.#http.once('error', reject);
      server.#http.listen(0, '127.0.0.1', () => resolve());
    });
    server.#port = (server.#http.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}/ws`;
  }

  /** The next `count` upgrades are answered with an HTTP error instead of 101. */
  refuseNext(count: number, status = 503): void {
    this.#refuse = { remaining: count, status };
  }

  /** While on, upgrade requests are read and never answered. */
  hangUpgrades(on: boolean): void {
    this.#hang = on;
  }

  connection(index: number): ServerConnection {
    const conn = this.connections[index];
    if (conn === undefined) throw new Error(`no connection #${index} (have ${this.connections.length})`);
    return conn;
  }

  /** Stores the topic's last value and sends it to every connection subscribed to the topic. */
  publish(frame: { readonly topic: string }): void {
    this.lastValues.set(frame.topic, frame);
    for (const conn of this.connections) {
      if (conn.topics.has(frame.topic)) this.send(conn, frame);
    }
  }

  send(conn: ServerConnection, frame: object | string): void {
    if (conn.stalled || conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  stall(conn: ServerConnection): void {
    conn.stalled = true;
    conn.raw.pause();
  }

  /** Drops every socket without a close frame (the client sees 1006). */
  dropAll(): void {
    for (const conn of this.connections) conn.ws.terminate();
  }

  closeAll(code: number, reason = ''): void {
    for (const conn of this.connections) conn.ws.close(code, reason);
  }

  async stop(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    for (const socket of this.#tcp) socket.destroy();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, raw: Duplex, head: Buffer): void {
    this.upgradeAttempts += 1;
    this.#changes.notify();
    if (this.#hang) return;
    if (this.#refuse.remaining > 0) {
      this.#refuse.remaining -= 1;
      raw.end(`HTTP/1.1 ${this.#refuse.status} Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.#wss.handleUpgrade(req, raw, head, (ws) => this.#accept(ws, raw, req.url ?? '/'));
  }

  #accept(ws: WebSocket, raw: Duplex, path: string): void {
    const conn: ServerConnection = {
      id: this.connections.length,
      ws,
      raw,
      path,
      received: [],
      topics: new Set(),
      closed: undefined,
      stalled: false,
    };
    this.connections.push(conn);
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(conn, data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      conn.closed = { code, reason: reason.toString() };
      this.#changes.notify();
    });
    // The edge's connection sequence: query topics' acks, then the welcome, then their last values.
    const query = new URL(path, 'http://localhost').searchParams.get('subscribe') ?? '';
    const queryTopics = query
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && isValidTopic(t));
    for (const topic of queryTopics) {
      conn.topics.add(topic);
      this.send(conn, subscribedFrame(topic));
    }
    this.send(conn, connectedFrame(randomUUID()));
    for (const topic of queryTopics) this.#sendSnapshot(conn, topic);
    this.#changes.notify();
  }

  #onFrame(conn: ServerConnection, data: RawData, isBinary: boolean): void {
    if (conn.stalled) return;
    let frame: Frame;
    try {
      frame = JSON.parse(!isBinary && Buffer.isBuffer(data) ? data.toString('utf8') : '') as Frame;
    } catch {
      this.send(conn, errorFrame('Invalid JSON', 'BAD_FRAME'));
      return;
    }
    conn.received.push(frame);
    switch (frame['type']) {
      case 'subscribe': {
        const topic = frame['topic'];
        if (!isValidTopic(topic)) {
          this.send(conn, errorFrame(`Invalid topic: ${String(topic)}`, 'INVALID_TOPIC'));
          break;
        }
        conn.topics.add(topic);
        this.send(conn, subscribedFrame(topic));
        this.#sendSnapshot(conn, topic);
        break;
      }
      case 'unsubscribe': {
        const topic = typeof frame['topic'] === 'string' ? frame['topic'] : null;
        if (topic !== null) conn.topics.delete(topic);
        this.send(conn, unsubscribedFrame(topic));
        break;
      }
      case 'ping':
        this.send(conn, PONG_FRAME);
        break;
      case 'pong':
        break;
      default:
        this.send(conn, errorFrame(`Unknown message type: ${typeof frame['type'] === 'string' ? frame['type'] : 'None'}`));
    }
    this.#changes.notify();
  }

  #sendSnapshot(conn: ServerConnection, topic: string): void {
    const last = this.lastValues.get(topic);
    if (last !== undefined) this.send(conn, last);
  }
}

/** A `price_update` as the edge fans it out. */
export function aPriceUpdate(ticker: string, seq: number, price = 72_400): PriceUpdate & { topic: string; seq: number } {
  return {
    type: 'price_update',
    topic: `price:${ticker}`,
    seq,
    ticker,
    data: { price, change: 1_400, change_rate: 1.97, volume: 13_527_412, bid_price: price, ask_price: price + 100 },
    timestamp: '2025-09-10T06:19:57Z',
    source: 'kiwoom_rest',
  };
}

export interface StateEvent {
  readonly state: ConnectionState;
  readonly reconnectCount: number;
  readonly code?: number;
}

/** Everything a client reports, recorded in order, each event notifying `changes`. */
export interface ClientRecord {
  readonly states: StateEvent[];
  readonly messages: ServerMessage[];
  readonly gaps: Array<readonly [topic: string, expected: number, got: number]>;
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[];
}

export function record(client: Client, changes: Changes): ClientRecord {
  const states: StateEvent[] = [];
  const messages: ServerMessage[] = [];
  const gaps: Array<readonly [string, number, number]> = [];
  client.onState((state, info) => {
    states.push({ state, ...info });
    changes.notify();
  });
  for (const type of [
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
  ] as const) {
    client.on(type, (message) => {
      messages.push(message);
      changes.notify();
    });
  }
  client.onGap((topic, expected, got) => {
    gaps.push([topic, expected, got]);
    changes.notify();
  });
  return {
    states,
    messages,
    gaps,
    ofType: <T extends ServerMessage['type']>(type: T) => messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type),
  };
}
