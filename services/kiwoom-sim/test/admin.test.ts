// The admin API (kiwoom-rest.md §9 item 18): faults, token expiry, clock, stats; bad input changes nothing.
import { describe, expect, it } from 'vitest';
import { parseKiwoomSimConfig } from '../src/config.js';
import { codeOf, startTestSim } from './harness.js';

describe('admin faults', () => {
  it('adds, lists, removes one and clears all', async () => {
    const t = await startTestSim();
    const added = await t.admin('PUT', '/admin/faults', [
      { kind: 'slow', delayMs: 10, apiId: 'ka10081' },
      { kind: 'unknown_tickers', ticker: '005930', probability: 0.25, durationMs: 1_000 },
    ]);
    expect(added.status).toBe(201);
    const listed = (await t.admin('GET', '/admin/faults')).json['faults'];
    expect(listed).toEqual([
      { id: 'f1', kind: 'slow', apiId: 'ka10081', probability: 1, fired: 0, remaining: null, expiresAt: null, delayMs: 10 },
      {
        id: 'f2',
        kind: 'unknown_tickers',
        ticker: ['005930'],
        probability: 0.25,
        fired: 0,
        remaining: null,
        expiresAt: '2025-09-10T10:30:01.000+09:00',
      },
    ]);
    expect((await t.admin('DELETE', '/admin/faults/f1')).json).toEqual({ removed: 'f1' });
    expect((await t.admin('DELETE', '/admin/faults/f1')).status).toBe(404);
    expect((await t.admin('DELETE', '/admin/faults')).json).toEqual({ cleared: 1 });
    expect((await t.admin('GET', '/admin/faults')).json).toEqual({ faults: [] });
  });

  it('refuses invalid faults with 400 and a list of problems, adding none', async () => {
    const t = await startTestSim();
    const invalid: unknown[] = [
      { kind: 'meteor' },
      { kind: 'http_5xx', httpStatus: 504 },
      { kind: 'slow' },
      { kind: 'slow', delayMs: -1 },
      { kind: 'http_5xx', probability: 0 },
      { kind: 'http_5xx', probability: 1.5 },
      { kind: 'http_5xx', count: 0 },
      { kind: 'http_5xx', durationMs: 1.5 },
      { kind: 'http_5xx', apiId: 'ka99999' },
      { kind: 'http_5xx', ticker: 'not a code' },
      { kind: 'http_5xx', delayMs: 5 },
      { kind: 'token_expiry', apiId: 'au10001' },
      { kind: 'saturated_values', value: 12 },
      { kind: 'saturated_values', fields: [] },
      [{ kind: 'http_5xx' }, { kind: 'nope' }],
      [],
      'http_5xx',
    ];
    for (const body of invalid) {
      const r = await t.admin('PUT', '/admin/faults', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json['error'], JSON.stringify(body)).toBe('invalid fault');
      expect((r.json['problems'] as string[]).length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    const tooMany = await t.admin(
      'PUT',
      '/admin/faults',
      Array.from({ length: 1_001 }, () => ({ kind: 'http_5xx' })),
    );
    expect(tooMany.status).toBe(400);
    expect(String(tooMany.json['problems'])).toContain('at most 1000 faults');
    const notJson = await fetch(`${t.url}/admin/faults`, { method: 'PUT', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await t.admin('GET', '/admin/faults')).json).toEqual({ faults: [] });
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const t = await startTestSim();
    expect((await t.admin('GET', '/admin/nothing')).status).toBe(404);
    expect((await t.admin('POST', '/admin/faults')).status).toBe(405);
    expect((await t.admin('GET', '/admin/faults/f1')).status).toBe(405);
    expect((await t.admin('GET', '/admin/tokens/expire')).status).toBe(405);
  });
});

describe('admin tokens', () => {
  it('expires every token at once', async () => {
    const t = await startTestSim();
    const token = await t.issueToken();
    expect((await t.admin('POST', '/admin/tokens/expire')).json).toEqual({ expired: 1 });
    expect(codeOf((await t.tr('ka10001', { stk_cd: '005930' })).json)).toBe(8005);
    expect(await t.issueToken()).not.toBe(token);
    expect((await t.admin('GET', '/admin/health')).json).toMatchObject({ validTokens: 1 });
  });
});

describe('admin clock', () => {
  it('reads the simulated clock', async () => {
    const t = await startTestSim();
    expect((await t.admin('GET', '/admin/clock')).json).toEqual({
      now: '2025-09-10T10:30:00.000+09:00',
      epochMs: Date.parse('2025-09-10T10:30:00+09:00'),
      speed: 0,
      running: false,
      today: '20250910',
      session: 'continuous',
      tradingDay: true,
    });
  });

  it('stands still at an instant, runs from a start at a speed, and moves forward', async () => {
    const t = await startTestSim();
    const fixed = await t.admin('PUT', '/admin/clock', { at: '2025-09-13T12:00:00+09:00' });
    expect(fixed.json).toMatchObject({ now: '2025-09-13T12:00:00.000+09:00', running: false, session: 'closed', tradingDay: false });
    const moved = await t.admin('PUT', '/admin/clock', { advanceMs: 2 * 86_400_000 - 3 * 3_600_000 + 20 * 60_000 });
    expect(moved.json).toMatchObject({ now: '2025-09-15T09:20:00.000+09:00', session: 'continuous' });
    const running = await t.admin('PUT', '/admin/clock', { start: '2025-09-10T15:19:00Z', speed: 60 });
    expect(running.json).toMatchObject({ running: true, speed: 60 });
    expect(Date.parse(String(running.json['now']))).toBeGreaterThanOrEqual(Date.parse('2025-09-10T15:19:00Z'));
  });

  it('applies a clock change to the next request', async () => {
    const t = await startTestSim();
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json['exp_cntr_pric']).toBe('');
    await t.admin('PUT', '/admin/clock', { at: '2025-09-10T08:45:00+09:00' });
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json['exp_cntr_pric']).not.toBe('');
  });

  it('refuses invalid changes with 400 and keeps the clock', async () => {
    const t = await startTestSim();
    for (const body of [
      {},
      { at: '2025-09-10T10:30:00' },
      { at: 'yesterday' },
      { start: '2025-09-10T10:30:00+09:00', speed: -1 },
      { start: '2025-09-10T10:30:00+09:00', speed: 'fast' },
      { advanceMs: 'soon' },
      { at: '2025-09-10T10:30:00+09:00', advanceMs: 5 },
      [1],
    ]) {
      const r = await t.admin('PUT', '/admin/clock', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(typeof r.json['error']).toBe('string');
    }
    expect((await t.admin('GET', '/admin/clock')).json['now']).toBe('2025-09-10T10:30:00.000+09:00');
  });
});

describe('admin stats', () => {
  it('counts requests per api-id, including refused ones, and resets', async () => {
    const t = await startTestSim();
    await t.tr('ka10095', { stk_cd: '005930' });
    await t.tr('ka10095', { stk_cd: '005930' });
    await t.post('/api/dostk/stkinfo', {}, { 'api-id': 'ka10001' });
    await t.post('/api/dostk/stkinfo', {}, { 'api-id': 'zz' });
    expect((await t.admin('GET', '/admin/stats')).json).toEqual({
      requests: { au10001: 1, ka10001: 1, ka10095: 2, other: 1 },
      rateLimited: {},
      total: 5,
    });
    expect((await t.admin('DELETE', '/admin/stats')).json).toEqual({ requests: {}, rateLimited: {}, total: 0 });
  });
});

describe('admin token', () => {
  it('needs Authorization: Bearer <token> on every admin path but /admin/health when KIWOOM_SIM_ADMIN_TOKEN is set', async () => {
    const t = await startTestSim({ env: { KIWOOM_SIM_ADMIN_TOKEN: 'admin-secret' } });
    const call = (path: string, authorization?: string, method = 'GET') =>
      fetch(`${t.url}${path}`, { method, ...(authorization !== undefined ? { headers: { authorization } } : {}) });
    expect((await call('/admin/faults')).status).toBe(401);
    expect(await (await call('/admin/clock', 'Bearer wrong-secret')).json()).toEqual({ error: 'admin token required' });
    expect((await call('/admin/tokens/expire', undefined, 'POST')).status).toBe(401);
    expect((await call('/admin/faults', 'Bearer admin-secret')).status).toBe(200);
    expect((await call('/admin/health')).status).toBe(200);
    // The Kiwoom API itself is unaffected.
    expect((await t.tr('ka10095', { stk_cd: '005930' })).status).toBe(200);
  });

  it('is required to listen off loopback, so faults and the clock are never open to the network', () => {
    expect(() => parseKiwoomSimConfig({ KIWOOM_SIM_HOST: '0.0.0.0' })).toThrow(
      /KIWOOM_SIM_ADMIN_TOKEN must be set when KIWOOM_SIM_HOST \(0\.0\.0\.0\) is not a loopback address/,
    );
    expect(() => parseKiwoomSimConfig({ KIWOOM_SIM_HOST: '0.0.0.0', KIWOOM_SIM_ADMIN_TOKEN: 't' })).not.toThrow();
    expect(() => parseKiwoomSimConfig({ KIWOOM_SIM_HOST: '127.0.0.1' })).not.toThrow();
    expect(() => parseKiwoomSimConfig({ KIWOOM_SIM_HOST: '::1' })).not.toThrow();
  });
});
