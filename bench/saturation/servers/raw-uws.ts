/**
 * The ceiling: a bare uWebSockets.js app (child of run.ts, pinned to the server CPU). Each client
 * subscribes to the topic in its `?subscribe=` query on open; the same process publishes on the
 * open-loop schedule with one `app.publish` per message, so uWS fans out in C++.
 * Settings match our edge where they matter: no compression, no automatic pings or idle timeout
 * (the edge's heartbeat is off during the bench), 256 KiB backpressure limit with drops counted.
 */
import * as uWS from 'uWebSockets.js';
import { serveCommands, tellParent } from '../ipc.js';
import { BENCH_TOPIC, priceFrame } from '../payload.js';
import { runSchedule } from '../schedule.js';

const CONNECTED = '{"type":"connected"}';
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
  if (socket === false) throw new Error('raw uWS server could not listen');
  void tellParent({ type: 'listening', port: uWS.us_socket_local_port(socket) });
});

serveCommands({
  publish: (spec) => runSchedule(spec, (seq, sentMs) => app.publish(BENCH_TOPIC, priceFrame(BENCH_TOPIC, seq, sentMs), false, false)),
  stats: () => ({ connections, dropped, bufferedBytes: Number.NaN, closes }),
});
