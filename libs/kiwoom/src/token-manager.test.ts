import { describe, expect, it } from 'vitest';
import { OK_MSG, fixture, kiwoomError, scriptedFetch, tokenReply, type FakeReply } from '../test/fake-kiwoom.js';
import type { Clock } from './clock.js';
import { KiwoomError } from './errors.js';
import { createTokenManager, type TokenManagerOptions } from './token-manager.js';

const EXPIRES_DT = '20250911083713';
const EXPIRES_AT = Date.parse('2025-09-11T08:37:13+09:00');
const MARGIN_MS = 10 * 60_000;

function fakeClock(startMs: number): Clock & { set(ms: number): void } {
  let now = startMs;
  return { now: () => now, set: (ms) => (now = ms) };
}

/** A token endpoint that numbers its tokens, unless `replies` scripts the next answers. */
function tokenServer(replies: FakeReply[] = []) {
  let issued = 0;
  const scripted = scriptedFetch((req) => {
    if (req.path === '/oauth2/revoke') return { body: { return_code: 0, return_msg: OK_MSG } };
    const next = replies.shift();
    if (next !== undefined) return next;
    issued++;
    return tokenReply(`token-${issued}`, EXPIRES_DT);
  });
  return { ...scripted, tokenCalls: () => scripted.calls.filter((c) => c.path === '/oauth2/token') };
}

function manager(server: ReturnType<typeof tokenServer>, clock: Clock, extra: Partial<TokenManagerOptions> = {}) {
  return createTokenManager({
    baseUrl: 'http://kiwoom.test/',
    appKey: 'app-key',
    secretKey: 'secret-key',
    fetch: server.fetch,
    clock,
    refreshMarginMs: MARGIN_MS,
    ...extra,
  });
}

const rejected = (): KiwoomError => new KiwoomError('KIWOOM_TOKEN_REJECTED', 'ka10001: 8005', { kiwoomCode: 8005, apiId: 'ka10001' });

describe('TokenManager', () => {
  it('issues with au10001: only Content-Type, the documented body, the oauth2 path', async () => {
    const server = tokenServer();
    await manager(server, fakeClock(EXPIRES_AT - 3_600_000)).getToken();
    const [call] = server.calls;
    expect(call?.url).toBe('http://kiwoom.test/oauth2/token');
    expect(call?.headers).toEqual({ 'content-type': 'application/json;charset=UTF-8' });
    expect(call?.body).toEqual({ grant_type: 'client_credentials', appkey: 'app-key', secretkey: 'secret-key' });
  });

  it('shares one au10001 request among concurrent callers (single flight)', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken()));
    expect(results).toEqual(Array.from({ length: 5 }, () => 'token-1'));
    expect(server.tokenCalls()).toHaveLength(1);
  });

  it('reads expires_dt as KST and reuses the token until the refresh margin', async () => {
    const server = tokenServer();
    const clock = fakeClock(EXPIRES_AT - 3_600_000);
    const tokens = manager(server, clock);
    await tokens.getToken();
    expect(tokens.expiresAt()).toBe(EXPIRES_AT);
    clock.set(EXPIRES_AT - MARGIN_MS - 1);
    expect(await tokens.getToken()).toBe('token-1');
    expect(server.tokenCalls()).toHaveLength(1);
  });

  it('refreshes early, once inside the margin', async () => {
    const server = tokenServer();
    const clock = fakeClock(EXPIRES_AT - 3_600_000);
    const tokens = manager(server, clock);
    await tokens.getToken();
    clock.set(EXPIRES_AT - MARGIN_MS);
    expect(await tokens.getToken()).toBe('token-2');
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('keeps a still-valid token when the early refresh fails', async () => {
    const server = tokenServer([tokenReply('token-1', EXPIRES_DT), { status: 503, body: 'unavailable' }]);
    const clock = fakeClock(EXPIRES_AT - 3_600_000);
    const tokens = manager(server, clock);
    await tokens.getToken();
    clock.set(EXPIRES_AT - 60_000);
    expect(await tokens.getToken()).toBe('token-1');
    // The failed refresh is not retried on every call.
    expect(await tokens.getToken()).toBe('token-1');
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('surfaces an au10001 error and does not cache it', async () => {
    const server = tokenServer([{ body: fixture('au10001.error-8030') }]);
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8030, apiId: 'au10001' });
    expect(await tokens.getToken()).toBe('token-1');
  });

  it('accepts the documented success fixture, "Bearer" and a string return_code', async () => {
    const server = tokenServer([
      { body: fixture('au10001.success') },
      { body: { expires_dt: EXPIRES_DT, token_type: 'Bearer', token: 'b', return_code: '0' } },
    ]);
    const clock = fakeClock(Date.parse('2024-11-07T00:00:00+09:00'));
    const tokens = manager(server, clock);
    expect(await tokens.getToken()).toBe('WQJCwyqInphKnR3bSRtB9NE1lv');
    expect(tokens.expiresAt()).toBe(Date.parse('2024-11-07T08:37:13+09:00'));
    clock.set(Date.parse('2024-11-07T08:37:13+09:00'));
    expect(await tokens.getToken()).toBe('b');
  });

  it('rejects a success without a usable token or expiry as a bad response', async () => {
    const server = tokenServer([{ body: { token: 'x', expires_dt: '2025', return_code: 0 } }]);
    await expect(manager(server, fakeClock(0)).getToken()).rejects.toMatchObject({ code: 'KIWOOM_BAD_RESPONSE' });
  });

  it('re-issues once on 8005 and retries the call once with the new token', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    const seen: string[] = [];
    const result = await tokens.withToken(async (token) => {
      seen.push(token);
      if (token === 'token-1') throw rejected();
      return 'data';
    });
    expect(result).toBe('data');
    expect(seen).toEqual(['token-1', 'token-2']);
  });

  it('reports a rejection after the re-issue as an authentication failure', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    let calls = 0;
    const failure = tokens.withToken(() => {
      calls++;
      return Promise.reject(rejected());
    });
    await expect(failure).rejects.toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8005, cause: { code: 'KIWOOM_TOKEN_REJECTED' } });
    expect(calls).toBe(2);
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('re-issues once for many calls rejected together', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    await tokens.getToken();
    const call = (token: string): Promise<string> => (token === 'token-1' ? Promise.reject(rejected()) : Promise.resolve(token));
    const results = await Promise.all([tokens.withToken(call), tokens.withToken(call), tokens.withToken(call)]);
    expect(results).toEqual(['token-2', 'token-2', 'token-2']);
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('does not re-issue for other errors', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    const bad = new KiwoomError('KIWOOM_BAD_REQUEST', '1511', { kiwoomCode: 1511 });
    await expect(tokens.withToken(() => Promise.reject(bad))).rejects.toBe(bad);
    expect(server.tokenCalls()).toHaveLength(1);
  });

  it('revokes with au10002 and issues a new token afterwards', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    await tokens.getToken();
    await tokens.revoke();
    const revoke = server.calls.find((c) => c.path === '/oauth2/revoke');
    expect(revoke?.headers).toEqual({ 'content-type': 'application/json;charset=UTF-8' });
    expect(revoke?.body).toEqual({ appkey: 'app-key', secretkey: 'secret-key', token: 'token-1' });
    expect(tokens.expiresAt()).toBeUndefined();
    expect(await tokens.getToken()).toBe('token-2');
  });

  it('does nothing on revoke without a token, and surfaces a revoke error', async () => {
    const quiet = tokenServer();
    await manager(quiet, fakeClock(0)).revoke();
    expect(quiet.calls).toHaveLength(0);

    const failing = scriptedFetch((req) =>
      req.path === '/oauth2/revoke' ? kiwoomError(2, 8015, 'Access Token을 폐기하는데 실패했습니다') : tokenReply('t', EXPIRES_DT),
    );
    const tokens = createTokenManager({
      baseUrl: 'http://kiwoom.test',
      appKey: 'a',
      secretKey: 's',
      fetch: failing.fetch,
      clock: fakeClock(0),
    });
    await tokens.getToken();
    await expect(tokens.revoke()).rejects.toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8015, apiId: 'au10002' });
    expect(tokens.expiresAt()).toBe(EXPIRES_AT);
  });

  it('lets one waiting caller give up without cancelling the shared issue', async () => {
    const server = tokenServer();
    const tokens = manager(server, fakeClock(EXPIRES_AT - 3_600_000));
    const controller = new AbortController();
    const leaving = tokens.getToken(controller.signal);
    const staying = tokens.getToken();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
    expect(await staying).toBe('token-1');
    expect(server.tokenCalls()).toHaveLength(1);
  });
});
