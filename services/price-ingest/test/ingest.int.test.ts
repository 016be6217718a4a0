import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNatsBus, createRedisLastValueStore } from '@repo/bus';
import { migrate, openDb, type Db } from '@repo/db';
import { createKiwoomClient, type KiwoomClient } from '@repo/kiwoom';
import { DEFAULT_APP_KEY, DEFAULT_SECRET_KEY, createKiwoomSim, parseKiwoomSimConfig, type KiwoomSim } from '@repo/kiwoom-sim';
import { kstDate } from '@repo/market';
import { createRegistry, silentLogger } from '@repo/observability';
import { createTestDatabase } from '../../../test/fixtures/database.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';
import { startTestEdge, type TestEdge } from '../../edge/test/harness.js';
import { createPriceIngest, type PriceIngest } from '../src/app.js';
import { backfillDailyPrices } from '../src/backfill.js';
import { parseIngestConfig } from '../src/config.js';

// The quote path end to end on real servers: edge → ctl.demand → price-ingest → Kiwoom simulator
// (or PostgreSQL when it fails) → NATS → edge → client.
const closers: (() => Promise<unknown>)[] = [];
let sim: KiwoomSim;
let db: Db;
let ingest: PriceIngest;
let edge: TestEdge;
let edgeNc: NatsConnection;
/** Every ticker list ingest asked ka10095 for, in order. */
const polled: string[][] = [];
const WATCHED = '005930';

const price = (f: Frame): { price: number } => f['data'] as { price: number };

beforeAll(async () => {
  sim = createKiwoomSim({
    config: parseKiwoomSimConfig({ KIWOOM_SIM_PORT: '0', KIWOOM_SIM_RATE_LIMITS: '*:0', KIWOOM_SIM_CLOCK: 'session' }),
    logger: silentLogger,
  });
  await sim.start();
  closers.push(() => sim.stop());

  const database = await createTestDatabase(inject('databaseUrl'), 'ingest');
  closers.push(() => database.drop());
  db = await openDb({ url: database.url });
  closers.push(() => db.close());
  await migrate(db);

  const real = createKiwoomClient({
    baseUrl: sim.url,
    appKey: DEFAULT_APP_KEY,
    secretKey: DEFAULT_SECRET_KEY,
    timeoutMs: 300,
    maxRetries: 0,
    rateLimits: { default: { perSecond: 500, burst: 100 } },
  });
  closers.push(async () => real.close());
  // History for the fallback: a few days of the tickers the tests use.
  await backfillDailyPrices({
    kiwoom: real,
    db,
    baseDate: kstDate(sim.clock.now()),
    days: 5,
    tickers: [WATCHED, '035420', '000660'],
    logger: silentLogger,
  });
  const kiwoom: KiwoomClient = {
    ...real,
    quotes: (tickers, options) => {
      polled.push([...tickers]);
      return real.quotes(tickers, options);
    },
  };

  const prefix = `ingest${randomUUID()}:`;
  const redis = new Redis(inject('redisUrl'));
  closers.push(() => redis.quit());
  const lastValues = createRedisLastValueStore(redis, { keyPrefix: prefix });
  const ingestNc = await connect({ servers: inject('natsUrl') });
  closers.push(() => ingestNc.close());
  edgeNc = await connect({ servers: inject('natsUrl') });
  closers.push(() => edgeNc.close());

  const config = {
    ...parseIngestConfig({}),
    pollIntervalMs: 100,
    offHoursIntervalMs: 100,
    watchTickers: [WATCHED],
    breakerFailures: 2,
    breakerCooldownMs: 200,
    breakerMaxCooldownMs: 400,
  };
  ingest = createPriceIngest({
    config,
    logger: silentLogger,
    registry: createRegistry({ service: 'ingest', defaultMetrics: false }),
    instanceId: 'ingest-test',
    bus: createNatsBus(ingestNc),
    lastValues,
    db,
    kiwoom,
    clock: () => sim.clock.now(),
  });
  await ingest.start();
  closers.push(() => ingest.stop());

  edge = await startTestEdge({ bus: createNatsBus(edgeNc), lastValues, config: { demandLeaseIntervalMs: 100 } });
  closers.push(() => edge.stop());
}, 60_000);

afterAll(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

describe('price-ingest with an edge, the simulator and PostgreSQL', () => {
  it('polls a ticker once a client subscribes, delivers its Kiwoom quote, and stops after the last one leaves', async () => {
    const c = await connectClient(`${edge.wsUrl}?subscribe=price:035420`);
    try {
      const update = await c.next((f) => f.type === 'price_update', { timeoutMs: 5_000 });
      expect(update).toMatchObject({ topic: 'price:035420', ticker: '035420', source: 'kiwoom_rest', stale: false });
      expect(price(update).price).toBeGreaterThan(0);
      expect(String(update['timestamp'])).toMatch(/\+09:00$/);
      expect(polled.some((batch) => batch.includes('035420'))).toBe(true);
    } finally {
      await c.close();
    }
    // The edge's delta removes it at once; a later poll no longer asks for it, the watch list stays.
    const mark = polled.length;
    await waitFor('a poll without 035420', () => polled.slice(mark).some((batch) => !batch.includes('035420') && batch.includes(WATCHED)));
  });

  it('forgets the demand of an edge that vanished once its lease lapses', async () => {
    const orphanNc = await connect({ servers: inject('natsUrl') });
    const orphanRedis = new Redis(inject('redisUrl'));
    closers.push(() => orphanRedis.quit());
    const orphan = await startTestEdge({
      bus: createNatsBus(orphanNc),
      lastValues: createRedisLastValueStore(orphanRedis, { keyPrefix: `orphan${randomUUID()}:` }),
      config: { demandLeaseIntervalMs: 100 },
    });
    const c = await connectClient(`${orphan.wsUrl}?subscribe=price:000660`);
    await waitFor('000660 polled', () => polled.some((batch) => batch.includes('000660')));
    // The edge dies without a goodbye: its bus connection is gone, its lease is not renewed.
    await orphanNc.close();
    const mark = polled.length;
    await waitFor('000660 forgotten after the lease TTL', () => polled.slice(mark).some((batch) => !batch.includes('000660')), {
      timeoutMs: 5_000,
    });
    c.ws.terminate();
    await orphan.stop();
  });

  it.each([
    ['http_5xx', { kind: 'http_5xx', apiId: 'ka10095', httpStatus: 503 }],
    ['rate_limit_429', { kind: 'rate_limit_429', apiId: 'ka10095' }],
    ['slow', { kind: 'slow', apiId: 'ka10095', delayMs: 2_000 }],
  ])('keeps quotes coming from the database while Kiwoom answers %s, then returns to Kiwoom', async (_name, fault) => {
    const c = await connectClient(`${edge.wsUrl}?subscribe=price:${WATCHED}`);
    try {
      await c.next((f) => f.type === 'price_update' && f['source'] === 'kiwoom_rest', { timeoutMs: 5_000 });
      const added = await fetch(`${sim.url}/admin/faults`, {
        method: 'PUT',
        body: JSON.stringify(fault),
        headers: { 'content-type': 'application/json' },
      });
      expect(added.status).toBe(201);
      const fromDb = await c.next((f) => f.type === 'price_update' && f['source'] === 'db', { timeoutMs: 10_000 });
      expect(fromDb).toMatchObject({ ticker: WATCHED, as_of: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown });
      expect(fromDb['data']).toMatchObject({ bid_price: null, ask_price: null });
      await fetch(`${sim.url}/admin/faults`, { method: 'DELETE' });
      const index = c.frames.indexOf(fromDb);
      await c.next((f) => f.type === 'price_update' && f['source'] === 'kiwoom_rest', { timeoutMs: 10_000, fromIndex: index + 1 });
      // Sequence numbers only go up through the switch back and forth.
      const seqs = c.frames.filter((f) => f.type === 'price_update').map((f) => Number(f['seq']));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      await fetch(`${sim.url}/admin/faults`, { method: 'DELETE' });
      await c.close();
    }
  });
});
