import { afterEach, describe, expect, it } from 'vitest';
import {
  OK_MSG,
  fixture,
  fixtureJson,
  kiwoomError,
  startFakeKiwoom,
  tokenReply,
  type FakeHandler,
  type FakeKiwoomServer,
  type FakeReply,
  type RecordedRequest,
} from '../test/fake-kiwoom.js';
import { createKiwoomClient, type KiwoomClient, type KiwoomClientOptions } from './kiwoom-client.js';

const servers: FakeKiwoomServer[] = [];
const clients: KiwoomClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake host on port 0: au10001 answers `token-N`; TR calls go to `tr`. */
async function setup(tr: FakeHandler, options: Partial<KiwoomClientOptions> = {}) {
  let issued = 0;
  const server = await startFakeKiwoom((req) => (req.path === '/oauth2/token' ? tokenReply(`token-${++issued}`) : tr(req)));
  servers.push(server);
  const client = createKiwoomClient({
    baseUrl: server.baseUrl,
    appKey: 'app',
    secretKey: 'secret',
    backoff: { baseMs: 1, maxMs: 2 },
    rateLimitedMinDelayMs: 0,
    rateLimits: { default: { perSecond: 1_000, burst: 100 } },
    timeoutMs: 5_000,
    ...options,
  });
  clients.push(client);
  return { server, client };
}

const ok = (body: string | object, headers: Record<string, string> = {}): FakeReply => ({ body, headers });

describe('KiwoomClient over HTTP', () => {
  it('POSTs JSON to the category path with the §3.1 headers and no paging headers on the first page', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10001.success'), { 'api-id': 'ka10001', 'cont-yn': 'N', 'next-key': '' }));
    await client.stockInfo('005930');
    const [req] = server.trRequests();
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/api/dostk/stkinfo');
    expect(req?.headers['api-id']).toBe('ka10001');
    expect(req?.headers['authorization']).toBe('Bearer token-1');
    expect(req?.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(req?.headers['cont-yn']).toBeUndefined();
    expect(req?.headers['next-key']).toBeUndefined();
    expect(req?.body).toEqual({ stk_cd: '005930' });
  });

  it('re-issues the token on 8005 and retries the call once', async () => {
    let calls = 0;
    const { server, client } = await setup(() => (++calls === 1 ? ok(fixture('ka10001.error-8005')) : ok(fixture('ka10001.success'))));
    const info = await client.stockInfo('005930');
    expect(info.price).toBe(72400);
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.trRequests().map((r) => r.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('retries a connection reset mid-response, then succeeds', async () => {
    let calls = 0;
    const { server, client } = await setup(() => (++calls === 1 ? { fault: 'reset' } : ok(fixture('ka10001.success'))));
    expect((await client.stockInfo('005930')).name).toBe('삼성전자');
    expect(server.trRequests()).toHaveLength(2);
  });

  it('reports a refused connection as KIWOOM_UNAVAILABLE', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10001.success')), { maxRetries: 0 });
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_UNAVAILABLE', retryable: true });
  });

  it('times out a server that never answers', async () => {
    const { client } = await setup(() => ({ fault: 'hang' }), { timeoutMs: 50, maxRetries: 0 });
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_TIMEOUT' });
  });

  it('refuses an invalid code before sending', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10001.success')));
    await expect(client.stockInfo('12345')).rejects.toMatchObject({ code: 'KIWOOM_BAD_REQUEST' });
    await expect(client.stockInfo('005930|000660')).rejects.toMatchObject({ code: 'KIWOOM_BAD_REQUEST' });
    expect(server.trRequests()).toHaveLength(0);
  });
});

describe('paging (§3.3)', () => {
  /** Three pages of one candle each, keyed k1 → k2; checks the same body comes back each time. */
  const pagedCandles: FakeHandler = (req: RecordedRequest) => {
    const rows = (fixtureJson('ka10081.page')['stk_dt_pole_chart_qry'] as unknown[]) ?? [];
    const page = req.headers['next-key'] === undefined ? 0 : Number(req.headers['next-key'].slice(1));
    const more = page < 2;
    return ok(
      { stk_cd: '005930', stk_dt_pole_chart_qry: [rows[page]], return_code: 0, return_msg: OK_MSG },
      { 'api-id': 'ka10081', 'cont-yn': more ? 'Y' : 'N', 'next-key': more ? `k${page + 1}` : '' },
    );
  };

  it('follows cont-yn/next-key with the same body until cont-yn is not Y', async () => {
    const { server, client } = await setup(pagedCandles);
    const pages: number[] = [];
    const result = await client.dailyCandles('005930', {
      baseDate: '2025-09-10',
      adjusted: true,
      onPage: (rows, index) => pages.push(index * 10 + rows.length),
    });
    expect(result.candles.map((c) => c.date)).toEqual(['2025-09-10', '2025-09-09', '2025-09-08']);
    expect(result.hasMore).toBe(false);
    expect(pages).toEqual([1, 11, 21]);
    const reqs = server.trRequests();
    expect(reqs.map((r) => [r.headers['cont-yn'], r.headers['next-key']])).toEqual([
      [undefined, undefined],
      ['Y', 'k1'],
      ['Y', 'k2'],
    ]);
    for (const r of reqs) expect(r.body).toEqual({ stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' });
    expect(reqs.every((r) => r.path === '/api/dostk/chart')).toBe(true);
  });

  it('stops at maxPages and says more exists', async () => {
    const { server, client } = await setup(pagedCandles);
    const result = await client.dailyCandles('005930', { baseDate: '20250910', adjusted: false, maxPages: 2 });
    expect(result.candles).toHaveLength(2);
    expect(result.hasMore).toBe(true);
    expect(server.trRequests()[0]?.body['upd_stkpc_tp']).toBe('0');
  });

  it('stops once maxRows are collected', async () => {
    const { server, client } = await setup(pagedCandles);
    const result = await client.dailyCandles('005930', { baseDate: '20250910', adjusted: true, maxRows: 2 });
    expect(result.candles.map((c) => c.date)).toEqual(['2025-09-10', '2025-09-09']);
    expect(result.hasMore).toBe(true);
    expect(server.trRequests()).toHaveLength(2);
  });

  it('treats cont-yn Y with a repeated next-key as a bad response, not a loop', async () => {
    const { client } = await setup(() => ok(fixture('ka10081.page'), { 'cont-yn': 'Y', 'next-key': 'same' }));
    await expect(client.dailyCandles('005930', { baseDate: '20250910', adjusted: true })).rejects.toMatchObject({
      code: 'KIWOOM_BAD_RESPONSE',
    });
  });

  it('refuses an invalid base date before sending', async () => {
    const { server, client } = await setup(pagedCandles);
    await expect(client.dailyCandles('005930', { baseDate: '2025-02-30', adjusted: true })).rejects.toMatchObject({
      code: 'KIWOOM_BAD_REQUEST',
    });
    expect(server.trRequests()).toHaveLength(0);
  });
});

describe('ka10095 quotes', () => {
  it('joins the codes with | and decodes the documented row', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10095.success')));
    const { quotes, unknownTickers } = await client.quotes(['005930']);
    expect(server.trRequests()[0]?.body).toEqual({ stk_cd: '005930' });
    expect(unknownTickers).toEqual([]);
    expect(quotes[0]).toEqual({
      ticker: '005930',
      name: '삼성전자',
      price: 72400,
      change: 1400,
      changeRate: 1.97,
      sign: 'up',
      volume: 13_527_412,
      tradingValue: 973_974_000_000,
      open: 71200,
      high: 72800,
      low: 70900,
      prevClose: 71000,
      bestBid: 72400,
      bestAsk: 72500,
      upperLimit: 92300,
      lowerLimit: 49700,
      expectedPrice: null,
      expectedVolume: null,
      marketCap: 432_212_300_000_000,
      listedShares: 5_969_783_000,
      time: '2025-09-10T15:19:57+09:00',
    });
  });

  it('keeps request order and turns an all-blank row into null plus an unknown ticker', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10095.unknown-ticker')));
    const result = await client.quotes(['005930', '999990', '000660']);
    expect(server.trRequests()[0]?.body).toEqual({ stk_cd: '005930|999990|000660' });
    expect(result.quotes.map((q) => q?.ticker ?? null)).toEqual(['005930', null, '000660']);
    expect(result.unknownTickers).toEqual(['999990']);
    const hynix = result.quotes[2];
    expect(hynix?.change).toBe(-500);
    expect(hynix?.price).toBe(185500);
    expect(hynix?.bestAsk).toBeNull();
    expect(hynix?.bestBid).toBeNull();
  });

  it('throws KIWOOM_BATCH_TOO_LARGE for more than 100 codes without sending', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10095.success')));
    const codes = Array.from({ length: 101 }, (_, i) => String(i).padStart(6, '0'));
    await expect(client.quotes(codes)).rejects.toMatchObject({ code: 'KIWOOM_BATCH_TOO_LARGE', retryable: false });
    expect(server.trRequests()).toHaveLength(0);
  });

  it('sends exactly 100 codes in one call', async () => {
    const codes = Array.from({ length: 100 }, (_, i) => String(i + 1).padStart(6, '0'));
    const blank = Object.fromEntries(['stk_cd', 'stk_nm', 'cur_prc'].map((k) => [k, '']));
    const { server, client } = await setup(() => ok({ atn_stk_infr: codes.map(() => blank), return_code: 0, return_msg: OK_MSG }));
    const result = await client.quotes(codes);
    expect(result.unknownTickers).toHaveLength(100);
    expect(server.trRequests()).toHaveLength(1);
  });

  it('does not call Kiwoom for an empty list', async () => {
    const { server, client } = await setup(() => ok(fixture('ka10095.success')));
    expect(await client.quotes([])).toEqual({ quotes: [], unknownTickers: [], unpricedTickers: [] });
    expect(server.requests).toHaveLength(0);
  });

  it('maps 1634 to KIWOOM_BATCH_TOO_LARGE without retrying', async () => {
    const { server, client } = await setup(() => kiwoomError(5, 1634, '조회 종목 수 초과', 429));
    await expect(client.quotes(['005930'])).rejects.toMatchObject({ code: 'KIWOOM_BATCH_TOO_LARGE', kiwoomCode: 1634 });
    expect(server.trRequests()).toHaveLength(1);
  });

  it('rejects rows that do not match the requested codes', async () => {
    const { client } = await setup(() => ok(fixture('ka10095.success')));
    await expect(client.quotes(['000660'])).rejects.toMatchObject({ code: 'KIWOOM_BAD_RESPONSE' });
    await expect(client.quotes(['005930', '000660'])).rejects.toMatchObject({ code: 'KIWOOM_BAD_RESPONSE' });
  });
});

describe('TR requests (§6)', () => {
  it.each<[string, (c: KiwoomClient) => Promise<unknown>, string, string, Record<string, string>]>([
    ['ka10001', (c) => c.stockInfo('005930'), 'ka10001.success', '/api/dostk/stkinfo', { stk_cd: '005930' }],
    ['ka10095', (c) => c.quotes(['005930']), 'ka10095.success', '/api/dostk/stkinfo', { stk_cd: '005930' }],
    [
      'ka10081',
      (c) => c.dailyCandles('005930', { baseDate: '20250910', adjusted: true }),
      'ka10081.page',
      '/api/dostk/chart',
      { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' },
    ],
    [
      'ka10086',
      (c) => c.dailyPrices('005930', { date: '2025-09-10' }),
      'ka10086.constructed',
      '/api/dostk/mrkcond',
      { stk_cd: '005930', qry_dt: '20250910', indc_tp: '0' },
    ],
    ['ka10099', (c) => c.listStocks('kosdaq'), 'ka10099.constructed', '/api/dostk/stkinfo', { mrkt_tp: '10' }],
    ['ka20001', (c) => c.indexQuote('101'), 'ka20001.kospi-mock', '/api/dostk/sect', { mrkt_tp: '1', inds_cd: '101' }],
  ])('sends %s to its path with its documented body', async (apiId, run, name, path, body) => {
    const { server, client } = await setup(() => ok(fixture(name), { 'api-id': apiId }));
    await run(client);
    const [req] = server.trRequests();
    expect([req?.headers['api-id'], req?.path, req?.body]).toEqual([apiId, path, body]);
  });

  it('returns the universe with rejected codes listed', async () => {
    const { client } = await setup(() => ok(fixture('ka10099.constructed')));
    const list = await client.listStocks('kospi');
    expect(list.stocks.map((s) => s.ticker)).toEqual(['005930', '0015N0']);
    expect(list.rejectedCodes).toEqual(['ABCDEF']);
    expect(list.hasMore).toBe(false);
  });

  it('refuses an unsupported index code before sending', async () => {
    const { server, client } = await setup(() => ok(fixture('ka20001.kospi-mock')));
    const code: string = '999';
    await expect(client.indexQuote(code as '001')).rejects.toMatchObject({ code: 'KIWOOM_BAD_REQUEST' });
    expect(server.trRequests()).toHaveLength(0);
  });

  it('revokes the token it holds', async () => {
    const { server, client } = await setup((req) =>
      req.path === '/oauth2/revoke' ? ok(fixture('au10002.success')) : ok(fixture('ka10001.success')),
    );
    await client.stockInfo('005930');
    await client.revoke();
    const revoke = server.requests.find((r) => r.path === '/oauth2/revoke');
    expect(revoke?.body['token']).toBe('token-1');
  });
});
