import { connect } from 'nats';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNatsBus, createRedisLastValueStore } from '@repo/bus';
import { startNginx, type NginxServer } from '../fixtures/nginx.js';
import { connectClient, handshakeStatus, type Frame } from '../fixtures/ws-client.js';
import { aGateUpdate, createTestProducer, startTestEdge, type TestEdge } from '../../services/edge/test/harness.js';

// deploy/nginx/edge.conf in front of two real edges sharing one NATS: the config that ships is
// the config under test, and the variant without the upgrade headers must visibly fail.
const closers: (() => Promise<unknown>)[] = [];
let edges: TestEdge[] = [];
let produce: ReturnType<typeof createTestProducer>;

beforeAll(async () => {
  const prefix = `nginx${randomUUID()}:`;
  const redis = new Redis(inject('redisUrl'));
  closers.push(() => redis.quit());
  const lastValues = createRedisLastValueStore(redis, { keyPrefix: prefix });
  for (let i = 0; i < 2; i += 1) {
    const nc = await connect({ servers: inject('natsUrl') });
    closers.push(() => nc.close());
    const edge = await startTestEdge({ bus: createNatsBus(nc), lastValues });
    closers.push(() => edge.stop());
    edges.push(edge);
  }
  const producerNc = await connect({ servers: inject('natsUrl') });
  closers.push(() => producerNc.close());
  produce = createTestProducer(createNatsBus(producerNc), lastValues);
});

afterAll(async () => {
  while (closers.length > 0) await closers.pop()?.();
  edges = [];
});

async function proxy(transformLocations?: (conf: string) => string): Promise<NginxServer> {
  const nginx = await startNginx({ upstreamPorts: edges.map((e) => e.edge.port), ...(transformLocations ? { transformLocations } : {}) });
  closers.push(() => nginx.stop());
  return nginx;
}

describe('deploy/nginx/edge.conf', () => {
  it('passes WebSocket upgrades to both edges and clients receive fan-out through it', async () => {
    const nginx = await proxy();
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => connectClient(`ws://127.0.0.1:${nginx.port}/ws?subscribe=market-gate`)),
    );
    try {
      await Promise.all(clients.map((c) => c.next((f: Frame) => f.type === 'connected')));
      // nginx spreads the connections over both edges.
      expect(edges.every((e) => e.edge.connectionCount > 0)).toBe(true);
      await Promise.all(edges.map((e) => e.bus.flush()));
      await produce('market-gate', aGateUpdate('GREEN', 90));
      const got = await Promise.all(clients.map((c) => c.next((f: Frame) => f.type === 'market_gate_update')));
      expect(got.every((f) => (f.data as { level: number }).level === 90)).toBe(true);
      // REST through the same proxy; /metrics stays private.
      expect((await fetch(`http://127.0.0.1:${nginx.port}/api/kr/market-gate`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${nginx.port}/metrics`)).status).toBe(404);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('without the Upgrade and Connection headers fails the handshake with 426 from the edge', async () => {
    const broken = (conf: string): string => {
      const stripped = conf.replace(/^\s*proxy_set_header (Upgrade|Connection) .*$/gm, '');
      // Guard against a silent no-op: the lines must have been there to remove.
      expect(stripped).not.toBe(conf);
      return stripped;
    };
    const nginx = await proxy(broken);
    expect(await handshakeStatus(`ws://127.0.0.1:${nginx.port}/ws`)).toBe(426);
    await expect(connectClient(`ws://127.0.0.1:${nginx.port}/ws`)).rejects.toThrow(/426/);
  });
});
