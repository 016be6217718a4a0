import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { handshakeStatus } from '../../../test/fixtures/ws-client.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { createTestProducer, metricValue, ofType, useEdgeScope } from './harness.js';

const { edgeWith, client } = useEdgeScope();

/** A raw HTTP/1.1 GET with exactly the given headers; resolves with the status code. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('edge limits', () => {
  it('refuses topics beyond EDGE_MAX_TOPICS per connection', async () => {
    const e = await edgeWith({ config: { maxTopicsPerConnection: 2 } });
    const c = await client(e.wsUrl);
    c.send({ type: 'subscribe', topic: 'price:005930' });
    c.send({ type: 'subscribe', topic: 'price:000660' });
    c.send({ type: 'subscribe', topic: 'price:035420' });
    const error = await c.next(ofType('error'));
    expect(error).toMatchObject({ code: 'TOO_MANY_TOPICS' });
    expect(c.frames.filter((f) => f.type === 'subscribed').map((f) => f.topic)).toEqual(['price:005930', 'price:000660']);
    // Re-subscribing a held topic is not a new topic.
    c.send({ type: 'subscribe', topic: 'price:005930' });
    await c.next((f) => f.type === 'subscribed' && c.frames.filter((x) => x.type === 'subscribed').length === 3);
  });

  it('refuses a new topic beyond the edge-wide topic cap', async () => {
    const e = await edgeWith({ config: { maxTopicsPerEdge: 1 } });
    const a = await client(`${e.wsUrl}?subscribe=price:005930`);
    await a.next(ofType('connected'));
    const b = await client(e.wsUrl);
    b.send({ type: 'subscribe', topic: 'price:000660' });
    await expect(b.next(ofType('error'))).resolves.toMatchObject({ code: 'EDGE_TOPIC_LIMIT' });
    b.send({ type: 'subscribe', topic: 'price:005930' });
    await b.next(ofType('subscribed'));
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const e = await edgeWith({ config: { maxFrameBytes: 1024 } });
    const c = await client(e.wsUrl);
    c.send({ type: 'ping', pad: 'x'.repeat(900) });
    await c.next(ofType('pong'));
    c.send({ type: 'ping', pad: 'x'.repeat(2_000) });
    await expect(c.closed).resolves.toMatchObject({ code: 1009 });
    expect(c.frames.filter((f) => f.type === 'pong')).toHaveLength(1);
  });

  it('refuses upgrades beyond EDGE_MAX_CONNECTIONS with 503', async () => {
    const e = await edgeWith({ config: { maxConnections: 2 } });
    await client(e.wsUrl);
    const second = await client(e.wsUrl);
    expect(await handshakeStatus(e.wsUrl)).toBe(503);
    await second.close();
    await expect.poll(() => e.edge.connectionCount).toBe(1);
    expect(await handshakeStatus(e.wsUrl)).toBe(101);
    expect(await metricValue(e.registry, 'edge_ws_upgrades_rejected_total', { reason: 'capacity' })).toBe(1);
  });

  it('enforces the origin allow-list at the handshake with 403', async () => {
    const e = await edgeWith({ config: { allowedOrigins: ['https://stock.ralphpark.com', 'http://localhost:5110'] } });
    expect(await handshakeStatus(e.wsUrl, { origin: 'https://evil.example' })).toBe(403);
    expect(await handshakeStatus(e.wsUrl, { origin: 'HTTPS://STOCK.RALPHPARK.COM' })).toBe(101);
    expect(await handshakeStatus(e.wsUrl, { origin: 'http://localhost:5110' })).toBe(101);
    expect(await handshakeStatus(e.wsUrl)).toBe(101);
    expect(await metricValue(e.registry, 'edge_ws_upgrades_rejected_total', { reason: 'origin' })).toBe(1);
  });

  it('answers 426 to a handshake without Upgrade: websocket, and to a plain GET /ws', async () => {
    const e = await edgeWith();
    const handshake = { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', connection: 'keep-alive' };
    expect(await rawGet(e.edge.port, '/ws', handshake)).toBe(426);
    expect(await rawGet(e.edge.port, '/ws', { ...handshake, upgrade: 'websocket', connection: 'Upgrade' })).toBe(101);
    expect((await fetch(`${e.httpUrl}/ws`)).status).toBe(426);
  });

  it('closes a slow consumer with 1013 without slowing the other clients', async () => {
    const e = await edgeWith({ config: { maxBackpressureBytes: 64 * 1024, slowClientPolicy: 'close' } });
    const produce = createTestProducer(e.bus, e.lastValues);
    const slow = await client(`${e.wsUrl}?subscribe=signal:vcp`);
    const fast = await client(`${e.wsUrl}?subscribe=signal:vcp`);
    await Promise.all([slow.next(ofType('connected')), fast.next(ofType('connected'))]);
    // The slow client stops reading: its kernel buffers fill, then its send buffer on the edge.
    slow.ws.pause();
    const payload = [{ note: 'y'.repeat(16 * 1024) }];
    const messages = 1_000;
    for (let seq = 1; seq <= messages; seq += 1) {
      await produce('signal:vcp', {
        type: 'signal_update',
        data: { signal_type: 'VCP', signals: payload, count: 1, timestamp: new Date().toISOString() },
      });
      // Lock step: each message reaches the fast client before the next is published.
      await fast.next((f) => f.type === 'signal_update' && f.seq === seq, { fromIndex: fast.frames.length - 1 });
    }
    expect(fast.frames.filter((f) => f.type === 'signal_update')).toHaveLength(messages);
    expect(await metricValue(e.registry, 'edge_ws_messages_dropped_total', { reason: 'backpressure' })).toBeGreaterThan(0);
    slow.ws.resume();
    // The edge closed it with 1013; behind a full buffer the close frame itself may not get
    // through, in which case the client sees 1006. Either way it is gone and counted.
    const { code } = await slow.closed;
    expect([1013, 1006]).toContain(code);
    expect(await metricValue(e.registry, 'edge_ws_closes_total', { code: '1013' })).toBe(1);
    expect(slow.frames.filter((f) => f.type === 'signal_update').length).toBeLessThan(messages);
  });

  it('with the drop policy keeps a slow consumer connected and counts what it missed', async () => {
    const e = await edgeWith({ config: { maxBackpressureBytes: 64 * 1024, slowClientPolicy: 'drop' } });
    const produce = createTestProducer(e.bus, e.lastValues);
    const slow = await client(`${e.wsUrl}?subscribe=signal:vcp`);
    await slow.next(ofType('connected'));
    slow.ws.pause();
    const big = [{ note: 'z'.repeat(64 * 1024) }];
    for (let i = 0; i < 100; i += 1) {
      await produce('signal:vcp', {
        type: 'signal_update',
        data: { signal_type: 'VCP', signals: big, count: 1, timestamp: new Date().toISOString() },
      });
    }
    const dropped = await metricValue(e.registry, 'edge_ws_messages_dropped_total', { reason: 'backpressure' });
    expect(dropped).toBeGreaterThan(0);
    slow.ws.resume();
    // Everything not dropped arrives, and the connection stays usable.
    await waitFor('the undropped messages', () => slow.frames.filter((f) => f.type === 'signal_update').length === 100 - dropped);
    expect(slow.ws.readyState).toBe(slow.ws.OPEN);
    slow.send({ type: 'ping' });
    await slow.next(ofType('pong'));
  });
});
