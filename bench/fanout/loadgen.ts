/**
 * Load generator (child of run.ts, pinned to the client CPU). Opens its share of connections
 * with a bounded number of handshakes in flight, one topic per connection (round robin by global
 * connection index), then parses every frame and records publish→receive latency for the
 * price_update frames published inside the measurement window.
 */
import WebSocket from 'ws';
import { LatencyHistogram } from './histogram.js';
import { isMessage, readChildConfig, sendToParent, wallNowMs, type LoadgenConfig, type ToLoadgen, type Window } from './ipc.js';

interface Frame {
  readonly type?: unknown;
  readonly topic?: unknown;
  readonly data?: { readonly sent_ms?: unknown } | null;
}

const config = readChildConfig<LoadgenConfig>();
const topicCount = config.topics.length;
const histogram = new LatencyHistogram();
const receivedInWindow = new Array<number>(topicCount).fill(0);
const subscribers = new Array<number>(topicCount).fill(0);
const closeCodes: Record<string, number> = {};
let window: Window | undefined;
let framesTotal = 0;
let negative = 0;
let misrouted = 0;
let closes = 0;

process.on('message', (message: unknown) => {
  if (isMessage<Extract<ToLoadgen, { type: 'window' }>>(message, 'window')) window = message.window;
  else if (isMessage<ToLoadgen>(message, 'report')) void report();
});
// The orchestrator going away closes the channel; the sockets go with this process.
process.on('disconnect', () => process.exit(0));

const started = performance.now();
let nextIndex = 0;
let opened = 0;
let failed = 0;
let firstError: string | null = null;
async function worker(): Promise<void> {
  while (nextIndex < config.count) {
    const error = await openOne(config.first + nextIndex++);
    if (error === null) opened += 1;
    else {
      failed += 1;
      firstError ??= error;
    }
  }
}
await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, () => worker()));
await sendToParent({ type: 'ready', opened, failed, firstError, subscribers, connectMs: performance.now() - started });

/** Opens connection `i`; resolves null once `subscribed` then `connected` arrived, else the reason. */
function openOne(i: number): Promise<string | null> {
  const topicIndex = i % topicCount;
  const topic = config.topics[topicIndex] ?? '';
  const localAddress = config.localAddresses[i % config.localAddresses.length] ?? '127.0.0.1';
  return new Promise((resolve) => {
    let settled = false;
    let ok = false;
    let subscribed = false;
    const settle = (error: string | null): void => {
      if (settled) return;
      settled = true;
      ok = error === null;
      clearTimeout(timer);
      if (ok) subscribers[topicIndex] = (subscribers[topicIndex] ?? 0) + 1;
      resolve(error);
    };
    const ws = new WebSocket(`${config.url}?subscribe=${encodeURIComponent(topic)}`, {
      perMessageDeflate: false,
      localAddress,
      handshakeTimeout: config.handshakeTimeoutMs,
    });
    const timer = setTimeout(() => {
      settle('timed out waiting for subscribed + connected');
      ws.terminate();
    }, config.handshakeTimeoutMs);
    // Attached before open: an edge may send its first frames in the same segment as the 101.
    ws.on('message', (raw: WebSocket.RawData) => {
      const receivedMs = wallNowMs();
      framesTotal += 1;
      const frame = parseFrame(raw);
      switch (frame?.type) {
        case 'price_update':
          onPrice(frame, topic, topicIndex, receivedMs);
          return;
        case 'subscribed':
          subscribed = true;
          return;
        case 'connected':
          settle(subscribed ? null : 'connected arrived without a subscribed ack');
          return;
        case 'ping':
          // Real clients answer the edge's JSON heartbeat; any inbound frame counts as liveness.
          ws.send('{"type":"pong"}');
          return;
        case 'error':
          settle(`error frame: ${JSON.stringify(frame)}`);
          return;
        default:
          return;
      }
    });
    ws.on('error', (err: Error) => settle(err.message));
    ws.on('close', (code: number) => {
      if (ok) {
        closes += 1;
        closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
      } else settle(`closed with ${code} before connected`);
    });
  });
}

function onPrice(frame: Frame, topic: string, topicIndex: number, receivedMs: number): void {
  const sentMs = frame.data?.sent_ms;
  if (window === undefined || typeof sentMs !== 'number' || sentMs < window.startMs || sentMs >= window.endMs) return;
  if (frame.topic !== topic) {
    misrouted += 1;
    return;
  }
  const latencyMs = receivedMs - sentMs;
  if (latencyMs < 0) negative += 1;
  histogram.recordMs(latencyMs);
  receivedInWindow[topicIndex] = (receivedInWindow[topicIndex] ?? 0) + 1;
}

function parseFrame(raw: WebSocket.RawData): Frame | null {
  const text = Buffer.isBuffer(raw)
    ? raw.toString('utf8')
    : Array.isArray(raw)
      ? Buffer.concat(raw).toString('utf8')
      : Buffer.from(raw).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    // Frame's fields are all optional and `unknown`-typed, so any object is one.
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

async function report(): Promise<void> {
  await sendToParent({
    type: 'report',
    histogram: histogram.snapshot(),
    receivedInWindow,
    framesTotal,
    negative,
    misrouted,
    closes,
    closeCodes,
  });
}
