/**
 * Baseline edge on the `ws` package, for comparison with services/edge (uWebSockets.js).
 *
 * Only the protocol subset the fan-out benchmark exercises: `?subscribe=` query topics acked
 * with `subscribed` then `connected`, subscribe/unsubscribe/ping frames, reference-counted NATS
 * subscriptions per topic, and the same one-decode/one-encode fan-out as the real edge. ws has no
 * topic publish, so a bus message loops over the topic's socket set, writing one pre-encoded
 * Buffer to each. No last values, heartbeat or drain: REDIS_URL is accepted and ignored.
 *
 * Env: PORT (0 = free port), EDGE_HOST, EDGE_PORT_FILE, NATS_URL, EDGE_MAX_CONNECTIONS,
 * EDGE_MAX_BACKPRESSURE_BYTES. GET /metrics answers the counters run.ts reads from either edge.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect, type Msg, type NatsError, type Subscription } from 'nats';
import WebSocket, { WebSocketServer } from 'ws';
import {
  PONG_FRAME,
  connectedFrame,
  decodeClientFrame,
  decodeEnvelope,
  errorFrame,
  fanoutFrame,
  isValidTopic,
  subscribedFrame,
  topicToSubject,
  unsubscribedFrame,
} from '@repo/protocol';

const env = process.env;
const host = env['EDGE_HOST'] ?? '127.0.0.1';
const port = Number(env['PORT'] ?? 8080);
const portFile = env['EDGE_PORT_FILE'] ?? '';
const natsUrl = env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const maxConnections = Number(env['EDGE_MAX_CONNECTIONS'] ?? 19_000);
// Same per-socket send-buffer bound as the uWS edge's maxBackpressure (256 KiB).
const maxBackpressure = Number(env['EDGE_MAX_BACKPRESSURE_BYTES'] ?? 256 * 1024);

interface TopicEntry {
  readonly sockets: Set<WebSocket>;
  readonly subscription: Subscription;
}

const topics = new Map<string, TopicEntry>();
/** Each open socket's topics, for releasing them on close. */
const clients = new Map<WebSocket, Set<string>>();
const counters = { fanoutSent: 0, dropped: 0, busMessages: 0, invalidEnvelopes: 0 };
// One options object for every send: text opcode for a Buffer payload, nothing allocated per call.
const TEXT = { binary: false } as const;

const nc = await connect({ servers: natsUrl, name: 'ws-baseline-edge', maxReconnectAttempts: -1 });

function acquire(ws: WebSocket, topic: string): void {
  const own = clients.get(ws);
  if (own === undefined || own.has(topic)) return;
  own.add(topic);
  const entry = topics.get(topic);
  if (entry !== undefined) {
    entry.sockets.add(ws);
    return;
  }
  // First local subscriber: subscribe the subject; the last one leaving unsubscribes it.
  const subscription = nc.subscribe(topicToSubject(topic), { callback: (err, msg) => onBusMessage(topic, err, msg) });
  topics.set(topic, { sockets: new Set([ws]), subscription });
}

function release(ws: WebSocket, topic: string): void {
  const entry = topics.get(topic);
  if (entry === undefined || !entry.sockets.delete(ws)) return;
  if (entry.sockets.size > 0) return;
  topics.delete(topic);
  entry.subscription.unsubscribe();
}

function onBusMessage(topic: string, err: NatsError | null, msg: Msg): void {
  const entry = topics.get(topic);
  if (err !== null || entry === undefined) return;
  counters.busMessages += 1;
  let frame: Buffer;
  try {
    const envelope = decodeEnvelope(msg.data);
    if (envelope.topic !== topic) throw new Error('envelope topic does not match the subject');
    // Encoded once, to bytes once: ws would otherwise re-encode the string for every socket.
    frame = Buffer.from(fanoutFrame(envelope), 'utf8');
  } catch {
    counters.invalidEnvelopes += 1;
    return;
  }
  for (const ws of entry.sockets) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    if (ws.bufferedAmount > maxBackpressure) {
      counters.dropped += 1;
      continue;
    }
    ws.send(frame, TEXT);
    counters.fanoutSent += 1;
  }
}

function onOpen(ws: WebSocket, initialTopics: readonly string[]): void {
  clients.set(ws, new Set());
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => onMessage(ws, data, isBinary));
  ws.on('close', () => {
    for (const topic of clients.get(ws) ?? []) release(ws, topic);
    clients.delete(ws);
  });
  ws.on('error', () => undefined); // a 'close' always follows
  // Seed order: one `subscribed` per query topic, then `connected`.
  for (const topic of initialTopics) subscribe(ws, topic);
  ws.send(connectedFrame(randomUUID()));
}

function subscribe(ws: WebSocket, topic: string): void {
  if (!isValidTopic(topic)) {
    ws.send(errorFrame(`Invalid topic: ${String(topic).slice(0, 80)}`, 'INVALID_TOPIC'));
    return;
  }
  acquire(ws, topic);
  ws.send(subscribedFrame(topic));
}

function onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const decoded = decodeClientFrame(bytes, isBinary);
  if (!decoded.ok) {
    ws.send(errorFrame(decoded.error.message, decoded.error.code));
    return;
  }
  const { command } = decoded;
  switch (command.type) {
    case 'subscribe':
      subscribe(ws, command.topic);
      return;
    case 'unsubscribe':
      // A missing topic (null) is still acknowledged, as the seed did.
      if (command.topic !== null) {
        clients.get(ws)?.delete(command.topic);
        release(ws, command.topic);
      }
      ws.send(unsubscribedFrame(command.topic));
      return;
    case 'ping':
      ws.send(PONG_FRAME);
      return;
    case 'pong':
      return;
  }
}

/** The subscribe query as the real edge reads it: comma lists, trimmed, de-duplicated. */
function queryTopics(url: URL): string[] {
  const seen = new Set<string>();
  for (const part of url.searchParams.getAll('subscribe').join(',').split(',')) {
    if (part.trim() !== '') seen.add(part.trim());
  }
  return [...seen];
}

function metricsText(): string {
  return [
    `edge_ws_connections ${clients.size}`,
    `edge_topics ${topics.size}`,
    `edge_ws_messages_sent_total{kind="fanout"} ${counters.fanoutSent}`,
    `edge_ws_messages_dropped_total{reason="backpressure"} ${counters.dropped}`,
    `edge_bus_messages_total{result="delivered"} ${counters.busMessages}`,
    `edge_bus_messages_total{result="invalid"} ${counters.invalidEnvelopes}`,
    '',
  ].join('\n');
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
const server = createServer((req, res) => {
  if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText());
  else if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
  else res.writeHead(404).end();
});
server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', 'http://edge');
  if (url.pathname !== '/ws') {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    return;
  }
  if (clients.size >= maxConnections) {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, queryTopics(url)));
});
server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  if (portFile !== '') writeFileSync(portFile, String(bound));
});

async function shutdown(): Promise<void> {
  server.close();
  for (const ws of clients.keys()) ws.terminate();
  await nc.drain().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
