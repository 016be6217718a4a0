// kiwoom-rest.md §9 item 18: every fault kind, its scopes and limits, through the admin API.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { codeOf, rowsOf, startTestSim, type Json, type TestSim } from './harness.js';

const unlimited = { KIWOOM_SIM_RATE_LIMITS: '*:0' };

async function addFault(t: TestSim, fault: Record<string, unknown>): Promise<Json> {
  const r = await t.admin('PUT', '/admin/faults', fault);
  expect(r.status, r.text).toBe(201);
  const [added] = r.json['added'] as Json[];
  if (added === undefined) throw new Error('nothing added');
  return added;
}

describe('faults: tokens and limits', () => {
  it('token_expiry rejects the token with 8005 before 24 h, and a re-issue gets a new one', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    await addFault(t, { kind: 'token_expiry', count: 1 });
    const rejected = await t.tr('ka10001', { stk_cd: '005930' });
    expect(rejected.status).toBe(200);
    expect(rejected.json).toEqual({ return_code: 3, return_msg: '인증에 실패했습니다[8005:Token이 유효하지 않습니다]' });
    expect(codeOf((await t.tr('ka10001', { stk_cd: '005930' })).json)).toBe(8005);
    const renewed = await t.issueToken();
    expect(renewed).not.toBe(token);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json['return_code']).toBe(0);
  });

  it('token_expiry can answer HTTP 401', async () => {
    const t = await startTestSim();
    await addFault(t, { kind: 'token_expiry', httpStatus: 401 });
    const r = await t.tr('ka10001', { stk_cd: '005930' });
    expect(r.status).toBe(401);
    expect(codeOf(r.json)).toBe(8005);
  });

  it('rate_limit_429 bursts answer 429 with 유량=N; rate_limit_200 the same body with 200', async () => {
    const t = await startTestSim();
    await addFault(t, { kind: 'rate_limit_429', apiId: 'ka10095', count: 1 });
    const burst = await t.tr('ka10095', { stk_cd: '005930' });
    expect(burst.status).toBe(429);
    expect(burst.json).toEqual({
      return_code: 5,
      return_msg: '허용된 요청 개수를 초과하였습니다[1700:허용된 API 요청 개수를 초과하였습니다. 유량=5, API ID=ka10095]',
    });
    await addFault(t, { kind: 'rate_limit_200', apiId: 'ka10095', count: 1, quota: 1 });
    const as200 = await t.tr('ka10095', { stk_cd: '005930' });
    expect(as200.status).toBe(200);
    expect(String(as200.json['return_msg'])).toContain('[1700:허용된 API 요청 개수를 초과하였습니다. 유량=1, API ID=ka10095]');
    expect((await t.tr('ka10095', { stk_cd: '005930' })).json['return_code']).toBe(0);
  });

  it('total_cap_1701 answers return_code 5 [1701]', async () => {
    const t = await startTestSim();
    await addFault(t, { kind: 'total_cap_1701', quota: 30 });
    const r = await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' });
    expect(r.status).toBe(429);
    expect(r.json).toEqual({
      return_code: 5,
      return_msg: '허용된 요청 개수를 초과하였습니다[1701:허용된 전체 요청 개수를 초과하였습니다. 총유량=30]',
    });
  });
});

describe('faults: transport', () => {
  it('http_5xx answers 500, 502 or 503 with a gateway page, 503 by default', async () => {
    const t = await startTestSim({ env: unlimited });
    for (const status of [500, 502, 503]) {
      await addFault(t, { kind: 'http_5xx', httpStatus: status, count: 1 });
      const r = await t.tr('ka10001', { stk_cd: '005930' });
      expect(r.status).toBe(status);
      expect(r.text).toContain(`<h1>${status}`);
    }
    await addFault(t, { kind: 'http_5xx', count: 1 });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(503);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
  });

  it('slow holds a response back: a later request overtakes it', async () => {
    const t = await startTestSim({ env: unlimited });
    await t.issueToken();
    await addFault(t, { kind: 'slow', apiId: 'ka10001', delayMs: 500, count: 1 });
    const finished: string[] = [];
    const slow = t.tr('ka10001', { stk_cd: '005930' }).then((r) => {
      finished.push('slow');
      return r;
    });
    // The fault fires on arrival; wait until the server has counted the slow request.
    await waitForCount(t, 'ka10001', 1);
    const fast = await t.tr('ka10095', { stk_cd: '005930' });
    finished.push('fast');
    expect(fast.json['return_code']).toBe(0);
    expect((await slow).json['return_code']).toBe(0);
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('slow "never" leaves the request unanswered until the client gives up', async () => {
    const t = await startTestSim({ env: unlimited });
    await t.issueToken();
    await addFault(t, { kind: 'slow', apiId: 'ka10001', delayMs: 'never' });
    let settled = false;
    const pending = t.tr('ka10001', { stk_cd: '005930' }, {}).finally(() => {
      settled = true;
    });
    void pending.catch(() => undefined);
    await waitForCount(t, 'ka10001', 1);
    expect((await t.tr('ka10095', { stk_cd: '005930' })).json['return_code']).toBe(0);
    expect(settled).toBe(false);
    // stop() closes the held socket, so the client sees an error instead of hanging.
    await t.sim.stop();
    await expect(pending).rejects.toThrow();
  });

  it('connection_reset closes the socket mid-response: the client sees a socket error', async () => {
    const t = await startTestSim({ env: unlimited });
    await t.issueToken();
    await addFault(t, { kind: 'connection_reset', apiId: 'ka10095', count: 1 });
    await expect(t.tr('ka10095', { stk_cd: '005930' })).rejects.toThrow();
    expect((await t.tr('ka10095', { stk_cd: '005930' })).json['return_code']).toBe(0);
  });

  it('hits /oauth2/* only when scoped to au10001 or au10002', async () => {
    const t = await startTestSim();
    await addFault(t, { kind: 'http_5xx', count: 1 });
    expect(
      (await t.post('/oauth2/token', { grant_type: 'client_credentials', appkey: 'sim-app-key', secretkey: 'sim-secret-key' })).status,
    ).toBe(200);
    await t.admin('DELETE', '/admin/faults');
    await addFault(t, { kind: 'http_5xx', apiId: 'au10001', count: 1 });
    expect(
      (await t.post('/oauth2/token', { grant_type: 'client_credentials', appkey: 'sim-app-key', secretkey: 'sim-secret-key' })).status,
    ).toBe(503);
    expect(
      (await t.post('/oauth2/token', { grant_type: 'client_credentials', appkey: 'sim-app-key', secretkey: 'sim-secret-key' })).status,
    ).toBe(200);
  });
});

describe('faults: data', () => {
  it('blank_vendor_fields blanks per, eps, roe, pbr, ev and bps of the chosen ticker', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'blank_vendor_fields', ticker: '005930' });
    const hit = (await t.tr('ka10001', { stk_cd: '005930' })).json;
    for (const f of ['per', 'eps', 'roe', 'pbr', 'ev', 'bps']) expect(hit[f], f).toBe('');
    const other = (await t.tr('ka10001', { stk_cd: '000660' })).json;
    expect(other['per']).not.toBe('');
  });

  it('saturated_values writes a 32-bit saturated value into the chosen fields', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'saturated_values', ticker: '005930', fields: ['trde_qty', 'cntr_qty'], value: 2_147_483_647 });
    const [hit, miss] = rowsOf((await t.tr('ka10095', { stk_cd: '005930|000660' })).json, 'atn_stk_infr');
    expect(hit?.['trde_qty']).toBe('2147483647');
    expect(hit?.['cntr_qty']).toBe('2147483647');
    expect(miss?.['trde_qty']).not.toBe('2147483647');
    await t.admin('DELETE', '/admin/faults');
    await addFault(t, { kind: 'saturated_values', apiId: 'ka10001' });
    expect((await t.tr('ka10001', { stk_cd: '000660' })).json['trde_qty']).toBe('4294967295');
  });

  it('off_tick_prices shows a mid-point cur_prc between the best bid and ask', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'off_tick_prices', ticker: '005930' });
    const [row] = rowsOf((await t.tr('ka10095', { stk_cd: '005930' })).json, 'atn_stk_infr');
    const price = Math.abs(Number(row?.['cur_prc']));
    expect(price).toBeGreaterThan(Math.abs(Number(row?.['buy_bid'])));
    expect(price).toBeLessThan(Math.abs(Number(row?.['sel_bid'])));
    expect(price % 100).not.toBe(0);
    const single = (await t.tr('ka10001', { stk_cd: '005930' })).json;
    expect(Math.abs(Number(single['cur_prc']))).toBe(price);
  });

  it('unknown_tickers blanks the chosen codes in ka10095 and makes single-stock TRs say 1902', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'unknown_tickers', ticker: ['000660'] });
    const r = await t.tr('ka10095', { stk_cd: '005930|000660' });
    expect(r.json['return_code']).toBe(0);
    const [known, hidden] = rowsOf(r.json, 'atn_stk_infr');
    expect(known?.['stk_cd']).toBe('005930');
    expect(Object.values(hidden ?? {}).every((v) => v === '')).toBe(true);
    expect(codeOf((await t.tr('ka10001', { stk_cd: '000660' })).json)).toBe(1902);
  });
});

describe('faults: scope and limits', () => {
  it('scopes by api-id and by ticker', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'http_5xx', apiId: 'ka10095' });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
    expect((await t.tr('ka10095', { stk_cd: '005930' })).status).toBe(503);
    await t.admin('DELETE', '/admin/faults');
    await addFault(t, { kind: 'http_5xx', ticker: '000660' });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
    expect((await t.tr('ka10001', { stk_cd: '000660_NX' })).status).toBe(503);
    expect((await t.tr('ka10095', { stk_cd: '005930|000660' })).status).toBe(503);
  });

  it('limits by count and then disappears from the list', async () => {
    const t = await startTestSim({ env: unlimited });
    const fault = await addFault(t, { kind: 'http_5xx', count: 2 });
    expect(fault).toMatchObject({ kind: 'http_5xx', remaining: 2, fired: 0, httpStatus: 503 });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(503);
    expect((await t.admin('GET', '/admin/faults')).json['faults']).toEqual([expect.objectContaining({ remaining: 1, fired: 1 })]);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(503);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
    expect((await t.admin('GET', '/admin/faults')).json['faults']).toEqual([]);
  });

  it('limits by duration on the simulated clock', async () => {
    const t = await startTestSim({ env: unlimited });
    await addFault(t, { kind: 'http_5xx', durationMs: 60_000 });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(503);
    t.clock.advance(59_999);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(503);
    t.clock.advance(1);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
  });

  it('limits by probability with a seeded, repeatable stream', async () => {
    const pattern = async (): Promise<number[]> => {
      const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_SEED: '7' } });
      await addFault(t, { kind: 'http_5xx', probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await t.tr('ka10001', { stk_cd: '005930' })).status);
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(25);
  });
});

async function waitForCount(t: TestSim, apiId: string, count: number): Promise<void> {
  // The request has reached the server once /admin/stats counts it.
  await waitFor(`${count} ${apiId} request(s)`, async () => {
    const requests = (await t.admin('GET', '/admin/stats')).json['requests'] as Record<string, number>;
    return (requests[apiId] ?? 0) >= count;
  });
}
