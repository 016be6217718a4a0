/**
 * The client against the Kiwoom simulator (services/kiwoom-sim) on loopback port 0: every TR we
 * use, and every fault kind of the admin API (`PUT /admin/faults`). The simulated clock stands
 * still at a known KST instant, so quotes are stable and the simulator's own rate limiter is off
 * unless a test turns it on.
 */
import { silentLogger } from '@repo/observability';
import { createKiwoomSim, parseKiwoomSimConfig } from '@repo/kiwoom-sim';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createKiwoomClient, type KiwoomClient, type KiwoomClientOptions } from '../src/index.js';

/** Wednesday 2025-09-10 10:30 KST: continuous trading. */
const IN_SESSION = '2025-09-10T10:30:00+09:00';

interface Env {
  readonly client: KiwoomClient;
  /** Calls the admin API; throws unless it answers 2xx. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Adds faults with `PUT /admin/faults`. */
  fault(...faults: readonly Record<string, unknown>[]): Promise<void>;
  /** Requests the simulator received for `apiId` (au10001 for token issues). */
  requests(apiId: string): Promise<number>;
  /** The key pair of the simulator's other mode (it answers 8030). */
  readonly otherKeys: { readonly appKey: string; readonly secretKey: string };
  readonly url: string;
}

async function start(env: Record<string, string> = {}, options: Partial<KiwoomClientOptions> = {}): Promise<Env> {
  const config = parseKiwoomSimConfig({
    KIWOOM_SIM_PORT: '0',
    KIWOOM_SIM_CLOCK: IN_SESSION,
    KIWOOM_SIM_SPEED: '0',
    KIWOOM_SIM_RATE_LIMITS: '*:0',
    KIWOOM_SIM_PAGE_SIZE: '50',
    ...env,
  });
  const sim = createKiwoomSim({ config, logger: silentLogger });
  await sim.start();
  onTestFinished(() => sim.stop());
  const client = createKiwoomClient({
    baseUrl: sim.url,
    appKey: config.appKey,
    secretKey: config.secretKey,
    timeoutMs: 2_000,
    backoff: { baseMs: 1, maxMs: 5 },
    rateLimitedMinDelayMs: 1,
    rateLimits: { default: { perSecond: 1_000, burst: 100 } },
    ...options,
  });
  onTestFinished(() => client.close());
  const admin = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json as Record<string, unknown>;
  };
  return {
    client,
    admin,
    otherKeys: { appKey: config.otherAppKey, secretKey: config.otherSecretKey },
    url: sim.url,
    async fault(...faults) {
      await admin('PUT', '/admin/faults', faults);
    },
    async requests(apiId) {
      const stats = await admin('GET', '/admin/stats');
      const requests = stats['requests'] as Record<string, number>;
      return requests[apiId] ?? 0;
    },
  };
}

describe('KiwoomClient × kiwoom-sim: TRs', () => {
  it('ka10001: one stock with limits around the price', async () => {
    const { client } = await start();
    const info = await client.stockInfo('005930');
    expect(info).toMatchObject({ ticker: '005930', name: '삼성전자' });
    expect(info.price).toBeGreaterThan(0);
    expect(info.upperLimit).toBeGreaterThan(info.price);
    expect(info.lowerLimit).toBeLessThan(info.price);
    expect(info.change).toBe(info.price - (info.basePrice ?? Number.NaN));
    expect(info.marketCap).toBeGreaterThan(0);
  });

  it('ka10095: 100 codes in request order, letter codes included', async () => {
    const { client } = await start();
    const universe = (await client.listStocks('kospi')).stocks.map((s) => s.ticker);
    const codes = [...universe.slice(0, 99), '0015N0'];
    const { quotes, unknownTickers } = await client.quotes(codes);
    expect(unknownTickers).toEqual([]);
    expect(quotes.map((q) => q?.ticker)).toEqual(codes);
    for (const q of quotes) {
      expect(q?.price).toBeGreaterThan(0);
      expect(q?.time).toBe(`2025-09-10T${q?.time?.slice(11, 19) ?? ''}+09:00`);
    }
  });

  it('ka10095: the simulator answers 101 codes with 1634, which the client refuses before sending', async () => {
    const { client, requests } = await start();
    const codes = Array.from({ length: 101 }, () => '005930');
    await expect(client.quotes(codes)).rejects.toMatchObject({ code: 'KIWOOM_BATCH_TOO_LARGE' });
    expect(await requests('ka10095')).toBe(0);
    const raw = client.call({ apiId: 'ka10095', path: '/api/dostk/stkinfo', body: { stk_cd: codes.join('|') } });
    await expect(raw).rejects.toMatchObject({ code: 'KIWOOM_BATCH_TOO_LARGE', kiwoomCode: 1634 });
    expect(await requests('ka10095')).toBe(1);
  });

  it('ka10081: pages through the history newest first, today first', async () => {
    const { client, requests } = await start();
    const pages: number[] = [];
    const { candles, hasMore } = await client.dailyCandles('005930', {
      baseDate: '2025-09-10',
      adjusted: true,
      onPage: (rows) => pages.push(rows.length),
    });
    expect(hasMore).toBe(false);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.slice(0, -1).every((n) => n === 50)).toBe(true);
    expect(await requests('ka10081')).toBe(pages.length);
    expect(candles[0]?.date).toBe('2025-09-10');
    const dates = candles.map((c) => c.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    for (const c of candles) expect(c.low ?? 0).toBeLessThanOrEqual(c.high ?? 0);
  });

  it('ka10081: stops at maxRows and reports that more exists', async () => {
    const { client, requests } = await start();
    const { candles, hasMore } = await client.dailyCandles('005930', { baseDate: '20250909', adjusted: false, maxRows: 120 });
    expect(candles).toHaveLength(120);
    expect(candles[0]?.date).toBe('2025-09-09');
    expect(hasMore).toBe(true);
    expect(await requests('ka10081')).toBe(3);
  });

  it('ka10086: daily rows with investor net buying in shares', async () => {
    const { client } = await start();
    const { rows } = await client.dailyPrices('005930', { date: '20250909', maxRows: 5 });
    expect(rows).toHaveLength(5);
    expect(rows[0]?.date).toBe('2025-09-09');
    for (const row of rows) {
      expect(Number.isInteger(row.foreignNetBuying)).toBe(true);
      expect(Number.isInteger(row.institutionNetBuying)).toBe(true);
    }
  });

  it('ka10099: KOSPI and KOSDAQ universes', async () => {
    const { client } = await start();
    const kospi = await client.listStocks('kospi');
    const kosdaq = await client.listStocks('kosdaq');
    expect(kospi.stocks.map((s) => s.ticker)).toContain('005930');
    expect(kosdaq.stocks.map((s) => s.ticker)).toContain('0015N0');
    expect(kospi.rejectedCodes).toEqual([]);
  });

  it('ka20001: KOSPI, KOSDAQ and KOSPI200', async () => {
    const { client } = await start();
    for (const [code, name] of [
      ['001', 'KOSPI'],
      ['101', 'KOSDAQ'],
      ['201', 'KOSPI200'],
    ] as const) {
      const quote = await client.indexQuote(code);
      expect(quote.name).toBe(name);
      expect(quote.value).toBeGreaterThan(0);
      expect(quote.volume).toBeGreaterThan(0);
    }
  });

  it('ka20001: after the close, drops the 999999/888888 sentinel rows the simulator sends', async () => {
    const { client, admin } = await start();
    await admin('PUT', '/admin/clock', { at: '2025-09-10T16:30:00+09:00' });
    const raw = await client.call({ apiId: 'ka20001', path: '/api/dostk/sect', body: { mrkt_tp: '0', inds_cd: '001' } });
    const times = (raw.body['inds_cur_prc_tm'] as Array<Record<string, string>>).map((r) => r['tm_n']);
    expect(times).toContain('999999');
    const quote = await client.indexQuote('001');
    expect(quote.ticks.length).toBe(times.length - 2);
    for (const tick of quote.ticks) expect(tick.time).toMatch(/^(0\d|1\d|2[0-3]):[0-5]\d:[0-5]\d$/);
  });

  it('revokes with au10002; the next call issues a new token', async () => {
    const { client, requests } = await start();
    await client.stockInfo('005930');
    await client.revoke();
    await client.stockInfo('005930');
    expect(await requests('au10002')).toBe(1);
    expect(await requests('au10001')).toBe(2);
  });

  it('re-issues after the admin expires every token', async () => {
    const { client, admin, requests } = await start();
    await client.stockInfo('005930');
    await admin('POST', '/admin/tokens/expire');
    expect((await client.stockInfo('005930')).ticker).toBe('005930');
    expect(await requests('au10001')).toBe(2);
  });

  it('reports a key of the other mode as an authentication failure (8030)', async () => {
    const { url, otherKeys } = await start();
    const client = createKiwoomClient({ baseUrl: url, ...otherKeys });
    onTestFinished(() => client.close());
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8030 });
  });

  it('reports a TR the mock host does not serve as not supported (8104)', async () => {
    const { client } = await start({ KIWOOM_SIM_MODE: 'mock' });
    const call = client.call({ apiId: 'ka10007', path: '/api/dostk/mrkcond', body: { stk_cd: '005930' } });
    await expect(call).rejects.toMatchObject({ code: 'KIWOOM_NOT_SUPPORTED', kiwoomCode: 8104 });
  });

  it("learns the simulator's real 1700 quota (유량=1) without retrying past maxRetries", async () => {
    const { client } = await start(
      { KIWOOM_SIM_RATE_LIMITS: 'ka10001:1' },
      { maxRetries: 0, rateLimits: { default: { perSecond: 5, burst: 5 } } },
    );
    await client.stockInfo('005930');
    await expect(client.stockInfo('005930')).rejects.toMatchObject({
      code: 'KIWOOM_RATE_LIMITED',
      kiwoomCode: 1700,
      quotaPerSecond: 1,
      httpStatus: 429,
    });
    expect(client.stats().rateLimited).toBe(1);
  });
});

describe('KiwoomClient × kiwoom-sim: every fault kind', () => {
  it.each([200, 401])('token_expiry (HTTP %i): re-issues once and succeeds', async (httpStatus) => {
    const { client, fault, requests } = await start();
    await fault({ kind: 'token_expiry', apiId: 'ka10001', httpStatus, count: 1 });
    expect((await client.stockInfo('005930')).ticker).toBe('005930');
    expect(await requests('au10001')).toBe(2);
    expect(await requests('ka10001')).toBe(2);
  });

  it('token_expiry twice in a row: an authentication failure, not a retry loop', async () => {
    const { client, fault, requests } = await start();
    await fault({ kind: 'token_expiry', apiId: 'ka10001', count: 2 });
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8005 });
    expect(await requests('ka10001')).toBe(2);
  });

  it.each(['rate_limit_429', 'rate_limit_200', 'total_cap_1701'])('%s: backs off, retries and succeeds', async (kind) => {
    const { client, fault, requests } = await start();
    await fault({ kind, apiId: 'ka10095', count: 1, quota: 50 });
    const { quotes } = await client.quotes(['005930']);
    expect(quotes[0]?.ticker).toBe('005930');
    expect(await requests('ka10095')).toBe(2);
    expect(client.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it('http_5xx: retried with backoff, then given up after maxRetries', async () => {
    const { client, fault, requests } = await start({}, { maxRetries: 2 });
    await fault({ kind: 'http_5xx', apiId: 'ka10001', httpStatus: 502, count: 2 });
    expect((await client.stockInfo('005930')).ticker).toBe('005930');
    await fault({ kind: 'http_5xx', apiId: 'ka10001', httpStatus: 503 });
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_UNAVAILABLE', httpStatus: 503 });
    expect(await requests('ka10001')).toBe(6);
  });

  it('slow (never answers): times out, retries, succeeds', async () => {
    const { client, fault, requests } = await start({}, { timeoutMs: 200 });
    await fault({ kind: 'slow', apiId: 'ka10001', delayMs: 'never', count: 1 });
    expect((await client.stockInfo('005930')).ticker).toBe('005930');
    expect(await requests('ka10001')).toBe(2);
  });

  it('slow (never answers, always): KIWOOM_TIMEOUT', async () => {
    const { client, fault } = await start({}, { timeoutMs: 100, maxRetries: 1 });
    await fault({ kind: 'slow', apiId: 'ka20001', delayMs: 'never' });
    await expect(client.indexQuote('001')).rejects.toMatchObject({ code: 'KIWOOM_TIMEOUT', apiId: 'ka20001' });
  });

  it('connection_reset: retried and succeeds', async () => {
    const { client, fault, requests } = await start();
    await fault({ kind: 'connection_reset', apiId: 'ka10081', count: 1 });
    const { candles } = await client.dailyCandles('005930', { baseDate: '20250910', adjusted: true, maxRows: 10 });
    expect(candles).toHaveLength(10);
    expect(await requests('ka10081')).toBe(2);
  });

  it('connection_reset on au10001: the token issue is retried too', async () => {
    const { client, fault, requests } = await start();
    await fault({ kind: 'connection_reset', apiId: 'au10001', count: 1 });
    expect((await client.stockInfo('005930')).ticker).toBe('005930');
    expect(await requests('au10001')).toBe(2);
  });

  it('blank_vendor_fields: per, eps, roe, pbr, ev and bps decode to null', async () => {
    const { client, fault } = await start();
    await fault({ kind: 'blank_vendor_fields', apiId: 'ka10001' });
    const info = await client.stockInfo('005930');
    expect([info.per, info.eps, info.roe, info.pbr, info.ev, info.bps]).toEqual([null, null, null, null, null, null]);
    expect(info.price).toBeGreaterThan(0);
  });

  it.each([4_294_967_295, 2_147_483_647])('saturated_values (%i): the field decodes to null', async (value) => {
    const { client, fault } = await start();
    await fault({ kind: 'saturated_values', apiId: 'ka10095', fields: ['trde_qty', 'trde_prica'], value });
    const [quote] = (await client.quotes(['005930'])).quotes;
    expect(quote?.volume).toBeNull();
    expect(quote?.tradingValue).toBeNull();
    expect(quote?.price).toBeGreaterThan(0);
  });

  it('off_tick_prices: a mid-point price between the best bid and ask is kept as is', async () => {
    const { client, fault } = await start();
    await fault({ kind: 'off_tick_prices', apiId: 'ka10095', ticker: '005930' });
    const [quote] = (await client.quotes(['005930'])).quotes;
    expect(quote?.price).toBeGreaterThan(quote?.bestBid ?? Number.POSITIVE_INFINITY);
    expect(quote?.price).toBeLessThan(quote?.bestAsk ?? 0);
  });

  it('unknown_tickers: the blank row becomes null and the ticker is reported', async () => {
    const { client, fault } = await start();
    await fault({ kind: 'unknown_tickers', apiId: 'ka10095', ticker: '000660' });
    const result = await client.quotes(['005930', '000660', '035420']);
    expect(result.quotes.map((q) => q?.ticker ?? null)).toEqual(['005930', null, '035420']);
    expect(result.unknownTickers).toEqual(['000660']);
  });
});
