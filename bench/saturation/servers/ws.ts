/**
 * The `ws` package peer (child of run.ts, pinned to the server CPU): a Set of clients per topic
 * from the `?subscribe=` query, and per published message one JSON string sent to each client
 * of the topic. No backpressure policy: `ws` queues in user space, which is its default.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { serveCommands, tellParent } from '../ipc.js';
import { BENCH_TOPIC, priceFrame } from '../payload.js';
import { runSchedule } from '../schedule.js';

const CONNECTED = '{"type":"connected"}';
/** Clients per topic; a topic's set goes when its last client leaves. */
const topics = new Map<string, Set<WebSocket>>();
const closes: Record<string, number> = {};
let connections = 0;

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false, clientTracking: false });
server.on('listening', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('ws server bound to a pipe');
  void tellParent({ type: 'listening', port: address.port });
});
server.on('connection', (ws, req) => {
  const topic = new URL(req.url ?? '/', 'http://localhost').searchParams.get('subscribe') ?? BENCH_TOPIC;
  const clients = topics.get(topic) ?? new Set<WebSocket>();
  topics.set(topic, clients);
  clients.add(ws);
  connections += 1;
  ws.send(CONNECTED);
  // Resets from the load generator's exit are expected; an unhandled 'error' would crash the server.
  ws.on('error', () => undefined);
  ws.on('close', (code) => {
    connections -= 1;
    closes[String(code)] = (closes[String(code)] ?? 0) + 1;
    clients.delete(ws);
    if (clients.size === 0) topics.delete(topic);
  });
});

serveCommands({
  publish: (spec) =>
    runSchedule(spec, (seq, sentMs) => {
      const frame = priceFrame(BENCH_TOPIC, seq, sentMs);
      for (const ws of topics.get(BENCH_TOPIC) ?? []) ws.send(frame);
    }),
  stats: () => {
    let bufferedBytes = 0;
    for (const clients of topics.values()) for (const ws of clients) bufferedBytes += ws.bufferedAmount;
    return { connections, dropped: 0, bufferedBytes, closes };
  },
});
