// kiwoom-rest.md §9 item 8: a rate limiter per (token, api-id) on the simulated clock.
import { describe, expect, it } from 'vitest';
import { codeOf, startTestSim } from './harness.js';

const quote = { stk_cd: '005930' };

describe('rate limiter', () => {
  it('answers excess calls with HTTP 429 and the 1700 body naming the quota and api-id', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:2' } });
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    const refused = await t.tr('ka10001', quote);
    expect(refused.status).toBe(429);
    expect(refused.text).toBe(
      '{"return_code":5,"return_msg":"허용된 요청 개수를 초과하였습니다[1700:허용된 API 요청 개수를 초과하였습니다. 유량=2, API ID=ka10001]"}',
    );
    expect(refused.headers.get('api-id')).toBe('ka10001');
  });

  it('opens again once the one-second window has passed on the simulated clock', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:1' } });
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    t.clock.advance(999);
    expect((await t.tr('ka10001', quote)).status).toBe(429);
    t.clock.advance(1);
    expect((await t.tr('ka10001', quote)).status).toBe(200);
  });

  it('keeps api-ids independent', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:1' } });
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    expect((await t.tr('ka10095', quote)).status).toBe(200);
    expect((await t.tr('ka10001', quote)).status).toBe(429);
    expect((await t.tr('ka10095', quote)).status).toBe(429);
  });

  it('keeps tokens independent', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:1' } });
    const first = await t.issueToken();
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    expect((await t.tr('ka10001', quote)).status).toBe(429);
    // A new token after expiry starts with a fresh window.
    await t.admin('POST', '/admin/tokens/expire');
    const second = await t.issueToken();
    expect(second).not.toBe(first);
    expect((await t.tr('ka10001', quote)).status).toBe(200);
  });

  it('treats 0 as unlimited', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:0' } });
    for (let i = 0; i < 20; i++) expect((await t.tr('ka10001', quote)).status).toBe(200);
  });

  it('counts every continuation page as one call', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10081:2', KIWOOM_SIM_PAGE_SIZE: '10' } });
    const body = { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' };
    const first = await t.tr('ka10081', body);
    const second = await t.tr('ka10081', body, { 'cont-yn': 'Y', 'next-key': first.headers.get('next-key') ?? '' });
    expect(second.json['return_code']).toBe(0);
    const third = await t.tr('ka10081', body, { 'cont-yn': 'Y', 'next-key': second.headers.get('next-key') ?? '' });
    expect(third.status).toBe(429);
  });

  it('answers 200 instead of 429 when switched, with the same body', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:1', KIWOOM_SIM_RATE_LIMIT_STATUS: '200' } });
    await t.tr('ka10001', quote);
    const refused = await t.tr('ka10001', quote);
    expect(refused.status).toBe(200);
    expect(refused.json['return_code']).toBe(5);
    expect(codeOf(refused.json)).toBe(1700);
    expect(String(refused.json['return_msg'])).toContain('유량=1, API ID=ka10001');
  });

  it('applies a total cap across api-ids with 1701 when switched on', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:0', KIWOOM_SIM_TOTAL_RATE_LIMIT: '2' } });
    expect((await t.tr('ka10001', quote)).status).toBe(200);
    expect((await t.tr('ka10095', quote)).status).toBe(200);
    const refused = await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' });
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({
      return_code: 5,
      return_msg: '허용된 요청 개수를 초과하였습니다[1701:허용된 전체 요청 개수를 초과하였습니다. 총유량=2]',
    });
    t.clock.advance(1_000);
    expect((await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' })).status).toBe(200);
  });

  it('counts refusals per api-id in /admin/stats', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: 'ka10001:1' } });
    await t.tr('ka10001', quote);
    await t.tr('ka10001', quote);
    await t.tr('ka10001', quote);
    const stats = (await t.admin('GET', '/admin/stats')).json;
    expect(stats).toMatchObject({ requests: { au10001: 1, ka10001: 3 }, rateLimited: { ka10001: 2 }, total: 4 });
  });
});
