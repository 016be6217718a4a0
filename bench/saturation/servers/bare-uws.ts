/**
 * The bare uWebSockets.js app behind `raw-uws` and `raw-uws-nats`: each client subscribes to the
 * topic in its `?subscribe=` query on open, and the caller fans out with one `app.publish` per
 * message, so uWS sends in C++. Settings match our edge where they matter: no compression, no
 * automatic pings (the default compression is off) or idle timeout (the edge's heartbeat is off during the bench), 256 KiB
 * backpressure limit with drops counted.
 */
import * as uWS from 'uWebSockets.js';
import type { ServerStats } from '../ipc.js';
import { tellParent } from '../ipc.js';
import { BENCH_TOPIC } from '../payload.js';

const CONNECTED = '{"type":"connected"}';

export interface BareApp {
  readonly app: uWS.TemplatedApp;
  /** Connections, drops and closes so far. */
  readonly stats: () => ServerStats;
}

/** Builds the app, listens on a free loopback port and tells the orchestrator which. */
export function startBareApp(): BareApp {
  let connections = 0;
  let dropped = 0;
  const closes: Record<string, number> = {};
  const app = uWS.App().ws<{ readonly topic: string }>('/ws', {
    maxPayloadLength: 16 * 1024,
    maxBackpressure: 256 * 1024,
    closeOnBackpressureLimit: false,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    upgrade(res, req, context) {
      const topic = new URLSearchParams(req.getQuery() ?? '').get('subscribe') ?? BENCH_TOPIC;
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
      ws.subscribe(ws.getUserData().topic);
      ws.send(CONNECTED);
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
  return { app, stats: () => ({ connections, dropped, bufferedBytes: Number.NaN, closes }) };
}
