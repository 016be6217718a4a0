import { afterEach } from 'vitest';
import { connectClient, type ConnectOptions, type Frame, type TestClient } from '../../../test/fixtures/ws-client.js';
import { createMemoryBus, createMemoryLastValueStore, createTopicPublisher, type Bus, type LastValueStore } from '@repo/bus';
import { createRegistry, silentLogger } from '@repo/observability';
import { decodeEnvelope, type FanoutPayload } from '@repo/protocol';
import type { Registry } from 'prom-client';
import { createEdge, type Edge, type EdgeDeps, type EdgeOptions } from '../src/app.js';
import { parseEdgeConfig } from '../src/config.js';

export interface TestEdge {
  readonly edge: Edge;
  readonly bus: Bus;
  readonly lastValues: LastValueStore;
  readonly registry: Registry;
  readonly wsUrl: string;
  readonly httpUrl: string;
  stop(): Promise<void>;
}

export interface TestEdgeOptions {
  readonly config?: Partial<EdgeOptions>;
  readonly bus?: Bus;
  readonly lastValues?: LastValueStore;
  readonly legacyRelay?: EdgeDeps['legacyRelay'];
  readonly authenticator?: EdgeDeps['authenticator'];
}

/** An edge on 127.0.0.1 port 0 with the defaults of its config schema, in-memory ports unless given. */
export async function startTestEdge(opts: TestEdgeOptions = {}): Promise<TestEdge> {
  const bus = opts.bus ?? createMemoryBus();
  const lastValues = opts.lastValues ?? createMemoryLastValueStore();
  const registry = createRegistry({ service: 'edge', defaultMetrics: false });
  const config = { ...parseEdgeConfig({}), host: '127.0.0.1', port: 0, ...opts.config };
  const edge = createEdge({
    config,
    logger: silentLogger,
    registry,
    bus,
    lastValues,
    ...(opts.legacyRelay ? { legacyRelay: opts.legacyRelay } : {}),
    ...(opts.authenticator ? { authenticator: opts.authenticator } : {}),
  });
  await edge.start();
  return {
    edge,
    bus,
    lastValues,
    registry,
    wsUrl: `ws://127.0.0.1:${edge.port}/ws`,
    httpUrl: `http://127.0.0.1:${edge.port}`,
    async stop() {
      await edge.stop();
    },
  };
}

/** A producer stand-in: the shared topic publisher; resolves with the seq it published. */
export function createTestProducer(bus: Bus, lastValues: LastValueStore, src = 'test-producer') {
  const publisher = createTopicPublisher({ bus, lastValues, src });
  return async (topic: string, data: FanoutPayload): Promise<number> => {
    await publisher.publish(topic, data);
    const stored = await lastValues.get(topic);
    return stored === null ? 0 : decodeEnvelope(stored).seq;
  };
}

export function aPriceUpdate(ticker: string, price = 72_400): FanoutPayload {
  return {
    type: 'price_update',
    ticker,
    data: { price, change: 1_400, change_rate: 1.97, volume: 13_527_412, bid_price: price, ask_price: price + 100 },
    timestamp: new Date().toISOString(),
    source: 'kiwoom_rest',
  };
}

export function aGateUpdate(status: 'GREEN' | 'YELLOW' | 'RED' = 'GREEN', level = 75): FanoutPayload {
  return {
    type: 'market_gate_update',
    timestamp: new Date().toISOString(),
    data: {
      status,
      level,
      kospi: 2_650.12,
      kospi_change_pct: 1.2,
      kosdaq: 870.5,
      kosdaq_change_pct: 0,
      sectors: [{ name: '반도체', ticker: '091160', change_pct: 2.1, signal: 'bullish' }],
    },
  };
}

/** Reads one counter or gauge sample from the registry. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const sample = values.find((v) => Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val));
  return sample?.value ?? 0;
}

/**
 * Edges and clients that close after each test of the calling file, in reverse order of creation
 * (clients before the edge they are connected to).
 */
export function useEdgeScope(): {
  edgeWith: (opts?: TestEdgeOptions) => Promise<TestEdge>;
  client: (url: string, opts?: ConnectOptions) => Promise<TestClient>;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return {
    async edgeWith(opts = {}) {
      const edge = await startTestEdge(opts);
      cleanups.push(() => edge.stop());
      return edge;
    },
    async client(url, opts) {
      const c = await connectClient(url, opts);
      cleanups.push(() => c.close());
      return c;
    },
  };
}

/** Matches a frame by type and, optionally, a few top-level fields. */
export const ofType =
  (type: string, extra: Record<string, unknown> = {}) =>
  (f: Frame): boolean =>
    f.type === type && Object.entries(extra).every(([k, v]) => f[k] === v);
