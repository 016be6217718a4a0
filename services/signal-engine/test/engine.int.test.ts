import { Redis } from 'ioredis';
import { connect } from 'nats';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNatsBus, createRedisLastValueStore, createTopicPublisher, type Bus, type LastValueStore } from '@repo/bus';
import { latestSignalSet, migrate, openDb, type Db } from '@repo/db';
import { createKiwoomClient } from '@repo/kiwoom';
import { DEFAULT_APP_KEY, DEFAULT_SECRET_KEY, createKiwoomSim, parseKiwoomSimConfig, type KiwoomSim } from '@repo/kiwoom-sim';
import { createRegistry, silentLogger } from '@repo/observability';
import { backfillDailyPrices } from '@repo/price-ingest';
import { decodeEnvelope, type IndexUpdate } from '@repo/protocol';
import { createTestDatabase } from '../../../test/fixtures/database.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame, type TestClient } from '../../../test/fixtures/ws-client.js';
import { startTestEdge, type TestEdge } from '../../edge/test/harness.js';
import { createSignalEngine, type SignalEngine } from '../src/app.js';
import { parseSignalEngineConfig } from '../src/config.js';

// The simulator's planted setups, found by the real computation from real PostgreSQL history and
// delivered to a browser-side client through NATS and an edge. After the close of 2026-11-25:
// the final sets of the day.
const AFTER_CLOSE = '2026-11-25T15:45:00+09:00';
const closers: (() => Promise<unknown>)[] = [];
let sim: KiwoomSim;
let db: Db;
let bus: Bus;
let lastValues: LastValueStore;
let engine: SignalEngine;
let edge: TestEdge;
let prefix: string;

const engineConfig = { ...parseSignalEngineConfig({}), tickMs: 60_000 };
const items = (f: Frame): Record<string, unknown>[] => (f['data'] as { signals: Record<string, unknown>[] }).signals;

async function newEngine(store: LastValueStore, engineBus: Bus): Promise<SignalEngine> {
  const e = createSignalEngine({
    config: engineConfig,
    logger: silentLogger,
    registry: createRegistry({ service: 'signals', defaultMetrics: false }),
    instanceId: `engine-${randomUUID()}`,
    bus: engineBus,
    lastValues: store,
    db,
    clock: () => sim.clock.now(),
  });
  closers.push(() => e.stop());
  return e;
}

beforeAll(async () => {
  sim = createKiwoomSim({
    config: parseKiwoomSimConfig({
      KIWOOM_SIM_PORT: '0',
      KIWOOM_SIM_RATE_LIMITS: '*:0',
      KIWOOM_SIM_CLOCK: AFTER_CLOSE,
      KIWOOM_SIM_SPEED: '0',
    }),
    logger: silentLogger,
  });
  await sim.start();
  closers.push(() => sim.stop());
  const database = await createTestDatabase(inject('databaseUrl'), 'signals');
  closers.push(() => database.drop());
  db = await openDb({ url: database.url });
  closers.push(() => db.close());
  await migrate(db);
  const kiwoom = createKiwoomClient({
    baseUrl: sim.url,
    appKey: DEFAULT_APP_KEY,
    secretKey: DEFAULT_SECRET_KEY,
    rateLimits: { default: { perSecond: 1_000, burst: 200 } },
  });
  closers.push(async () => kiwoom.close());
  const result = await backfillDailyPrices({ kiwoom, db, baseDate: '20261125', days: 300, concurrency: 8, logger: silentLogger });
  expect(result.failed).toEqual([]);

  prefix = `signals${randomUUID()}:`;
  const redis = new Redis(inject('redisUrl'));
  closers.push(() => redis.quit());
  lastValues = createRedisLastValueStore(redis, { keyPrefix: prefix });
  const nc = await connect({ servers: inject('natsUrl') });
  closers.push(() => nc.close());
  bus = createNatsBus(nc);
  const edgeNc = await connect({ servers: inject('natsUrl') });
  closers.push(() => edgeNc.close());
  edge = await startTestEdge({ bus: createNatsBus(edgeNc), lastValues });
  closers.push(() => edge.stop());
  engine = await newEngine(lastValues, bus);
  await engine.start();
}, 120_000);

afterAll(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function client(topics: string): Promise<TestClient> {
  const c = await connectClient(`${edge.wsUrl}?subscribe=${topics}`);
  closers.push(() => c.close());
  return c;
}

describe('signal-engine on the simulator’s planted setups', () => {
  it('finds the VCP setup and breakout, persists the set and delivers it on subscribe', async () => {
    await waitFor('the VCP set', async () => (await latestSignalSet(db, 'VCP')) !== undefined, { timeoutMs: 30_000 });
    const c = await client('signal:vcp');
    const update = await c.next((f) => f.type === 'signal_update');
    const byTicker = new Map(items(update).map((s) => [s['ticker'], s]));
    expect(byTicker.get('042700')).toMatchObject({
      state: 'setup',
      signal_type: 'vcp',
      grade: expect.stringMatching(/^[SAB]$/) as unknown,
    });
    expect(byTicker.get('010120')).toMatchObject({ state: 'breakout', grade: expect.stringMatching(/^[SAB]$/) as unknown });
    expect(update['data']).toMatchObject({ signal_type: 'VCP', count: items(update).length, as_of: '2026-11-25' });
    // What clients got is what was persisted (and what REST serves).
    const stored = await latestSignalSet(db, 'VCP');
    expect((stored?.payload as { data: unknown }).data).toEqual(update['data']);
    const rest = (await (await fetch(`${edge.httpUrl}/api/kr/signals?limit=100`)).json()) as Record<string, unknown>[];
    expect(rest.map((s) => s['ticker'])).toEqual(items(update).map((s) => s['ticker']));
  });

  it('finds the closing-bet candidate with its grade and levels', async () => {
    await waitFor('the closing-bet set', async () => (await latestSignalSet(db, 'JONGGA_V2')) !== undefined, { timeoutMs: 30_000 });
    const c = await client('signal:jongga_v2');
    const update = await c.next((f) => f.type === 'signal_update');
    const candidate = items(update).find((s) => s['ticker'] === '064350');
    expect(candidate).toMatchObject({ grade: 'B', signal_type: 'jongga_v2' });
    expect(Number(candidate?.['stop_loss'])).toBeLessThan(Number(candidate?.['entry_price']));
    expect(Number(candidate?.['target_price'])).toBeGreaterThan(Number(candidate?.['entry_price']));
    expect((await (await fetch(`${edge.httpUrl}/api/kr/jongga-v2/latest`)).json()) as unknown[]).toHaveLength(items(update).length);
  });

  it('does not republish an unchanged set, and a restarted engine serves the same set', async () => {
    const before = decodeEnvelope((await lastValues.get('signal:vcp')) ?? '');
    const rowsBefore = (await latestSignalSet(db, 'VCP'))?.id;
    await engine.run('vcp');
    expect(decodeEnvelope((await lastValues.get('signal:vcp')) ?? '').seq).toBe(before.seq);
    expect((await latestSignalSet(db, 'VCP'))?.id).toBe(rowsBefore);

    // A new engine with an empty last-value store (a new Redis prefix) restores from the database.
    const redis = new Redis(inject('redisUrl'));
    closers.push(() => redis.quit());
    const freshStore = createRedisLastValueStore(redis, { keyPrefix: `restart${randomUUID()}:` });
    const restarted = await newEngine(freshStore, bus);
    await restarted.start();
    await waitFor('the restored set', async () => (await freshStore.get('signal:vcp')) !== null);
    expect(decodeEnvelope((await freshStore.get('signal:vcp')) ?? '').data).toEqual(before.data);
  });

  it('moves the market gate from YELLOW to GREEN to RED with the index quotes', async () => {
    const c = await client('market-gate');
    const indexPublisher = createTopicPublisher({ bus, lastValues, src: 'test-ingest' });
    const index = (code: '001' | '101', changeRate: number): IndexUpdate => ({
      type: 'index_update',
      code,
      name: code === '001' ? 'KOSPI' : 'KOSDAQ',
      data: { index: code === '001' ? 2_600 : 850, change: changeRate, change_rate: changeRate, volume: 1 },
      timestamp: new Date().toISOString(),
    });
    const script: [number, number, string, number][] = [
      [0.5, -0.5, 'YELLOW', 50],
      [1.5, 0.5, 'GREEN', 80],
      [-1.5, -1.5, 'RED', 10],
    ];
    for (const [kospi, kosdaq, status, level] of script) {
      await indexPublisher.publish('market:kospi', index('001', kospi));
      await indexPublisher.publish('market:kosdaq', index('101', kosdaq));
      // The snapshot on subscribe may be an earlier gate (also YELLOW at 50, without indices): wait for this step's.
      const gate = await c.next(
        (f) =>
          f.type === 'market_gate_update' &&
          (f['data'] as { kospi_change_pct: number | null }).kospi_change_pct === kospi &&
          (f['data'] as { kosdaq_change_pct: number | null }).kosdaq_change_pct === kosdaq,
        { timeoutMs: 10_000 },
      );
      expect(gate['data']).toMatchObject({ status, level, kospi_change_pct: kospi, kosdaq_change_pct: kosdaq });
    }
    const rest = (await (await fetch(`${edge.httpUrl}/api/kr/market-gate`)).json()) as { status: string; level: number };
    expect(rest).toMatchObject({ status: 'RED', level: 10 });
  });
});
