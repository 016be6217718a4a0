/**
 * The bare uWebSockets.js app behind `raw-uws` and `raw-uws-nats`: each client subscribes to the
 * topic in its `?subscribe=` query on open, and the caller fans out with one `app.publish` per
 * message, so uWS sends in C++. For scenario f it also answers the edge's `subscribe` and
 * `unsubscribe` commands the least a server can: an ack, then the topic's last frame (kept as
 * one string), so its snapshot latency is the engine's own. Settings match our edge where they matter: no compression, no
 * automatic pings (the default compression is off) or idle timeout (the edge's heartbeat is off during the bench), 256 KiB
 * backpressure limit with drops counted.
 */
import * as uWS from 'uWebSockets.js';
import type { ServerStats } from '../ipc.js';
import { tellParent } from '../ipc.js';
import { BENCH_TOPIC } from '../payload.js';

const CONNECTED = '{"type":"connected"}';

export interface BareApp {
  /** One `app.publish` of the frame to the bench topic, which also becomes its last value. */
  readonly publish: (frame: string) => void;
  /** Connections, drops and closes so far. */
  readonly stats: () => ServerStats;
}

/** Builds the app, listens on a free loopback port and tells the orchestrator which. */
export function startBareApp(): BareApp {
  let connections = 0;
  let dropped = 0;
  const closes: Record<string, number> = {};
  let lastFrame: string | undefined;
  const app = uWS.App().ws<{ readonly topic: string | null }>('/ws', {
    maxPayloadLength: 16 * 1024,
    maxBackpressure: 256 * 1024,
    closeOnBackpressureLimit: false,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    upgrade(res, req, context) {
      // No query: a probe connection, which subscribes by command.
      const topic = new URLSearchParams(req.getQuery() ?? '').get('subscribe');
      res.upgrade(
        { topic },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open(ws) {
      connections += 1;
      const { topic } = ws.getUserData();
      if (topic !== null) ws.subscribe(topic);
      ws.send(CONNECTED);
    },
    message(ws, message) {
      const command = JSON.parse(Buffer.from(message).toString()) as { readonly type?: unknown; readonly topic?: unknown };
      if (command.topic !== BENCH_TOPIC) return;
      if (command.type === 'subscribe') {
        ws.subscribe(BENCH_TOPIC);
        ws.cork(() => {
          ws.send(`{"type":"subscribed","topic":"${BENCH_TOPIC}"}`);
          if (lastFrame !== undefined) ws.send(lastFrame);
        });
      } else if (command.type === 'unsubscribe') {
        ws.unsubscribe(BENCH_TOPIC);
        ws.send(`{"type":"unsubscribed","topic":"${BENCH_TOPIC}"}`);
      }
    },
    dropped() {
      dropped += 1;
    },
    close(_ws, code) {
      connections -= 1;
      closes[String(code)] = (closes[String(code)] ?? 0) + 1;
    },
  });
  app.listen('127.0.0.1', 0, (socket) => {
    if (socket === false) throw new Error('bare uWS server could not listen');
    void tellParent({ type: 'listening', port: uWS.us_socket_local_port(socket) });
  });
  const publish = (frame: string): void => {
    lastFrame = frame;
    app.publish(BENCH_TOPIC, frame, false, false);
  };
  return { publish, stats: () => ({ connections, dropped, bufferedBytes: Number.NaN, closes }) };
}
