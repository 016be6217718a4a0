import { randomUUID } from 'node:crypto';
import {
  createDemandReporter,
  type Bus,
  type BusStatus,
  type LastValueStore,
  type LegacyForwarder,
  type LegacyForwardResult,
} from '@repo/bus';
import type { Logger } from '@repo/observability';
import {
  CLOSE_REASONS,
  CloseCode,
  PONG_FRAME,
  ProtocolErrorCode,
  connectedFrame,
  decodeClientFrame,
  errorFrame,
  isValidTopic,
  pingFrame,
  subscribedFrame,
  unsubscribedFrame,
} from '@repo/protocol';
import type { Registry } from 'prom-client';
import type { EdgeConfig } from './config.js';
import {
  clientAddress,
  createClientState,
  parseSubscribeQuery,
  recordBadFrame,
  takeInitialTopics,
  takeMessageToken,
  type ClientState,
} from './client-state.js';
import { createBacklogs } from './backlog.js';
import { createHeartbeat } from './heartbeat.js';
import { createOriginPolicy } from './origin.js';
import { createHttpRoutes, type StaticAssets } from './http-routes.js';
import { createEdgeMetrics } from './metrics.js';
import { createTopicBridge, FANOUT_SLICES } from './topic-bridge.js';
import { extractToken, type Authenticator, type Grant } from './auth.js';
import { createWsServer, type UpgradeDecision, type UpgradeRequest, type WsSocket } from './ws-server.js';

/** Error codes the edge adds to the protocol's own (INVALID_TOPIC, BAD_FRAME). */
export const EdgeErrorCode = {
  TooManyTopics: 'TOO_MANY_TOPICS',
  EdgeTopicLimit: 'EDGE_TOPIC_LIMIT',
  /** The client's token does not grant this topic (its `topics` claim). */
  ForbiddenTopic: 'FORBIDDEN_TOPIC',
} as const;

export type EdgeOptions = Pick<
  EdgeConfig,
  | 'host'
  | 'port'
  | 'pingIntervalMs'
  | 'idleTimeoutMs'
  | 'maxTopicsPerConnection'
  | 'maxTopicsPerEdge'
  | 'maxFrameBytes'
  | 'maxConnections'
  | 'maxBackpressureBytes'
  | 'slowClientPolicy'
  | 'conflateBytes'
  | 'backlogCheckMs'
  | 'fanoutSliceAbove'
  | 'allowedOrigins'
  | 'drainMs'
  | 'badFrameLimit'
  | 'maxConnectionsPerIp'
  | 'clientIpHeader'
  | 'maxMessagesPerSecond'
  | 'messageBurst'
  | 'badFrameWindowMs'
  | 'watchTickers'
  | 'demandLeaseIntervalMs'
>;

export interface EdgeDeps {
  readonly config: EdgeOptions;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  /**
   * The legacy ws:broadcast:* forwarder (main.ts builds it on Redis); the edge starts and stops
   * it and counts its results. Only the lease holder among all edges forwards.
   */
  readonly legacyRelay?: (onResult: (result: LegacyForwardResult) => void) => LegacyForwarder;
  readonly version?: string;
  /**
   * Verifies the client's token at the upgrade (auth.ts); absent, every client is accepted.
   * A refused token gets 401 (503 when the keys cannot be fetched) and nothing is subscribed.
   */
  readonly authenticator?: Authenticator;
  /** This edge's name in demand messages (defaults to a random id). */
  readonly instanceId?: string;
  readonly now?: () => number;
  readonly random?: () => number;
  /** The dashboard's page, script and stylesheet, served at /, /app.js and /styles.css; without it those are 404. */
  readonly staticAssets?: StaticAssets;
}

export interface Edge {
  start(): Promise<void>;
  /** Drains: not ready at once, refuses new upgrades, closes clients with 1012 in jittered batches over `drainMs`. */
  drain(): Promise<void>;
  /** Closes what is left (1001) and releases everything; idempotent. */
  stop(): Promise<void>;
  /** The bound port (after start). */
  readonly port: number;
  isReady(): boolean;
  readonly connectionCount: number;
}

/**
 * Internal uWS topic every socket joins (in the slice of its slot), so a heartbeat is encoded
 * once and published once per slice.
 */
const HEARTBEAT_TOPIC = '#heartbeat';

type Conn = WsSocket<ClientState>;

/** The uWS topic of one fan-out slice of a topic (`|` never occurs in a valid topic). */
export function sliceChannel(topic: string, slice: number): string {
  return `${topic}|${slice}`;
}

/** Close codes reported as themselves; anything else a client sends is `other` (bounded labels). */
const LABELLED_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005, 1006, ...Object.values(CloseCode)]);

function closeCodeLabel(code: number): string {
  return LABELLED_CLOSE_CODES.has(code) ? String(code) : 'other';
}

/** Frames up to this multiple of EDGE_MAX_FRAME_BYTES are read and answered with 1009. */
export const FRAME_HARD_CAP_FACTOR = 4;

export function createEdge(deps: EdgeDeps): Edge {
  const { config, logger, bus, lastValues } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = logger.child({ component: 'edge' });
  const metrics = createEdgeMetrics(deps.registry);
  const originAllowed = createOriginPolicy(config.allowedOrigins);
  // Open sockets: bounded by maxConnections, needed by the reaper and the drain.
  const connections = new Set<Conn>();
  /** Open sockets per client address, for EDGE_MAX_CONNECTIONS_PER_IP; keys go at zero, so it is bounded by `connections`. */
  const connectionsByIp = new Map<string, number>();
  const lastFanout = { price: undefined as number | undefined, signal: undefined as number | undefined };
  let subscriptionCount = 0;
  let port = 0;
  let started = false;
  let draining = false;
  let stopped: Promise<void> | undefined;
  let removeStatusListener: (() => void) | undefined;
  const relay = deps.legacyRelay?.((result) => metrics.relayMessages.inc({ result }));
  // Pending drain batches and the resolver of each, so stop() can settle a drain in progress.
  const drainTimers = new Map<NodeJS.Timeout, () => void>();
  // Slow consumers waiting to be closed (bounded by the open connections).
  const slowClients = new Set<Conn>();
  // Sockets take the fan-out slices in turn, so every slice of a big topic gets about as many.
  let slotCounter = 0;
  const nextSlot = (): number => (slotCounter = (slotCounter + 1) % FANOUT_SLICES);
  let slowCloseTimer: NodeJS.Immediate | undefined;

  const demand = createDemandReporter({
    bus,
    owner: deps.instanceId ?? `edge-${randomUUID()}`,
    leaseIntervalMs: config.demandLeaseIntervalMs,
    // Three missed renewals before the ingest forgets this edge.
    leaseTtlMs: config.demandLeaseIntervalMs * 3,
    logger: log,
    now,
  });
  const backlogs = createBacklogs<Conn>({
    conflateBytes: config.conflateBytes,
    hardCapBytes: config.maxBackpressureBytes,
    checkIntervalMs: config.backlogCheckMs,
    connections: () => connections,
    channel: sliceChannel,
    close: (ws, code) => closeClient(ws, code),
    metrics: {
      conflated: metrics.ticksConflated,
      backlogged: metrics.backlogged,
      transitions: metrics.backlogTransitions,
      messagesDropped: metrics.messagesDropped,
      messagesSent: metrics.messagesSent,
    },
  });
  const priceTicker = (topic: string): string | undefined => (topic.startsWith('price:') ? topic.slice('price:'.length) : undefined);

  const bridge = createTopicBridge({
    bus,
    lastValues,
    metrics,
    logger: log,
    maxTopics: config.maxTopicsPerEdge,
    now,
    publish: (topic, slice, frame) => {
      server.publish(sliceChannel(topic, slice), frame);
      backlogs.publish(topic, slice, frame);
    },
    numSubscribers: (topic, slice) => server.numSubscribers(sliceChannel(topic, slice)),
    sliceAbove: config.fanoutSliceAbove,
    onTopicOpened: (topic) => {
      const ticker = priceTicker(topic);
      if (ticker !== undefined) demand.add(ticker);
    },
    onTopicClosed: (topic) => {
      const ticker = priceTicker(topic);
      if (ticker !== undefined) demand.remove(ticker);
    },
    onFanout: (topic) => {
      if (topic.startsWith('price:')) lastFanout.price = now();
      else if (topic.startsWith('signal:')) lastFanout.signal = now();
    },
  });

  const heartbeat = createHeartbeat({
    pingIntervalMs: config.pingIntervalMs,
    idleTimeoutMs: config.idleTimeoutMs,
    now,
    connections: () => connections,
    ping: () => {
      const frame = pingFrame(new Date(now()));
      metrics.messagesSent.inc({ kind: 'ping' }, connections.size);
      // Sockets join the heartbeat slice of their fan-out slot; few sockets get every slice at once.
      const sliced = connections.size > config.fanoutSliceAbove;
      return {
        parts: sliced ? FANOUT_SLICES : 1,
        send: (part) => {
          if (sliced) server.publish(sliceChannel(HEARTBEAT_TOPIC, part), frame);
          else for (let slice = 0; slice < FANOUT_SLICES; slice += 1) server.publish(sliceChannel(HEARTBEAT_TOPIC, slice), frame);
        },
      };
    },
    reap: (conn) => {
      metrics.reaped.inc();
      closeClient(conn as Conn, CloseCode.IdleTimeout);
    },
  });

  const readiness = (): { ready: boolean; reasons: string[] } => {
    const reasons: string[] = [];
    if (!started) reasons.push('not started');
    if (draining) reasons.push('draining');
    if (bus.status() !== 'connected') reasons.push(`bus ${bus.status()}`);
    return { ready: reasons.length === 0, reasons };
  };

  const routes = createHttpRoutes({
    registry: deps.registry,
    bridge,
    lastValues,
    version: deps.version ?? '0.0.0',
    watchTickers: config.watchTickers,
    connectionCount: () => connections.size,
    readiness,
    heartbeatRunning: () => heartbeat.running,
    busConnected: () => bus.status() === 'connected',
    lastFanoutMs: (kind) => lastFanout[kind],
    now,
    ...(deps.staticAssets !== undefined ? { staticAssets: deps.staticAssets } : {}),
  });
  // Created last: the bridge and heartbeat above only reach it from callbacks, after start.
  const server = createWsServer<ClientState>({
    path: '/ws',
    // uWS drops a connection without a close frame (1006) over this hard cap; up to it the edge
    // checks EDGE_MAX_FRAME_BYTES itself and closes with a proper 1009.
    maxPayloadLength: config.maxFrameBytes * FRAME_HARD_CAP_FACTOR,
    maxBackpressure: config.maxBackpressureBytes,
    upgrade: onUpgrade,
    open: onOpen,
    message: onMessage,
    dropped: onDropped,
    drain: (ws) => backlogs.drained(ws),
    pong: (ws) => {
      ws.data.lastSeenMs = now();
    },
    close: onClose,
    handlerError: (err, where) => {
      metrics.handlerErrors.inc({ where });
      log.error({ err, where }, 'socket handler failed; closing that socket with 1011');
    },
    routes,
  });

  function onUpgrade(req: UpgradeRequest): UpgradeDecision<ClientState> | Promise<UpgradeDecision<ClientState>> {
    const reject = (status: number, reason: string, label: string): UpgradeDecision<ClientState> => {
      metrics.upgradesRejected.inc({ reason: label });
      return { accept: false, status, reason };
    };
    if (draining || !started) return reject(503, 'edge is draining', 'draining');
    // uWS would upgrade on Sec-WebSocket-Key alone, which hides a proxy that dropped the headers.
    if (req.header('upgrade').toLowerCase() !== 'websocket') return reject(426, 'missing Upgrade: websocket', 'no_upgrade_header');
    if (!originAllowed(req.header('origin'), req.header('host'))) return reject(403, 'origin not allowed', 'origin');
    if (connections.size >= config.maxConnections) return reject(503, 'edge at connection capacity', 'capacity');
    const ip = clientAddress(req.remoteAddress, config.clientIpHeader === '' ? '' : req.header(config.clientIpHeader.toLowerCase()));
    const overIpLimit = (): boolean => config.maxConnectionsPerIp > 0 && (connectionsByIp.get(ip) ?? 0) >= config.maxConnectionsPerIp;
    if (overIpLimit()) return reject(429, 'too many connections from this address', 'per_ip');
    const initialTopics = parseSubscribeQuery(req.query);
    const state = (grant?: Grant): ClientState =>
      createClientState(now(), initialTopics, { ip, burst: config.messageBurst, grant, slot: nextSlot() });
    const authenticate = deps.authenticator;
    if (authenticate === undefined) return { accept: true, data: state() };
    // Headers are read now: the request object does not outlive this call.
    const { token, protocol } = extractToken(req.query, req.header('sec-websocket-protocol'));
    return authenticate(token).then((result): UpgradeDecision<ClientState> => {
      if (!result.ok) return reject(result.status, result.reason, result.status === 401 ? 'unauthorized' : 'auth_unavailable');
      if (draining) return reject(503, 'edge is draining', 'draining');
      if (overIpLimit()) return reject(429, 'too many connections from this address', 'per_ip');
      const data = state(result.grant);
      return protocol === undefined ? { accept: true, data } : { accept: true, data, protocol };
    });
  }

  function onOpen(ws: Conn): void {
    connections.add(ws);
    connectionsByIp.set(ws.data.ip, (connectionsByIp.get(ws.data.ip) ?? 0) + 1);
    metrics.connections.set(connections.size);
    const expiresAtMs = ws.data.grant?.expiresAtMs;
    if (expiresAtMs !== undefined) {
      // Owned by the socket: cleared in onClose. A client refreshes its token and reconnects.
      ws.data.expiryTimer = setTimeout(() => closeClient(ws, CloseCode.TokenExpired), Math.max(0, expiresAtMs - now()));
      ws.data.expiryTimer.unref();
    }
    ws.subscribe(sliceChannel(HEARTBEAT_TOPIC, ws.data.slot));
    // Seed order: one `subscribed` per query topic, then `connected`, then the last values.
    const accepted: string[] = [];
    ws.cork(() => {
      for (const topic of takeInitialTopics(ws.data)) {
        if (subscribe(ws, topic, false)) accepted.push(topic);
      }
      send(ws, connectedFrame(randomUUID()));
    });
    for (const topic of accepted) sendSnapshot(ws, topic);
  }

  function onMessage(ws: Conn, data: ArrayBuffer, isBinary: boolean): void {
    ws.data.lastSeenMs = now();
    if (ws.data.closing) return;
    // Every frame counts (subscribe churn, pings, garbage): a flood closes only this socket.
    if (!takeMessageToken(ws.data, ws.data.lastSeenMs, config.maxMessagesPerSecond, config.messageBurst)) {
      metrics.clientErrors.inc({ code: 'RATE_LIMITED' });
      closeClient(ws, CloseCode.RateLimited);
      return;
    }
    if (data.byteLength > config.maxFrameBytes) {
      metrics.clientErrors.inc({ code: 'FRAME_TOO_LARGE' });
      closeClient(ws, CloseCode.MessageTooBig);
      return;
    }
    const decoded = decodeClientFrame(data, isBinary);
    if (!decoded.ok) {
      const { code, message } = decoded.error;
      metrics.clientErrors.inc({ code });
      // The seed's unknown-type error has no code; keep it byte for byte.
      send(ws, code === ProtocolErrorCode.UnknownType ? errorFrame(message) : errorFrame(message, code));
      if (recordBadFrame(ws.data, now(), config.badFrameLimit, config.badFrameWindowMs)) closeClient(ws, CloseCode.PolicyViolation);
      return;
    }
    const { command } = decoded;
    switch (command.type) {
      case 'subscribe':
        subscribe(ws, command.topic, true);
        return;
      case 'unsubscribe':
        if (command.topic !== null) unsubscribe(ws, command.topic);
        send(ws, unsubscribedFrame(command.topic));
        return;
      case 'ping':
        send(ws, PONG_FRAME);
        return;
      case 'pong':
        return;
    }
  }

  /** Subscribes and acks; false (after an error frame) when refused. */
  function subscribe(ws: Conn, topic: string, withSnapshot: boolean): boolean {
    const { topics } = ws.data;
    const generation = ++ws.data.subscribeCount;
    if (topics.has(topic)) {
      topics.set(topic, generation);
    } else {
      const error =
        topics.size >= config.maxTopicsPerConnection
          ? { code: EdgeErrorCode.TooManyTopics, message: `Topic limit reached (${config.maxTopicsPerConnection} per connection)` }
          : !isValidTopic(topic)
            ? { code: ProtocolErrorCode.InvalidTopic, message: `Invalid topic: ${String(topic).slice(0, 80)}` }
            : ws.data.grant !== undefined && !ws.data.grant.allows(topic)
              ? { code: EdgeErrorCode.ForbiddenTopic, message: `Not allowed by your token: ${topic}` }
              : !bridge.acquire(topic, ws.data.slot)
                ? { code: EdgeErrorCode.EdgeTopicLimit, message: 'This server has too many topics; try again later' }
                : undefined;
      if (error !== undefined) {
        metrics.clientErrors.inc({ code: error.code });
        send(ws, errorFrame(error.message, error.code));
        return false;
      }
      topics.set(topic, generation);
      backlogs.subscribe(ws, topic);
      subscriptionCount += 1;
      metrics.subscriptions.set(subscriptionCount);
    }
    send(ws, subscribedFrame(topic));
    if (withSnapshot) sendSnapshot(ws, topic);
    return true;
  }

  function unsubscribe(ws: Conn, topic: string): void {
    if (!ws.data.topics.delete(topic)) return;
    backlogs.unsubscribe(ws, topic);
    bridge.release(topic, ws.data.slot);
    subscriptionCount -= 1;
    metrics.subscriptions.set(subscriptionCount);
  }

  function sendSnapshot(ws: Conn, topic: string): void {
    const cached = bridge.cachedFrame(topic, ws.data.slot);
    if (cached !== undefined) {
      metrics.snapshots.inc({ source: 'local' });
      send(ws, cached, topic);
      return;
    }
    // Only the latest subscribe of this topic on this socket gets the stored value: an
    // unsubscribe/subscribe during the read must not deliver it twice, or late.
    const generation = ws.data.topics.get(topic);
    void bridge.loadSnapshot(topic).then((frame) => {
      if (frame !== null && ws.isOpen && ws.data.topics.get(topic) === generation) send(ws, frame, topic);
    });
  }

  /** One frame to one socket, behind its backlog if it has one (`topic` lets a tick snapshot conflate). */
  function send(ws: Conn, frame: string, topic?: string): void {
    if (backlogs.enqueue(ws, frame, topic)) return;
    const status = ws.send(frame);
    // A drop is counted and handled in onDropped, which uWS calls from inside send as well.
    if (status !== 'dropped' && status !== 'closed') metrics.messagesSent.inc({ kind: 'direct' });
  }

  function onDropped(ws: Conn): void {
    metrics.messagesDropped.inc({ reason: 'backpressure' });
    if (config.slowClientPolicy === 'drop' || ws.data.closing) return;
    // uWS reports drops from inside publish(); closing a socket there would change the
    // subscriber list uWS is iterating, so slow clients are closed right after it returns.
    slowClients.add(ws);
    slowCloseTimer ??= setImmediate(() => {
      slowCloseTimer = undefined;
      for (const slow of slowClients) closeClient(slow, CloseCode.TryAgainLater);
      slowClients.clear();
    });
  }

  function closeClient(ws: Conn, code: CloseCode): void {
    if (ws.data.closing || !ws.isOpen) return;
    ws.data.closing = true;
    ws.end(code, CLOSE_REASONS[code]);
  }

  function onClose(ws: Conn, code: number): void {
    clearTimeout(ws.data.expiryTimer);
    if (connections.delete(ws)) {
      const left = (connectionsByIp.get(ws.data.ip) ?? 1) - 1;
      if (left > 0) connectionsByIp.set(ws.data.ip, left);
      else connectionsByIp.delete(ws.data.ip);
    }
    slowClients.delete(ws);
    backlogs.closed(ws);
    for (const topic of ws.data.topics.keys()) bridge.release(topic, ws.data.slot);
    subscriptionCount -= ws.data.topics.size;
    ws.data.topics.clear();
    metrics.connections.set(connections.size);
    metrics.subscriptions.set(subscriptionCount);
    metrics.closes.inc({ code: closeCodeLabel(code) });
  }

  function onBusStatus(status: BusStatus): void {
    metrics.busConnected.set(status === 'connected' ? 1 : 0);
    if (status === 'reconnecting') {
      log.warn('bus connection lost; clients stay connected, not ready until it returns');
    } else if (status === 'connected') {
      metrics.busReconnects.inc();
      log.info('bus connection back; re-reading last values');
      bridge.resync().catch((err: unknown) => log.warn({ err }, 'last value resync after reconnect failed'));
    }
  }

  return {
    get port() {
      return port;
    },
    get connectionCount() {
      return connections.size;
    },
    isReady: () => readiness().ready,

    async start() {
      if (started) return;
      port = await server.listen(config.host, config.port);
      removeStatusListener = bus.onStatus(onBusStatus);
      metrics.busConnected.set(bus.status() === 'connected' ? 1 : 0);
      heartbeat.start();
      if (config.slowClientPolicy === 'conflate') backlogs.start();
      demand.start();
      relay?.start();
      started = true;
      log.debug({ host: config.host, port }, 'edge listening');
    },

    async drain() {
      if (draining) return;
      draining = true;
      metrics.draining.set(1);
      const clients = [...connections];
      log.info({ clients: clients.length, drainMs: config.drainMs }, 'draining');
      if (clients.length === 0) return;
      // Shuffle, then close in batches spread over the drain period, each batch at a jittered
      // instant, so reconnecting clients do not arrive at the other edges all at once.
      for (let i = clients.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [clients[i], clients[j]] = [clients[j] as Conn, clients[i] as Conn];
      }
      const batches = Math.max(1, Math.min(clients.length, Math.floor(config.drainMs / 20)));
      const slotMs = config.drainMs / batches;
      await Promise.all(
        Array.from({ length: batches }, (_, b) => {
          // Batch b takes clients [b·n/B, (b+1)·n/B): sizes differ by at most one.
          const batch = clients.slice(Math.floor((b * clients.length) / batches), Math.floor(((b + 1) * clients.length) / batches));
          const delay = b * slotMs + random() * slotMs;
          return new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              drainTimers.delete(timer);
              for (const ws of batch) closeClient(ws, CloseCode.ServiceRestart);
              resolve();
            }, delay);
            // stop() during a drain settles every pending batch (its clients get 1001 instead).
            drainTimers.set(timer, resolve);
          });
        }),
      );
      log.info('drain complete');
    },

    stop() {
      stopped ??= (async () => {
        draining = true;
        heartbeat.stop();
        backlogs.stop();
        demand.stop();
        for (const [timer, resolve] of drainTimers) {
          clearTimeout(timer);
          resolve();
        }
        drainTimers.clear();
        if (slowCloseTimer !== undefined) clearImmediate(slowCloseTimer);
        slowClients.clear();
        removeStatusListener?.();
        server.stopListening();
        for (const ws of [...connections]) closeClient(ws, CloseCode.GoingAway);
        bridge.stop();
        await relay?.stop();
        server.close();
        log.info('edge stopped');
      })();
      return stopped;
    },
  };
}
