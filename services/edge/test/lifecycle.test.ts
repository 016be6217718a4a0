import { describe, expect, it } from 'vitest';
import { connectClient, frameText, handshakeStatus, type Frame, type TestClient } from '../../../test/fixtures/ws-client.js';
import { aGateUpdate, aPriceUpdate, createTestProducer, metricValue, startTestEdge, ofType, useEdgeScope } from './harness.js';

const { edgeWith, client } = useEdgeScope();
const count = (c: TestClient, type: string): number => c.frames.filter((f) => f.type === type).length;

describe('edge heartbeat', () => {
  it('pings every interval, closes a silent client with 4000 and keeps one that answers', async () => {
    const e = await edgeWith({ config: { pingIntervalMs: 50, idleTimeoutMs: 400 } });
    const silent = await client(e.wsUrl);
    const answering = await client(e.wsUrl);
    answering.ws.on('message', (data) => {
      if ((JSON.parse(frameText(data)) as Frame).type === 'ping') answering.send({ type: 'pong' });
    });

    const ping = await answering.next(ofType('ping'));
    expect(Object.keys(ping)).toEqual(['type', 'timestamp']);
    expect(Date.parse(String(ping.timestamp))).not.toBeNaN();

    await expect(silent.closed).resolves.toEqual({ code: 4000, reason: 'idle timeout' });
    expect(count(silent, 'ping')).toBeGreaterThan(0);
    // Several idle timeouts later the answering client is still there.
    const pingsAtReap = count(answering, 'ping');
    // Three more idle timeouts' worth of pings.
    await answering.next(() => count(answering, 'ping') >= pingsAtReap + 24, { timeoutMs: 10_000 });
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    expect(await metricValue(e.registry, 'edge_ws_reaped_total')).toBe(1);
    expect(await metricValue(e.registry, 'edge_ws_closes_total', { code: '4000' })).toBe(1);
  });

  it('pings every socket of every slice when a ping goes out a slice per loop turn', async () => {
    // fanoutSliceAbove 1: with 20 sockets every ping goes out in 16 parts, one per slice; the
    // sockets' slots take turns, so every slice holds at least one of them.
    const e = await edgeWith({ config: { pingIntervalMs: 40, idleTimeoutMs: 100_000, fanoutSliceAbove: 1 } });
    const clients = await Promise.all(Array.from({ length: 20 }, () => client(e.wsUrl)));
    await Promise.all(clients.map((c) => c.next(() => count(c, 'ping') >= 3, { timeoutMs: 10_000 })));
    expect(clients.every((c) => c.ws.readyState === c.ws.OPEN)).toBe(true);
  });

  it('counts any inbound frame as liveness', async () => {
    const e = await edgeWith({ config: { pingIntervalMs: 40, idleTimeoutMs: 320 } });
    const chatty = await client(e.wsUrl);
    // Never answers pings, but keeps sending its own client pings (as the frontend does every 30 s).
    chatty.ws.on('message', (data) => {
      if ((JSON.parse(frameText(data)) as Frame).type === 'ping') chatty.send({ type: 'ping' });
    });
    await chatty.next(() => count(chatty, 'pong') >= 24, { timeoutMs: 10_000 });
    expect(chatty.ws.readyState).toBe(chatty.ws.OPEN);
  });

  it('counts a WebSocket protocol ping from the client as liveness', async () => {
    const e = await edgeWith({ config: { pingIntervalMs: 40, idleTimeoutMs: 320 } });
    const c = await client(e.wsUrl);
    // Answers every server ping with a protocol-level ping frame only, never with JSON.
    c.ws.on('message', () => c.ws.ping());
    await c.next(() => count(c, 'ping') >= 24, { timeoutMs: 10_000 });
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });
});

describe('edge drain', () => {
  it('turns not ready, refuses upgrades and closes clients with 1012 in batches over the drain period', async () => {
    const e = await edgeWith({ config: { drainMs: 400 } });
    const clients = await Promise.all(Array.from({ length: 30 }, () => client(e.wsUrl)));
    expect((await fetch(`${e.httpUrl}/ready`)).status).toBe(200);

    const closedAt: number[] = [];
    for (const c of clients) void c.closed.then(() => closedAt.push(performance.now()));
    const drained = e.edge.drain();
    expect(e.edge.isReady()).toBe(false);
    expect((await fetch(`${e.httpUrl}/ready`)).status).toBe(503);
    expect(await handshakeStatus(e.wsUrl)).toBe(503);

    await drained;
    const codes = await Promise.all(clients.map((c) => c.closed));
    expect(codes.every((c) => c.code === 1012)).toBe(true);
    // Not all in the same instant: the closes are spread over a good part of the drain period.
    const spreadMs = Math.max(...closedAt) - Math.min(...closedAt);
    expect(spreadMs).toBeGreaterThan(100);
    expect((await fetch(`${e.httpUrl}/health`)).status).toBe(200);
  });

  it('closes whatever is left with 1001 on stop', async () => {
    const e = await startTestEdge();
    const c = await connectClient(e.wsUrl);
    await e.stop();
    await expect(c.closed).resolves.toMatchObject({ code: 1001 });
    await e.stop();
  });
});

describe('edge HTTP views', () => {
  it('serves health, readiness, metrics and the seed /ws/* shapes', async () => {
    const e = await edgeWith({ config: { watchTickers: ['005930', '000660'] } });
    const produce = createTestProducer(e.bus, e.lastValues);
    const c = await client(`${e.wsUrl}?subscribe=price:005930,market-gate`);
    await c.next(ofType('connected'));
    await produce('price:005930', aPriceUpdate('005930'));
    await c.next(ofType('price_update'));

    const health = (await (await fetch(`${e.httpUrl}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'healthy', service: 'edge' });

    const stats = (await (await fetch(`${e.httpUrl}/ws/stats`)).json()) as Record<string, unknown>;
    expect(Object.keys(stats).sort()).toEqual(
      [
        'active_connections',
        'active_tickers',
        'bridge_running',
        'bridge_tickers',
        'broadcaster_running',
        'heartbeat_running',
        'recv_timeout',
        'signal_broadcaster_running',
        'subscriptions',
      ].sort(),
    );
    expect(stats).toMatchObject({
      active_connections: 1,
      subscriptions: { 'price:005930': 1, 'market-gate': 1 },
      active_tickers: ['005930'],
      bridge_running: true,
      broadcaster_running: true,
      heartbeat_running: true,
      signal_broadcaster_running: false,
      recv_timeout: 120,
    });

    const status = (await (await fetch(`${e.httpUrl}/ws/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      websocket: { active_connections: 1, active_topics: 2, total_subscriptions: 2 },
      heartbeat: { running: true },
      price_broadcaster: { running: true, active_tickers: ['005930'], ticker_count: 1 },
    });

    expect(await (await fetch(`${e.httpUrl}/ws/tickers`)).json()).toEqual({
      active_tickers: ['005930'],
      default_tickers: ['005930', '000660'],
    });

    const metrics = await (await fetch(`${e.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^edge_ws_connections\{service="edge"\} 1$/m);
    expect(metrics).toMatch(/^edge_topics\{service="edge"\} 2$/m);
    expect(metrics).toMatch(/^edge_fanout_lag_seconds_count\{service="edge"\} 1$/m);
    expect((await fetch(`${e.httpUrl}/nope`)).status).toBe(404);
  });

  it('serves the REST views from the same last values WebSocket subscribers get', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    await produce('price:005930', { ...aPriceUpdate('005930', 71_000), source: 'db', as_of: '2026-11-24', stale: false });
    await produce('market-gate', aGateUpdate('RED', 0));
    const signals = (type: string) => ({
      type: 'signal_update',
      data: {
        signal_type: type,
        signals: [
          { ticker: '005930', name: '삼성전자', grade: 'A', score: 72 },
          { ticker: '000660', name: 'SK하이닉스', grade: 'B', score: 61 },
        ],
        count: 2,
        timestamp: new Date().toISOString(),
      },
    });
    await produce('signal:vcp', signals('VCP'));
    await produce('signal:jongga_v2', signals('JONGGA_V2'));

    const c = await client(`${e.wsUrl}?subscribe=market-gate,price:005930`);
    const wsGate = await c.next(ofType('market_gate_update'));
    const wsPrice = await c.next(ofType('price_update'));

    const prices = (await (await fetch(`${e.httpUrl}/api/kr/realtime-prices?tickers=005930,000660`)).json()) as {
      prices: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(prices.prices)).toEqual(['005930']);
    const wsData = wsPrice.data as Record<string, unknown>;
    expect(prices.prices['005930']).toEqual({
      ticker: '005930',
      price: wsData.price,
      change: wsData.change,
      change_rate: wsData.change_rate,
      change_percent: wsData.change_rate,
      volume: wsData.volume,
      timestamp: wsPrice.timestamp,
      source: 'db',
      as_of: '2026-11-24',
      stale: false,
    });

    const gate = (await (await fetch(`${e.httpUrl}/api/kr/market-gate`)).json()) as Record<string, unknown>;
    const wsGateData = wsGate.data as Record<string, unknown>;
    expect(gate).toMatchObject({
      status: 'RED',
      level: 0,
      kospi_close: wsGateData.kospi,
      kospi_change_pct: 1.2,
      kospi_status: '강세',
      kosdaq_change_pct: 0,
      kosdaq_status: '소폭 하락',
      updated_at: wsGate.timestamp,
      data_available: true,
    });
    expect(gate.sectors).toEqual([{ name: '반도체', signal: 'bullish', change_pct: 2.1, score: 71 }]);

    const vcp = (await (await fetch(`${e.httpUrl}/api/kr/signals?limit=1`)).json()) as Record<string, unknown>[];
    expect(vcp).toEqual([{ ticker: '005930', name: '삼성전자', grade: 'A', score: 72, signal_type: 'vcp' }]);
    const jongga = (await (await fetch(`${e.httpUrl}/api/kr/jongga-v2/latest`)).json()) as Record<string, unknown>[];
    expect(jongga.map((s) => s.signal_type)).toEqual(['jongga_v2', 'jongga_v2']);
  });

  it('rejects bad REST input with a clear 400', async () => {
    const e = await edgeWith();
    const get = async (path: string) => {
      const res = await fetch(`${e.httpUrl}${path}`);
      return [res.status, await res.json()] as const;
    };
    expect(await get('/api/kr/realtime-prices')).toEqual([400, { detail: 'tickers parameter is required' }]);
    expect(await get('/api/kr/realtime-prices?tickers=,')).toEqual([400, { detail: 'At least one ticker is required' }]);
    expect(await get('/api/kr/realtime-prices?tickers=005930,12345')).toEqual([400, { detail: 'Invalid ticker format: 12345' }]);
    expect((await get('/api/kr/signals?limit=0'))[0]).toBe(400);
    expect(await get('/api/kr/signals')).toEqual([200, []]);
    expect(await get('/api/kr/market-gate')).toEqual([
      200,
      expect.objectContaining({ status: 'YELLOW', level: 50, data_available: false }),
    ]);
  });
});
