import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectNats, createLegacyForwarder, createNatsBus, createRedisLastValueStore, type Bus, type LastValueStore } from '@repo/bus';
import { silentLogger } from '@repo/observability';
import { makeEnvelope } from '@repo/protocol';
import { freePort } from '../../../test/fixtures/free-port.js';
import { startNats } from '../../../test/fixtures/nats.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame, type TestClient } from '../../../test/fixtures/ws-client.js';
import { aGateUpdate, aPriceUpdate, createTestProducer, metricValue, startTestEdge, type TestEdge } from './harness.js';

// Real nats-server and redis-server from test/global-setup.ts. Each test uses its own Redis key
// prefix and its own NATS connections; price topics are per-test random tickers where it matters.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
const defer = (fn: () => Promise<unknown>): void => {
  cleanups.push(fn);
};

const ofType = (type: string) => (f: Frame) => f.type === type;

async function natsConnection(url = inject('natsUrl')): Promise<NatsConnection> {
  const nc = await connect({ servers: url });
  defer(() => nc.close());
  return nc;
}

function redisClient(): Redis {
  const redis = new Redis(inject('redisUrl'));
  defer(() => redis.quit());
  return redis;
}

interface RealPorts {
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  readonly prefix: string;
}

async function realPorts(prefix: string): Promise<RealPorts> {
  return {
    bus: createNatsBus(await natsConnection()),
    lastValues: createRedisLastValueStore(redisClient(), { keyPrefix: prefix }),
    prefix,
  };
}

async function edgeOn(ports: RealPorts, extra: Parameters<typeof startTestEdge>[0] = {}): Promise<TestEdge> {
  const edge = await startTestEdge({ bus: ports.bus, lastValues: ports.lastValues, ...extra });
  defer(() => edge.stop());
  return edge;
}

async function client(url: string): Promise<TestClient> {
  const c = await connectClient(url);
  defer(() => c.close());
  return c;
}

describe('edges behind one NATS', () => {
  it('delivers one publish to clients on both edges, and unsubscribes NATS after the last client leaves', async () => {
    const prefix = `t${randomUUID()}:`;
    const a = await edgeOn(await realPorts(prefix));
    const b = await edgeOn(await realPorts(prefix));
    const producerPorts = await realPorts(prefix);
    const produce = createTestProducer(producerPorts.bus, producerPorts.lastValues);

    const onA = await client(`${a.wsUrl}?subscribe=market-gate`);
    const onB = await client(`${b.wsUrl}?subscribe=market-gate`);
    await Promise.all([onA.next(ofType('connected')), onB.next(ofType('connected'))]);
    // Subscriptions travel to the server asynchronously: a flush on each edge's bus orders them first.
    await Promise.all([a.bus.flush(), b.bus.flush()]);

    await produce('market-gate', aGateUpdate('GREEN', 80));
    const [gotA, gotB] = await Promise.all([onA.next(ofType('market_gate_update')), onB.next(ofType('market_gate_update'))]);
    expect(gotA).toEqual(gotB);
    expect(gotA).toMatchObject({ topic: 'market-gate', seq: 1, data: { status: 'GREEN', level: 80 } });

    // The last client on edge B leaves: B unsubscribes from NATS and receives nothing more.
    await onB.close();
    await waitFor('edge B to drop its topic', async () => (await metricValue(b.registry, 'edge_topics')) === 0);
    await b.bus.flush();
    await produce('market-gate', aGateUpdate('RED', 20));
    await onA.next((f) => f.type === 'market_gate_update' && f.seq === 2);
    // NATS delivers in order per connection: after a round trip on B's connection, anything
    // the server had routed to B has arrived.
    await b.bus.flush();
    expect(await metricValue(b.registry, 'edge_bus_messages_total', { result: 'delivered' })).toBe(1);
    expect(await metricValue(a.registry, 'edge_bus_messages_total', { result: 'delivered' })).toBe(2);
  });

  it('delivers the last value from Redis to a subscriber of a freshly restarted edge', async () => {
    const prefix = `t${randomUUID()}:`;
    const producerPorts = await realPorts(prefix);
    const produce = createTestProducer(producerPorts.bus, producerPorts.lastValues);
    const first = await startTestEdge({ ...(await realPorts(prefix)) });
    const early = await connectClient(`${first.wsUrl}?subscribe=price:005930`);
    await early.next(ofType('connected'));
    await first.bus.flush();
    await produce('price:005930', aPriceUpdate('005930', 70_100));
    await produce('price:005930', aPriceUpdate('005930', 70_200));
    await early.next((f) => f.type === 'price_update' && f.seq === 2);
    await first.stop();
    await early.closed;

    const restarted = await edgeOn(await realPorts(prefix));
    const late = await client(restarted.wsUrl);
    late.send({ type: 'subscribe', topic: 'price:005930' });
    const snapshot = await late.next(ofType('price_update'));
    expect(snapshot).toMatchObject({ topic: 'price:005930', seq: 2, data: { price: 70_200 } });
    expect(late.frames.map((f) => f.type)).toEqual(['connected', 'subscribed', 'price_update']);
    expect(await metricValue(restarted.registry, 'edge_snapshots_total', { source: 'redis' })).toBe(1);
  });
});

describe('edge during a NATS outage', () => {
  it('keeps client sockets open, reports not ready, reconnects and resubscribes', async () => {
    const natsA = await startNats();
    // The old port cannot be re-bound for ~60 s after the server closed connections, so the
    // restarted server gets a fresh port that the edge already has in its server list.
    const portB = await freePort();
    defer(() => natsA.stop());
    const edgeNc = await connectNats([natsA.url, `nats://127.0.0.1:${portB}`], {
      logger: silentLogger,
      reconnectTimeWaitMs: 50,
      maxReconnectTimeWaitMs: 200,
      pingIntervalMs: 200,
      maxPingOut: 2,
    });
    defer(() => edgeNc.close());
    const prefix = `t${randomUUID()}:`;
    const lastValues = createRedisLastValueStore(redisClient(), { keyPrefix: prefix });
    const edge = await edgeOn({ bus: createNatsBus(edgeNc), lastValues, prefix });

    const c = await client(`${edge.wsUrl}?subscribe=price:000660`);
    await c.next(ofType('connected'));
    expect((await fetch(`${edge.httpUrl}/ready`)).status).toBe(200);

    await natsA.stop('SIGKILL');
    await waitFor('edge not ready', async () => (await fetch(`${edge.httpUrl}/ready`)).status === 503);
    // A producer writes a new last value while the edge cannot hear the bus.
    const missed = makeEnvelope('price:000660', 7, 'test-producer', aPriceUpdate('000660', 198_000));
    await lastValues.set('price:000660', JSON.stringify(missed));
    const ready = (await (await fetch(`${edge.httpUrl}/ready`)).json()) as { reasons: string[] };
    expect(ready.reasons).toContain('bus reconnecting');
    // The client socket is untouched and still served.
    c.send({ type: 'ping' });
    await c.next(ofType('pong'));

    const natsB = await startNats({ port: portB });
    defer(() => natsB.stop());
    await waitFor('edge ready again', async () => (await fetch(`${edge.httpUrl}/ready`)).status === 200, { timeoutMs: 15_000 });
    // On reconnect the edge re-read the store and delivered what it missed.
    await expect(c.next(ofType('price_update'))).resolves.toMatchObject({ seq: 7, data: { price: 198_000 } });
    expect(await metricValue(edge.registry, 'edge_bus_reconnects_total')).toBeGreaterThanOrEqual(1);

    const producerNc = await natsConnection(natsB.url);
    const produce = createTestProducer(createNatsBus(producerNc), lastValues);
    await edge.bus.flush();
    await produce('price:000660', aPriceUpdate('000660', 199_500));
    await expect(c.next((f) => f.type === 'price_update' && (f.data as { price: number }).price === 199_500)).resolves.toMatchObject({
      topic: 'price:000660',
    });
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });
});

describe('legacy relay (Redis ws:broadcast:<topic>)', () => {
  it('reaches each subscribed client exactly once across two edges, continuing the topic seq and its last value', async () => {
    const prefix = `t${randomUUID()}:`;
    const relayed: string[] = [];
    const relayFor = (ports: RealPorts, owner: string): Parameters<typeof startTestEdge>[0] => {
      const redis = redisClient();
      const redisSubscriber = redisClient();
      return {
        legacyRelay: (onResult) =>
          createLegacyForwarder({
            redis,
            redisSubscriber,
            bus: ports.bus,
            lastValues: ports.lastValues,
            owner,
            channelPrefix: `${prefix}ws:broadcast:`,
            leaseKey: `${prefix}relay:leader`,
            leaseTtlMs: 3_000,
            onResult: (result) => {
              onResult(result);
              relayed.push(`${owner}:${result}`);
            },
          }),
      };
    };
    const portsA = await realPorts(prefix);
    const portsB = await realPorts(prefix);
    const a = await edgeOn(portsA, relayFor(portsA, 'edge-a'));
    const b = await edgeOn(portsB, relayFor(portsB, 'edge-b'));
    const producerPorts = await realPorts(prefix);
    const produce = createTestProducer(producerPorts.bus, producerPorts.lastValues);
    const clients = [
      await client(`${a.wsUrl}?subscribe=market-gate`),
      await client(`${a.wsUrl}?subscribe=market-gate`),
      await client(`${b.wsUrl}?subscribe=market-gate`),
    ];
    const bystander = await client(`${b.wsUrl}?subscribe=signal:vcp`);
    await Promise.all([...clients, bystander].map((c) => c.next(ofType('connected'))));
    await Promise.all([a.bus.flush(), b.bus.flush()]);
    // A producer already published seq 1 and 2 on the topic.
    await produce('market-gate', aGateUpdate('GREEN', 80));
    await produce('market-gate', aGateUpdate('GREEN', 81));
    await Promise.all(clients.map((c) => c.next((f) => f.type === 'market_gate_update' && f.seq === 2)));
    // Exactly one edge holds the relay lease.

    const publisher = redisClient();
    const legacy = {
      type: 'market_gate_update',
      timestamp: '2026-11-25T09:00:00+09:00',
      data: { status: 'YELLOW', level: 55, kospi: 2_600, kospi_change_pct: 0.4, kosdaq: 850, kosdaq_change_pct: -0.2, sectors: [] },
    };
    // The lease is taken on start; wait until one forwarder subscribed (a message published with
    // no subscriber is lost, as in any pub/sub). PUBLISH answers how many subscribers got it; the
    // probe is not an object, so the forwarder drops it (counted as not_object).
    await waitFor('the forwarder to subscribe', async () => (await publisher.publish(`${prefix}ws:broadcast:market-gate`, '[0]')) === 1);
    await publisher.publish(`${prefix}ws:broadcast:market-gate`, JSON.stringify(legacy));
    await publisher.publish(`${prefix}ws:broadcast:`, JSON.stringify({ type: 'market_gate_update' }));
    await publisher.publish(`${prefix}ws:broadcast:market-gate`, 'not json');
    await publisher.publish(`${prefix}ws:broadcast:market-gate`, JSON.stringify({ ...legacy, data: { ...legacy.data, level: 60 } }));

    for (const c of clients) {
      await c.next((f) => f.type === 'market_gate_update' && (f.data as { level: number }).level === 60);
      const updates = c.frames.filter(ofType('market_gate_update'));
      expect(updates.map((f) => [f.seq, (f.data as { level: number }).level])).toEqual([
        [1, 80],
        [2, 81],
        [3, 55],
        [4, 60],
      ]);
      // Verbatim apart from topic, seq and the publish time ts.
      expect(updates[2]).toEqual({
        type: 'market_gate_update',
        topic: 'market-gate',
        seq: 3,
        timestamp: legacy.timestamp,
        data: legacy.data,
        ts: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) as unknown,
      });
    }
    expect(bystander.frames.some(ofType('market_gate_update'))).toBe(false);
    // One forwarder handled everything; the invalid ones were counted, not broadcast.
    expect(new Set(relayed.map((r) => r.split(':')[0])).size).toBe(1);
    const results = relayed.map((r) => r.split(':')[1]).filter((r) => r !== 'not_object');
    expect(results.sort()).toEqual(['forwarded', 'forwarded', 'invalid_json', 'invalid_topic']);
    // The relayed value is the topic's last value: REST on either edge shows it.
    const gate = (await (await fetch(`${b.httpUrl}/api/kr/market-gate`)).json()) as { level: number };
    expect(gate.level).toBe(60);
  });
});
