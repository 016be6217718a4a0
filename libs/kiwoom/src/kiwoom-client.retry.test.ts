import { createLogger } from '@repo/observability';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, kiwoomError, scriptedFetch, tokenReply, type FakeReply } from '../test/fake-kiwoom.js';
import { createKiwoomClient, type KiwoomClient, type KiwoomClientOptions } from './kiwoom-client.js';

const RATE_1700 = (quota: number): FakeReply =>
  kiwoomError(5, 1700, `허용된 API 요청 개수를 초과하였습니다. 유량=${quota}, API ID=ka10001`, 429);

/** A client on a scripted fetch: TR calls take `replies` in order, then succeed with ka10001. */
function setup(replies: FakeReply[], options: Partial<KiwoomClientOptions> = {}) {
  let issued = 0;
  const scripted = scriptedFetch((req) => {
    if (req.path === '/oauth2/token') return tokenReply(`token-${++issued}`);
    return replies.shift() ?? { body: fixture('ka10001.success') };
  });
  const client = createKiwoomClient({
    baseUrl: 'http://kiwoom.test',
    appKey: 'app',
    secretKey: 'secret',
    fetch: scripted.fetch,
    // With random 0.5, full jitter waits exactly half the ceiling: 250, 500, 1000 ms…
    random: () => 0.5,
    backoff: { baseMs: 500, maxMs: 8_000 },
    rateLimits: { default: { perSecond: 100, burst: 100 } },
    ...options,
  });
  return {
    client,
    trCalls: () => scripted.calls.filter((c) => !c.path.startsWith('/oauth2/')),
    tokenCalls: () => scripted.calls.filter((c) => c.path === '/oauth2/token'),
  };
}

function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('KiwoomClient retries', () => {
  let client: KiwoomClient | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    client?.close();
    vi.useRealTimers();
  });

  it('retries a 429 after at least 1.3 s plus jitter, then succeeds', async () => {
    const env = setup([RATE_1700(100)]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(1_549);
    expect(env.trCalls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.trCalls()).toHaveLength(2);
    expect(call.value?.price).toBe(72400);
    expect(client.stats()).toEqual({ requests: 2, retries: 1, rateLimited: 1, failures: 0 });
  });

  it('retries a 1700 answered with HTTP 200 the same way', async () => {
    const env = setup([{ ...RATE_1700(100), status: 200 }]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(1_550);
    expect(call.value?.ticker).toBe('005930');
  });

  it('learns 유량=1 from a 1700 and paces later calls at 1 per second', async () => {
    const env = setup([RATE_1700(1)], { rateLimits: { perApiId: { ka10001: { perSecond: 5, burst: 5 } } } });
    client = env.client;
    const first = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(1_550);
    expect(first.settled).toBe(true);
    const second = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(999);
    expect(second.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second.value?.price).toBe(72400);
  });

  it('retries 5xx with capped exponential backoff and full jitter', async () => {
    const env = setup([
      { status: 503, body: '' },
      { status: 502, body: '<html>' },
      { status: 500, body: '' },
    ]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(0);
    expect(env.trCalls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(env.trCalls()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(env.trCalls()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.trCalls()).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(env.trCalls()).toHaveLength(4);
    expect(call.value?.price).toBe(72400);
  });

  it('caps each delay at maxMs', async () => {
    const env = setup([{ status: 503 }, { status: 503 }, { status: 503 }], {
      random: () => 0.999,
      backoff: { baseMs: 400, maxMs: 500 },
    });
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(3 * 500);
    expect(call.value?.price).toBe(72400);
  });

  it('gives up after maxRetries with the last error', async () => {
    const env = setup(
      Array.from({ length: 10 }, () => ({ status: 503, body: '' })),
      { maxRetries: 2 },
    );
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.runAllTimersAsync();
    expect(call.error).toMatchObject({ code: 'KIWOOM_UNAVAILABLE', httpStatus: 503 });
    expect(env.trCalls()).toHaveLength(3);
    expect(client.stats()).toEqual({ requests: 3, retries: 2, rateLimited: 0, failures: 1 });
  });

  it('retries a connection reset', async () => {
    const env = setup([{ fault: 'reset' }]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(250);
    expect(call.value?.price).toBe(72400);
  });

  it.each<[string, FakeReply, string]>([
    [
      '1511 (our request is wrong)',
      kiwoomError(2, 1511, '필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=stk_cd'),
      'KIWOOM_BAD_REQUEST',
    ],
    ['1902 (unknown ticker)', kiwoomError(2, 1902, '종목 정보가 없습니다'), 'KIWOOM_UNKNOWN_TICKER'],
    ['8030 (mode mismatch)', kiwoomError(2, 8030, '투자구분'), 'KIWOOM_AUTH_FAILED'],
    ['8104 (not on mock)', kiwoomError(2, 8104, '모의투자에서 지원하지 않는 API 입니다.'), 'KIWOOM_NOT_SUPPORTED'],
    ['HTTP 404', { status: 404, body: 'Not Found' }, 'KIWOOM_BAD_REQUEST'],
    ['a non-JSON 200', { body: '<html>' }, 'KIWOOM_BAD_RESPONSE'],
  ])('does not retry %s', async (_name, reply, code) => {
    const env = setup([reply]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.runAllTimersAsync();
    expect(call.error).toMatchObject({ code });
    expect(env.trCalls()).toHaveLength(1);
    expect(client.stats().retries).toBe(0);
  });

  it('re-issues on 8005 without a backoff retry, and fails for good when the new token is rejected too', async () => {
    const env = setup([kiwoomError(3, 8005, 'Token이 유효하지 않습니다'), kiwoomError(3, 8005, 'Token이 유효하지 않습니다')]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.runAllTimersAsync();
    expect(call.error).toMatchObject({ code: 'KIWOOM_AUTH_FAILED', kiwoomCode: 8005 });
    expect(env.trCalls().map((c) => c.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(env.tokenCalls()).toHaveLength(2);
    expect(client.stats().retries).toBe(0);
  });

  it('re-issues on HTTP 401 and succeeds with the new token', async () => {
    const env = setup([{ status: 401, body: '' }]);
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(0);
    expect(call.value?.price).toBe(72400);
    expect(env.trCalls().map((c) => c.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('times out a silent server, retries, and reports KIWOOM_TIMEOUT', async () => {
    const env = setup([{ fault: 'hang' }, { fault: 'hang' }], { timeoutMs: 1_000, maxRetries: 1 });
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(250);
    expect(env.trCalls()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.error).toMatchObject({ code: 'KIWOOM_TIMEOUT', apiId: 'ka10001', retryable: true });
  });

  it('stops retrying when the caller aborts during the backoff', async () => {
    const env = setup([{ status: 503 }, { status: 503 }]);
    client = env.client;
    const controller = new AbortController();
    const call = track(client.stockInfo('005930', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await vi.runAllTimersAsync();
    expect(call.error).toMatchObject({ code: 'KIWOOM_ABORTED' });
    expect(env.trCalls()).toHaveLength(1);
  });

  it('logs retries at debug only, never one line per attempt at info', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = createLogger({ name: 'test', level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const env = setup([{ status: 503 }, RATE_1700(1), { status: 500 }], { logger, maxRetries: 3 });
    client = env.client;
    const call = track(client.stockInfo('005930'));
    await vi.runAllTimersAsync();
    expect(call.value?.price).toBe(72400);
    const retryLines = lines.filter((l) => l.msg === 'kiwoom call failed; retrying');
    expect(retryLines).toHaveLength(3);
    expect(retryLines.every((l) => l.level === 20)).toBe(true);
    // The one warn: the learned quota, a rare state change.
    expect(lines.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual(['kiwoom rate limit lowered to the announced quota']);
    expect(JSON.stringify(lines)).not.toContain('token-1');
  });

  it('rejects calls waiting for the rate limiter on close', async () => {
    const env = setup([], { rateLimits: { default: { perSecond: 1, burst: 1 } } });
    client = env.client;
    await client.stockInfo('005930');
    const waiting = track(client.stockInfo('005930'));
    client.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.error).toMatchObject({ code: 'KIWOOM_ABORTED' });
    await expect(client.stockInfo('005930')).rejects.toMatchObject({ code: 'KIWOOM_ABORTED' });
  });
});
