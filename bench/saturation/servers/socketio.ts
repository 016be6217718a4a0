/**
 * The Socket.IO 4 peer (child of run.ts, pinned to the server CPU): WebSocket transport only,
 * clients emit `join` with a room name and get `connected` back once in it; each published
 * message is one `io.to(room).emit('price_update', payload)`, which Socket.IO encodes once per
 * broadcast. The payload is the edge's frame as an object, so it serialises to the same JSON.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serveCommands, tellParent } from '../ipc.js';
import { BENCH_TOPIC, priceFrame } from '../payload.js';
import { runSchedule } from '../schedule.js';

const closes: Record<string, number> = {};
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

io.on('connection', (socket) => {
  socket.on('join', (room: unknown) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    socket.emit('connected', {});
  });
  socket.on('disconnect', (reason) => {
    closes[reason] = (closes[reason] ?? 0) + 1;
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('socket.io server has no TCP address');
  void tellParent({ type: 'listening', port: address.port });
});

serveCommands({
  publish: (spec) =>
    runSchedule(spec, (seq, sentMs) => {
      io.to(BENCH_TOPIC).emit('price_update', JSON.parse(priceFrame(BENCH_TOPIC, seq, sentMs)) as unknown);
    }),
  stats: () => ({ connections: io.engine.clientsCount, dropped: 0, bufferedBytes: Number.NaN, closes }),
});
