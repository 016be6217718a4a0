// kiwoom-rest.md §9 items 3–5: au10001, au10002, and /oauth2/* without api-id or authorization.
import { describe, expect, it } from 'vitest';
import { APP_KEY, SECRET_KEY, codeOf, startTestSim } from './harness.js';

const credentials = { grant_type: 'client_credentials', appkey: APP_KEY, secretkey: SECRET_KEY };
const DAY_MS = 86_400_000;

describe('au10001 token issue', () => {
  it('returns an 86-character token, bearer, and expires_dt = now + 24 h in KST', async () => {
    const t = await startTestSim();
    const r = await t.post('/oauth2/token', credentials);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      expires_dt: '20250911103000',
      token_type: 'bearer',
      token: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
      return_code: 0,
      return_msg: '정상적으로 처리되었습니다',
    });
    expect(r.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('returns the same token and expiry while it is valid, and a new one after expiry on the simulated clock', async () => {
    const t = await startTestSim();
    const first = (await t.post('/oauth2/token', credentials)).json;
    t.clock.advance(DAY_MS - 1_000);
    const again = (await t.post('/oauth2/token', credentials)).json;
    expect(again['token']).toBe(first['token']);
    expect(again['expires_dt']).toBe(first['expires_dt']);
    const ok = await t.post(
      '/api/dostk/stkinfo',
      { stk_cd: '005930' },
      { 'api-id': 'ka10001', authorization: `Bearer ${String(first['token'])}` },
    );
    expect(ok.json['return_code']).toBe(0);

    t.clock.advance(1_000);
    const expired = await t.post(
      '/api/dostk/stkinfo',
      { stk_cd: '005930' },
      { 'api-id': 'ka10001', authorization: `Bearer ${String(first['token'])}` },
    );
    expect(expired.json).toEqual({ return_code: 3, return_msg: '인증에 실패했습니다[8005:Token이 유효하지 않습니다]' });
    const renewed = (await t.post('/oauth2/token', credentials)).json;
    expect(renewed['token']).not.toBe(first['token']);
    expect(renewed['expires_dt']).toBe('20250912103000');
  });

  it('answers every error case with its category and code', async () => {
    const t = await startTestSim();
    const cases: [body: Record<string, unknown>, returnCode: number, code: number][] = [
      [{ grant_type: 'client_credentials', secretkey: SECRET_KEY }, 2, 8020],
      [{ grant_type: 'client_credentials', appkey: APP_KEY }, 2, 8020],
      [{ grant_type: 'client_credentials', appkey: '', secretkey: SECRET_KEY }, 2, 8020],
      [{ grant_type: 'client_credentials', appkey: `${APP_KEY}-mock`, secretkey: `${SECRET_KEY}-mock` }, 2, 8030],
      [{ appkey: APP_KEY, secretkey: SECRET_KEY }, 2, 8011],
      [{ grant_type: 'refresh_token', appkey: APP_KEY, secretkey: SECRET_KEY }, 2, 8012],
      [{ grant_type: 'client_credentials', appkey: 'someone-else', secretkey: SECRET_KEY }, 3, 8001],
      [{ grant_type: 'client_credentials', appkey: APP_KEY, secretkey: 'wrong' }, 3, 8001],
    ];
    for (const [body, returnCode, code] of cases) {
      const r = await t.post('/oauth2/token', body);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(r.json['return_code'], JSON.stringify(body)).toBe(returnCode);
      expect(codeOf(r.json), JSON.stringify(body)).toBe(code);
    }
    const missing = await t.post('/oauth2/token', { grant_type: 'client_credentials' });
    expect(missing.json).toEqual({
      return_code: 2,
      return_msg: '입력 값 오류입니다[8020:입력파라미터로 appkey 또는 secretkey가 전달되지 않았습니다.]',
    });
  });

  it('gives 8030 to the other mode key in mock mode too', async () => {
    const t = await startTestSim({
      env: { KIWOOM_SIM_MODE: 'mock', KIWOOM_SIM_OTHER_APP_KEY: 'real-key', KIWOOM_SIM_OTHER_SECRET_KEY: 'real-secret' },
    });
    const r = await t.post('/oauth2/token', { grant_type: 'client_credentials', appkey: 'real-key', secretkey: 'real-secret' });
    expect(r.json).toEqual({
      return_code: 2,
      return_msg: '입력 값 오류입니다[8030:투자구분(실전/모의)이 달라서 Appkey를 사용할수가 없습니다]',
    });
    expect((await t.post('/oauth2/token', credentials)).json['return_code']).toBe(0);
  });

  it('needs neither api-id nor authorization on /oauth2/*, and accepts them when sent', async () => {
    const t = await startTestSim();
    const bare = await t.post('/oauth2/token', credentials);
    expect(bare.json['return_code']).toBe(0);
    const decorated = await t.post('/oauth2/token', credentials, { 'api-id': 'au10001', authorization: 'Bearer whatever' });
    expect(decorated.json['token']).toBe(bare.json['token']);
    expect(decorated.headers.get('api-id')).toBe('au10001');
  });
});

describe('au10002 token revoke', () => {
  it('answers the bare success body and invalidates the token', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    const r = await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: SECRET_KEY, token });
    expect(r.text).toBe('{"return_code":0,"return_msg":"정상적으로 처리되었습니다"}');
    const after = await t.tr('ka10001', { stk_cd: '005930' });
    expect(codeOf(after.json)).toBe(8005);
    const next = await t.issueToken();
    expect(next).not.toBe(token);
  });

  it('refuses a missing token with 8016 and missing keys with 8020', async () => {
    const t = await startTestSim();
    await t.issueToken();
    const noToken = await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: SECRET_KEY });
    expect(noToken.json).toEqual({ return_code: 2, return_msg: '입력 값 오류입니다[8016:입력값에 Token이 들어오지 않았습니다]' });
    const noKeys = await t.post('/oauth2/revoke', { token: 'x' });
    expect(codeOf(noKeys.json)).toBe(8020);
    const badSecret = await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: 'nope', token: 'x' });
    expect(codeOf(badSecret.json)).toBe(8001);
  });

  it('treats revoking an unknown or already revoked token as done', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    for (let i = 0; i < 2; i++) {
      const r = await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: SECRET_KEY, token });
      expect(r.json['return_code']).toBe(0);
    }
    expect((await t.post('/oauth2/revoke', { appkey: APP_KEY, secretkey: SECRET_KEY, token: 'never-issued' })).json['return_code']).toBe(0);
  });
});
