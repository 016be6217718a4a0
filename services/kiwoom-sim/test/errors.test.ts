// kiwoom-rest.md §9 item 7: every error row, with HTTP 200 and the exact wire format.
import { describe, expect, it } from 'vitest';
import { APP_KEY, SECRET_KEY, codeOf, startTestSim } from './harness.js';

describe('TR errors', () => {
  it('answers a missing authorization with return_code 2 [1513]', async () => {
    const t = await startTestSim();
    const r = await t.post('/api/dostk/stkinfo', { stk_cd: '005930' }, { 'api-id': 'ka10001' });
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      '{"return_code":2,"return_msg":"입력 값 오류입니다[1513:Http Header에 authorization 필드가 설정되어 있어야 합니다]"}',
    );
  });

  it('answers a malformed authorization with [1514]', async () => {
    const t = await startTestSim();
    const r = await t.post('/api/dostk/stkinfo', { stk_cd: '005930' }, { 'api-id': 'ka10001', authorization: 'Basic abc' });
    expect(r.json['return_code']).toBe(2);
    expect(codeOf(r.json)).toBe(1514);
  });

  it('answers an unknown, revoked or expired token with return_code 3 [8005]', async () => {
    const t = await startTestSim();
    const expected = { return_code: 3, return_msg: '인증에 실패했습니다[8005:Token이 유효하지 않습니다]' };
    const unknown = await t.post('/api/dostk/stkinfo', { stk_cd: '005930' }, { 'api-id': 'ka10001', authorization: 'Bearer nope' });
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual(expected);

    const revoked = await t.issueToken();
    await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: SECRET_KEY, token: revoked });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json).toEqual(expected);

    await t.issueToken();
    t.clock.advance(24 * 3_600_000);
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json).toEqual(expected);
  });

  it('answers a missing api-id with return_code 1 [1501] and an unknown one with [1505]', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    const missing = await t.post('/api/dostk/stkinfo', { stk_cd: '005930' }, { authorization: `Bearer ${token}` });
    expect(missing.json).toEqual({ return_code: 1, return_msg: '잘못된 요청입니다[1501:API ID가 Null이거나 값이 없습니다]' });
    const unknown = await t.post('/api/dostk/stkinfo', { stk_cd: '005930' }, { 'api-id': 'ka99999', authorization: `Bearer ${token}` });
    expect(unknown.json).toEqual({ return_code: 1, return_msg: '잘못된 요청입니다[1505:해당 API ID는 존재하지 않습니다. API ID=ka99999]' });
    expect(unknown.headers.get('api-id')).toBe('ka99999');
  });

  it('answers an api-id on the wrong path with return_code 1 [1504] naming both', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    const r = await t.post('/api/dostk/chart', { stk_cd: '005930' }, { 'api-id': 'ka10001', authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      return_code: 1,
      return_msg: '잘못된 요청입니다[1504:해당 URI에서는 지원하는 API ID가 아닙니다. API ID=ka10001, URI=/api/dostk/chart]',
    });
  });

  it('answers a missing required field with return_code 2 [1511] naming it', async () => {
    const t = await startTestSim();
    const r = await t.tr('ka10001', {});
    expect(r.json).toEqual({
      return_code: 2,
      return_msg: '입력 값 오류입니다[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=stk_cd]',
    });
    t.clock.advance(1_000);
    const chart = await t.tr('ka10081', { stk_cd: '005930', upd_stkpc_tp: '1' });
    expect(String(chart.json['return_msg'])).toContain('[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=base_dt]');
    const index = await t.tr('ka20001', { inds_cd: '001' });
    expect(String(index.json['return_msg'])).toContain('필수입력 파라미터=mrkt_tp]');
  });

  it('answers a malformed field, a non-JSON body and a bad next-key with return_code 2 [1517]', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:0' } });
    const badDate = await t.tr('ka10081', { stk_cd: '005930', base_dt: '2025-09-10', upd_stkpc_tp: '1' });
    expect(badDate.json['return_code']).toBe(2);
    expect(codeOf(badDate.json)).toBe(1517);
    expect(codeOf((await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '7' })).json)).toBe(1517);
    expect(codeOf((await t.tr('ka10001', '{not json')).json)).toBe(1517);
    const badKey = await t.tr(
      'ka10081',
      { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' },
      { 'cont-yn': 'Y', 'next-key': 'garbage' },
    );
    expect(badKey.json['return_code']).toBe(2);
    expect(codeOf(badKey.json)).toBe(1517);
  });

  it('answers a TR the mock host lacks with return_code 2 [8104] in mock mode only', async () => {
    const mock = await startTestSim({ env: { KIWOOM_SIM_MODE: 'mock' } });
    const r = await mock.tr('ka10007', { stk_cd: '005930' });
    expect(r.json).toEqual({ return_code: 2, return_msg: '입력 값 오류입니다[8104:모의투자에서 지원하지 않는 API 입니다.]' });
    const real = await startTestSim();
    expect(codeOf((await real.tr('ka10007', { stk_cd: '005930' })).json)).not.toBe(8104);
  });

  it('answers an unknown stock on single-stock TRs with [1902]', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:0' } });
    const r = await t.tr('ka10001', { stk_cd: '999999' });
    expect(r.json['return_code']).toBe(2);
    expect(codeOf(r.json)).toBe(1902);
    expect(codeOf((await t.tr('ka10081', { stk_cd: '999999', base_dt: '20250910', upd_stkpc_tp: '1' })).json)).toBe(1902);
    expect(codeOf((await t.tr('ka10086', { stk_cd: '999999', qry_dt: '20250910', indc_tp: '0' })).json)).toBe(1902);
  });
});
