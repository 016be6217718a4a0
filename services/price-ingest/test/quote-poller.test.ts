import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus, createMemoryLastValueStore, createTopicPublisher, type Bus } from '@repo/bus';
import { migrate, openDb, upsertDailyPrices, type Db } from '@repo/db';
import { KiwoomError, type IndexQuote, type KiwoomClient, type Quote, type QuotesResult } from '@repo/kiwoom';
import { createRegistry, silentLogger } from '@repo/observability';
import { DEMAND_SUBJECT, decodeEnvelope, encodeDemand, type BusEnvelope, type PriceUpdate } from '@repo/protocol';
import { createCircuitBreaker } from '../src/circuit-breaker.js';
import { createDemandTracker } from '../src/demand-tracker.js';
import { createIngestMetrics } from '../src/metrics.js';
import { createQuotePoller } from '../src/quote-poller.js';

// One PGlite per file (it takes seconds to start): the fallback reads real SQL.
let db: Db;
beforeAll(async () => {
  db = await openDb({ url: 'pglite:memory' });
  await migrate(db);
  const bar = (ticker: string, date: string, close: number) => ({
    ticker,
    date,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1_000,
    source: 'test',
  });
  await upsertDailyPrices(db, [
    bar('005930', '2026-11-24', 71_000),
    bar('005930', '2026-11-23', 70_000),
    bar('000660', '2026-11-10', 200_000),
    bar('000660', '2026-11-07', 190_000),
  ]);
}, 60_000);
afterAll(async () => {
  await db.close();
});

/** Wednesday 2026-11-25, 10:00 KST: a session is open; the last completed trading day is the 24th. */
const SESSION_NOW = new Date('2026-11-25T01:00:00Z');

function aQuote(ticker: string, price: number): Quote {
  return {
    ticker,
    name: ticker,
    price,
    change: price - 70_000,
    changeRate: ((price - 70_000) / 70_000) * 100,
    sign: null,
    volume: 5_000,
    tradingValue: price * 5_000,
    open: 70_000,
    high: price,
    low: 70_000,
    prevClose: 70_000,
    bestBid: price - 100,
    bestAsk: price,
    upperLimit: null,
    lowerLimit: null,
    expectedPrice: null,
    expectedVolume: null,
    marketCap: null,
    listedShares: null,
    time: '2026-11-25T10:00:00+09:00',
  };
}

interface FakeKiwoom extends Pick<KiwoomClient, 'quotes' | 'indexQuote'> {
  calls: string[][];
  failing: boolean;
  prices: Map<string, number>;
}

function fakeKiwoom(): FakeKiwoom {
  const fake: FakeKiwoom = {
    calls: [],
    failing: false,
    prices: new Map([['005930', 72_000]]),
    async quotes(tickers): Promise<QuotesResult> {
      fake.calls.push([...tickers]);
      if (fake.failing) throw new KiwoomError('KIWOOM_UNAVAILABLE', 'simulated outage', { retryable: true, httpStatus: 503 });
      const quotes = tickers.map((t) => {
        const price = fake.prices.get(t);
        return price === undefined ? null : aQuote(t, price);
      });
      return { quotes, unknownTickers: tickers.filter((t) => !fake.prices.has(t)), unpricedTickers: [] };
    },
    async indexQuote(code): Promise<IndexQuote> {
      if (fake.failing) throw new KiwoomError('KIWOOM_UNAVAILABLE', 'simulated outage', { retryable: true, httpStatus: 503 });
      return {
        code,
        name: code === '001' ? 'KOSPI' : 'KOSDAQ',
        value: 2_600,
        change: 10,
        changeRate: 0.385,
        volume: 1_000,
      } as unknown as IndexQuote;
    },
  };
  return fake;
}

function setup(kiwoom: FakeKiwoom, watch: string[] = []) {
  const bus: Bus = createMemoryBus();
  const seen: BusEnvelope[] = [];
  bus.subscribe('md.>', (data) => seen.push(decodeEnvelope(data)));
  const demand = createDemandTracker({ bus, watchList: watch, logger: silentLogger });
  demand.start();
  const registry = createRegistry({ service: 'ingest', defaultMetrics: false });
  const metrics = createIngestMetrics(registry);
  const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000, maxCooldownMs: 60_000 });
  const poller = createQuotePoller({
    kiwoom,
    db,
    demand,
    breaker,
    metrics,
    logger: silentLogger,
    publisher: createTopicPublisher({ bus, lastValues: createMemoryLastValueStore(), src: 'test' }),
    clock: () => SESSION_NOW,
    isLeader: () => true,
    pollIntervalMs: 60_000,
    offHoursIntervalMs: 60_000,
  });
  const prices = (): PriceUpdate[] => seen.filter((e) => e.topic.startsWith('price:')).map((e) => e.data as PriceUpdate);
  const demandDelta = (add: string[], remove: string[] = []) =>
    bus.publish(DEMAND_SUBJECT, encodeDemand({ v: 1, kind: 'delta', owner: 'edge-1', add, remove, ts: SESSION_NOW.toISOString() }));
  /** The current value of a metric series, by name and labels (0 when absent). */
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
    const hit = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
    return hit?.value ?? 0;
  };
  return { bus, seen, prices, poller, breaker, demandDelta, metric };
}

describe('QuotePoller', () => {
  it('polls the demanded and watched tickers and publishes canonical Kiwoom quotes once per change', async () => {
    const kiwoom = fakeKiwoom();
    const { prices, poller, demandDelta, seen } = setup(kiwoom, ['005930']);
    await poller.pollOnce();
    expect(kiwoom.calls).toEqual([['005930']]);
    expect(prices()).toEqual([
      {
        type: 'price_update',
        ticker: '005930',
        data: {
          price: 72_000,
          change: 2_000,
          change_rate: 2.86,
          volume: 5_000,
          bid_price: 71_900,
          ask_price: 72_000,
          open: 70_000,
          high: 72_000,
          low: 70_000,
          trading_value: 360_000_000,
          prev_close: 70_000,
        },
        timestamp: '2026-11-25T10:00:00+09:00',
        source: 'kiwoom_rest',
        as_of: '2026-11-25',
        stale: false,
      },
    ]);
    expect(seen.filter((e) => e.topic.startsWith('market:')).map((e) => e.topic)).toEqual(['market:kospi', 'market:kosdaq']);

    await poller.pollOnce();
    expect(prices()).toHaveLength(1); // nothing changed, nothing published

    demandDelta(['0015N0']);
    kiwoom.prices.set('0015N0', 12_000);
    kiwoom.prices.set('005930', 72_100);
    await poller.pollOnce();
    expect(kiwoom.calls.at(-1)).toEqual(['005930', '0015N0']);
    expect(prices().map((p) => [p.ticker, p.data.price])).toEqual([
      ['005930', 72_000],
      ['005930', 72_100],
      ['0015N0', 12_000],
    ]);

    demandDelta([], ['0015N0']);
    await poller.pollOnce();
    expect(kiwoom.calls.at(-1)).toEqual(['005930']);
  });

  it('answers tickers Kiwoom does not know from the database, labelled and marked stale when old', async () => {
    const kiwoom = fakeKiwoom();
    const { prices, poller } = setup(kiwoom, ['005930', '000660']);
    kiwoom.prices.delete('005930');
    await poller.pollOnce();
    const byTicker = new Map(prices().map((p) => [p.ticker, p]));
    // change against the bar before, never close − open; the session close as the time.
    expect(byTicker.get('005930')).toEqual({
      type: 'price_update',
      ticker: '005930',
      data: {
        price: 71_000,
        change: 1_000,
        change_rate: 1.43,
        volume: 1_000,
        bid_price: null,
        ask_price: null,
        open: 71_000,
        high: 71_000,
        low: 71_000,
        trading_value: null,
        prev_close: 70_000,
      },
      timestamp: '2026-11-24T15:30:00+09:00',
      source: 'db',
      as_of: '2026-11-24',
      stale: false,
    });
    expect(byTicker.get('000660')).toMatchObject({
      source: 'db',
      as_of: '2026-11-10',
      stale: true,
      data: { price: 200_000, change: 10_000, change_rate: 5.26 },
    });
  });

  it('opens the breaker on repeated failures, serves the database meanwhile without calling Kiwoom, and returns to Kiwoom', async () => {
    const kiwoom = fakeKiwoom();
    const { prices, poller, breaker, metric } = setup(kiwoom, ['005930']);
    kiwoom.failing = true;
    await poller.pollOnce(); // ka10095 fails, both indices fail: three failures, the breaker opens
    expect(breaker.state()).toBe('open');
    const callsWhenOpened = kiwoom.calls.length;
    await poller.pollOnce();
    await poller.pollOnce();
    expect(kiwoom.calls.length).toBe(callsWhenOpened); // no calls while open
    expect(prices().map((p) => p.source)).toEqual(['db']); // one db quote; unchanged ones are not republished
    expect(await metric('ingest_fallback_tickers', { reason: 'breaker_open' })).toBe(1);
    expect(await metric('ingest_kiwoom_errors_total', { code: 'KIWOOM_UNAVAILABLE' })).toBeGreaterThan(0);

    kiwoom.failing = false;
    breaker.success(); // as a successful half-open probe would
    await poller.pollOnce();
    expect(prices().map((p) => p.source)).toEqual(['db', 'kiwoom_rest']);
    // The gauge describes the last cycle only.
    expect(await metric('ingest_fallback_tickers', { reason: 'breaker_open' })).toBe(0);
  });

  it('exports every fallback reason and Kiwoom error code at 0 before anything happened, and the trading session', async () => {
    const { metric, poller } = setup(fakeKiwoom());
    for (const reason of ['kiwoom_error', 'breaker_open', 'not_in_kiwoom']) {
      expect(await metric('ingest_fallback_tickers', { reason })).toBe(0);
      expect(await metric('ingest_fallback_quotes_total', { reason })).toBe(0);
    }
    expect(await metric('ingest_kiwoom_errors_total', { code: 'KIWOOM_RATE_LIMITED' })).toBe(0);
    poller.start();
    await poller.stop();
    // SESSION_NOW is inside the continuous session.
    expect(await metric('ingest_session_trading')).toBe(1);
  });
});
