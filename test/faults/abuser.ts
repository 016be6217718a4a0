// One abusive client, in its own process so that its work does not slow the test's recording:
// opens `attempts` sockets at once from one address, then floods every accepted socket with
// subscribe/unsubscribe churn (until the edge closes it), and prints what happened as one JSON line.
// Usage: abuser.ts <ws url> <local address> <attempts> <frames per socket>
import WebSocket from 'ws';

const [url, localAddress, attemptsArg, framesArg] = process.argv.slice(2);
if (url === undefined || localAddress === undefined) throw new Error('usage: abuser.ts <url> <local address> <attempts> <frames>');
const attempts = Number(attemptsArg);
const frames = Number(framesArg);

interface Attempt {
  status: number;
  ws?: WebSocket;
  closed?: Promise<number>;
}

const opened = await Promise.all(
  Array.from(
    { length: attempts },
    () =>
      new Promise<Attempt>((resolve) => {
        const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
        const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.once('open', () => resolve({ status: 101, ws, closed }));
        ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
        ws.once('error', () => resolve({ status: 0 }));
      }),
  ),
);
const accepted = opened.filter((o) => o.status === 101);
const startedAt = Date.now();
const churn = [
  JSON.stringify({ type: 'subscribe', topic: 'price:005930' }),
  JSON.stringify({ type: 'unsubscribe', topic: 'price:005930' }),
];
// In rounds, with a loop turn between them, so this process also reads: written in one go, the
// frames starved its own reads, the edge's 4002 close frame sat unread, and a reset for the frames
// still arriving after the edge let go of the socket could discard it (the client saw 1006).
const ROUND = 20;
for (let sent = 0; sent < frames; sent += ROUND) {
  for (const o of accepted) {
    if (o.ws?.readyState !== WebSocket.OPEN) continue;
    for (let i = sent; i < Math.min(frames, sent + ROUND); i++) o.ws.send(churn[i % 2]!);
  }
  await new Promise((resolve) => setImmediate(resolve));
}
const codes = await Promise.all(accepted.map((o) => o.closed ?? Promise.resolve(0)));
process.stdout.write(
  `${JSON.stringify({
    accepted: accepted.length,
    refused429: opened.filter((o) => o.status === 429).length,
    codes,
    floodHandledMs: Date.now() - startedAt,
  })}\n`,
);
