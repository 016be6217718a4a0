// kiwoom-rest.md §9 items 1, 2, 6 and 9: listener, modes, request rules, response headers and body.
import { describe, expect, it } from 'vitest';
import { APP_KEY, SECRET_KEY, codeOf, rawRequest, rowsOf, startTestSim, type Json } from './harness.js';

function everyValueIsString(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => everyValueIsString(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => (k === 'return_code' ? [] : everyValueIsString(v, `${path}.${k}`)));
  }
  return typeof value === 'string' ? [] : [`${path} is ${typeof value}`];
}

describe('listener', () => {
  it('listens on a loopback port chosen by the OS and reports its URL', async () => {
    const t = await startTestSim();
    expect(t.sim.port).toBeGreaterThan(0);
    expect(t.url).toBe(`http://127.0.0.1:${t.sim.port}`);
    expect((await t.admin('GET', '/admin/health')).json).toMatchObject({ status: 'ok', mode: 'real' });
  });

  it('stops idempotently and refuses connections afterwards', async () => {
    const t = await startTestSim();
    await t.issueToken();
    await t.sim.stop();
    await t.sim.stop();
    await expect(fetch(`${t.url}/admin/health`)).rejects.toThrow();
  });
});

describe('request rules', () => {
  it('accepts only POST', async () => {
    const t = await startTestSim();
    const r = await fetch(`${t.url}/api/dostk/stkinfo`, { headers: { 'api-id': 'ka10001' } });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    const body = (await r.json()) as Json;
    expect(body['return_code']).toBe(2);
    expect(codeOf(body)).toBe(1517);
  });

  it('accepts any application/json* content type and refuses others', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:0' } });
    const token = await t.issueToken();
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;charset=UTF-8']) {
      const r = await t.post(
        '/api/dostk/stkinfo',
        { stk_cd: '005930' },
        { 'content-type': contentType, 'api-id': 'ka10001', authorization: `Bearer ${token}` },
      );
      expect(r.json['return_code'], contentType).toBe(0);
    }
    const text = await t.post(
      '/api/dostk/stkinfo',
      { stk_cd: '005930' },
      { 'content-type': 'text/plain', 'api-id': 'ka10001', authorization: `Bearer ${token}` },
    );
    expect(text.status).toBe(415);
    expect(codeOf(text.json)).toBe(1512);
  });

  it('reads header names case-insensitively', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    const r = await rawRequest(`${t.url}/api/dostk/stkinfo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'API-ID': 'ka10001', Authorization: `Bearer ${token}`, 'Cont-Yn': 'N' },
      body: JSON.stringify({ stk_cd: '005930' }),
    });
    expect(r.json['return_code']).toBe(0);
    expect(r.json['stk_cd']).toBe('005930');
  });

  it('accepts cont-yn: N with an empty next-key on a first page, as well as their absence', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_RATE_LIMITS: '*:0' } });
    const body = { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' };
    const withHeaders = await t.tr('ka10081', body, { 'cont-yn': 'N', 'next-key': '' });
    const without = await t.tr('ka10081', body);
    expect(withHeaders.json['return_code']).toBe(0);
    expect(withHeaders.text).toBe(without.text);
  });
});

describe('responses', () => {
  it('carry api-id, cont-yn, next-key and the Kiwoom content type', async () => {
    const t = await startTestSim();
    const r = await t.tr('ka10001', { stk_cd: '005930' });
    expect(r.headers.get('api-id')).toBe('ka10001');
    expect(r.headers.get('cont-yn')).toBe('N');
    expect(r.headers.get('next-key')).toBe('');
    expect(r.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('are strict JSON with a numeric return_code and every data value a string', async () => {
    const t = await startTestSim();
    const bodies = [
      await t.tr('ka10001', { stk_cd: '005930' }),
      await t.tr('ka10095', { stk_cd: '005930|000660|999999' }),
      await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' }),
      await t.tr('ka10086', { stk_cd: '005930', qry_dt: '20250910', indc_tp: '0' }),
      await t.tr('ka10099', { mrkt_tp: '0' }),
      await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' }),
    ];
    for (const r of bodies) {
      expect(() => JSON.parse(r.text) as unknown).not.toThrow();
      expect(r.json['return_code']).toBe(0);
      expect(r.json['return_msg']).toBe('정상적으로 처리되었습니다');
      expect(everyValueIsString(r.json)).toEqual([]);
    }
  });
});

describe('modes', () => {
  it('real: accepts _NX and _AL codes and echoes them in stk_cd', async () => {
    const t = await startTestSim();
    const single = await t.tr('ka10001', { stk_cd: '005930_NX' });
    expect(single.json['stk_cd']).toBe('005930_NX');
    const multi = await t.tr('ka10095', { stk_cd: '005930_AL|000660_NX|005930' });
    expect(rowsOf(multi.json, 'atn_stk_infr').map((row) => row['stk_cd'])).toEqual(['005930_AL', '000660_NX', '005930']);
    // An ETF does not trade on NXT.
    t.clock.advance(1_000);
    expect(codeOf((await t.tr('ka10001', { stk_cd: '069500_NX' })).json)).toBe(1903);
  });

  it('mock: refuses _NX and _AL codes (KRX only)', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_MODE: 'mock' } });
    const single = await t.tr('ka10001', { stk_cd: '005930_NX' });
    expect(single.json['return_code']).toBe(2);
    expect(codeOf(single.json)).toBe(1903);
    const multi = await t.tr('ka10095', { stk_cd: '005930_AL|000660' });
    const [sor, krx] = rowsOf(multi.json, 'atn_stk_infr');
    expect(Object.values(sor ?? {}).every((v) => v === '')).toBe(true);
    expect(krx?.['stk_cd']).toBe('000660');
  });

  it('each mode has its own key pair', async () => {
    const mock = await startTestSim({
      env: { KIWOOM_SIM_MODE: 'mock', KIWOOM_SIM_APP_KEY: 'mock-key', KIWOOM_SIM_SECRET_KEY: 'mock-secret' },
    });
    const realKeyOnMock = await mock.post('/oauth2/token', {
      grant_type: 'client_credentials',
      appkey: 'mock-key-real',
      secretkey: 'mock-secret-real',
    });
    expect(codeOf(realKeyOnMock.json)).toBe(8030);
    const real = await startTestSim();
    const mockKeyOnReal = await real.post('/oauth2/token', {
      grant_type: 'client_credentials',
      appkey: `${APP_KEY}-mock`,
      secretkey: `${SECRET_KEY}-mock`,
    });
    expect(codeOf(mockKeyOnReal.json)).toBe(8030);
  });

  it('mock: 1 call/s per TR and 5/s for charts; real: 5/s', async () => {
    const mock = await startTestSim({ env: { KIWOOM_SIM_MODE: 'mock' } });
    expect((await mock.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
    expect((await mock.tr('ka10001', { stk_cd: '005930' })).status).toBe(429);
    const chart = { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' };
    for (let i = 0; i < 5; i++) expect((await mock.tr('ka10081', chart)).status).toBe(200);
    expect((await mock.tr('ka10081', chart)).status).toBe(429);

    const real = await startTestSim();
    for (let i = 0; i < 5; i++) expect((await real.tr('ka10001', { stk_cd: '005930' })).status).toBe(200);
    const refused = await real.tr('ka10001', { stk_cd: '005930' });
    expect(refused.status).toBe(429);
    expect(String(refused.json['return_msg'])).toContain('유량=5, API ID=ka10001');
  });
});
