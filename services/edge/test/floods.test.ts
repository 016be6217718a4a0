// Flood limits: connections per client address (429 at the upgrade) and frames per connection (a
// token bucket; 4002 beyond it). An abusive client is closed alone; the others keep their flow.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@repo/protocol';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { aPriceUpdate, createTestProducer, startTestEdge, type TestEdge, type TestEdgeOptions } from './harness.js';

const edges: TestEdge[] = [];
afterEach(async () => {
  await Promise.all(edges.splice(0).map((e) => e.stop()));
});

async function edgeWith(config: NonNullable<TestEdgeOptions['config']>): Promise<TestEdge> {
  const edge = await startTestEdge({ config });
  edges.push(edge);
  return edge;
}

/** The HTTP status of a handshake: 101 when it opened (the socket is returned open). */
function handshake(url: string, opts: WebSocket.ClientOptions = {}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...opts });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', (err) => {
      if (!String(err.message).startsWith('Unexpected server response')) reject(err);
    });
  });
}

async function stats(edge: TestEdge): Promise<{ active_connections: number; active_tickers: string[] }> {
  return (await fetch(`${edge.httpUrl}/ws/stats`).then((r) => r.json())) as { active_connections: number; active_tickers: string[] };
}

describe('connections per client address', () => {
  it('refuses the connection over EDGE_MAX_CONNECTIONS_PER_IP with 429, per address, and frees the slot on close', async () => {
    const edge = await edgeWith({ maxConnectionsPerIp: 2 });
    const open = await Promise.all([handshake(edge.wsUrl), handshake(edge.wsUrl)]);
    expect(open.map((h) => h.status)).toEqual([101, 101]);
    expect((await handshake(edge.wsUrl)).status).toBe(429);
    // Another address on the loopback network has its own allowance.
    const other = await handshake(edge.wsUrl, { localAddress: '127.0.0.2' });
    expect(other.status).toBe(101);
    open[0].ws!.close();
    await waitFor('the slot to free', async () => (await stats(edge)).active_connections === 2);
    const again = await handshake(edge.wsUrl);
    expect(again.status).toBe(101);
    for (const h of [open[1], other, again]) h.ws!.close();
    const rejected = await edge.registry.getSingleMetric('edge_ws_upgrades_rejected_total')!.get();
    expect(rejected.values.find((v) => v.labels['reason'] === 'per_ip')?.value).toBe(1);
  });

  it('counts by the last X-Forwarded-For entry (the one our proxy added) when EDGE_CLIENT_IP_HEADER is set', async () => {
    const edge = await edgeWith({ maxConnectionsPerIp: 1, clientIpHeader: 'X-Forwarded-For' });
    const behindProxy = (client: string, spoofed = '6.6.6.6') => ({ headers: { 'x-forwarded-for': `${spoofed}, ${client}` } });
    const first = await handshake(edge.wsUrl, behindProxy('203.0.113.1'));
    expect(first.status).toBe(101);
    // A spoofed first entry does not buy a second slot; another real client gets its own.
    expect((await handshake(edge.wsUrl, behindProxy('203.0.113.1', '1.2.3.4'))).status).toBe(429);
    const second = await handshake(edge.wsUrl, behindProxy('203.0.113.2'));
    expect(second.status).toBe(101);
    first.ws!.close();
    second.ws!.close();
  });
});

describe('frames per connection', () => {
  it('closes a client that sends faster than its bucket with 4002, and only that client', async () => {
    const edge = await edgeWith({ maxMessagesPerSecond: 5, messageBurst: 20 });
    const publish = createTestProducer(edge.bus, edge.lastValues);
    const calm = await connectClient(`${edge.wsUrl}?subscribe=price:005930`);
    await calm.next((f: Frame) => f.type === 'connected');
    const flood = await connectClient(edge.wsUrl);
    await flood.next((f: Frame) => f.type === 'connected');
    for (let i = 0; i < 100; i++) flood.send({ type: 'ping' });
    expect(await flood.closed).toEqual({ code: CloseCode.RateLimited, reason: 'too many messages' });
    // The burst was served before the close, nothing beyond it.
    expect(flood.frames.filter((f) => f.type === 'pong').length).toBe(20);
    await publish('price:005930', aPriceUpdate('005930'));
    await calm.next((f: Frame) => f.type === 'price_update');
    calm.send({ type: 'ping' });
    await calm.next((f: Frame) => f.type === 'pong');
    await calm.close();
  });

  it('closes subscribe/unsubscribe churn with 4002 and releases every subscription', async () => {
    const edge = await edgeWith({ maxMessagesPerSecond: 10, messageBurst: 50 });
    const churn = await connectClient(edge.wsUrl);
    await churn.next((f: Frame) => f.type === 'connected');
    for (let i = 0; i < 200; i++) {
      const topic = `price:${String(100_000 + (i % 50))}`;
      churn.send({ type: i % 2 === 0 ? 'subscribe' : 'unsubscribe', topic });
    }
    expect((await churn.closed).code).toBe(CloseCode.RateLimited);
    await waitFor('no topic left on the edge', async () => {
      const s = await stats(edge);
      return s.active_connections === 0 && s.active_tickers.length === 0;
    });
  });
});
