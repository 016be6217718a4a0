// The API layer over the real simulated market (src/market/), as `createKiwoomSim` wires it when
// no market is given: the same wire rules as over the fake, with the market's own universe.
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@repo/observability';
import { createKiwoomSim, parseKiwoomSimConfig, type KiwoomSim } from '../src/index.js';
import { pathFor, rowsOf, type Json, type Row } from './harness.js';

async function startRealSim(at: string): Promise<{
  sim: KiwoomSim;
  tr: (apiId: string, body: unknown, headers?: Record<string, string>) => Promise<{ json: Json; headers: Headers }>;
}> {
  const config = parseKiwoomSimConfig({ KIWOOM_SIM_PORT: '0', KIWOOM_SIM_CLOCK: at, KIWOOM_SIM_SPEED: '0', KIWOOM_SIM_RATE_LIMITS: '*:0' });
  const sim = createKiwoomSim({ config, logger: silentLogger });
  await sim.start();
  onTestFinished(() => sim.stop());
  const post = async (path: string, body: unknown, headers: Record<string, string>): Promise<{ json: Json; headers: Headers }> => {
    const r = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { json: (await r.json()) as Json, headers: r.headers };
  };
  const token = String(
    (await post('/oauth2/token', { grant_type: 'client_credentials', appkey: config.appKey, secretkey: config.secretKey }, {})).json[
      'token'
    ],
  );
  return {
    sim,
    tr: (apiId, body, headers = {}) => post(pathFor(apiId), body, { 'api-id': apiId, authorization: `Bearer ${token}`, ...headers }),
  };
}

describe('over the simulated market', () => {
  it('quotes the universe, letter codes included, with every value a string', async () => {
    const { sim, tr } = await startRealSim('2025-09-10T10:30:00+09:00');
    const codes = sim.market
      .universe()
      .slice(0, 100)
      .map((i) => i.ticker);
    expect(codes).toContain('005930');
    const rows = rowsOf((await tr('ka10095', { stk_cd: [...codes.slice(0, 99), '0015N0'].join('|') })).json, 'atn_stk_infr');
    expect(rows).toHaveLength(100);
    expect(rows.at(-1)?.['stk_cd']).toBe('0015N0');
    for (const row of rows) {
      expect(row['stk_cd']).not.toBe('');
      expect(Object.values(row).every((v) => typeof v === 'string')).toBe(true);
      const text = row['cur_prc'] ?? '';
      const base = Number(row['base_pric']);
      expect(text.startsWith('+'), text).toBe(Math.abs(Number(text)) > base);
      expect(text.startsWith('-'), text).toBe(Math.abs(Number(text)) < base);
    }
  });

  it('pages ka10081 over the market’s history, newest first, today first during trading', async () => {
    const { sim, tr } = await startRealSim('2025-09-10T10:30:00+09:00');
    const all: Row[] = [];
    let headers: Record<string, string> = {};
    for (let page = 0; page < 10; page++) {
      const r = await tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' }, headers);
      all.push(...rowsOf(r.json, 'stk_dt_pole_chart_qry'));
      if (r.headers.get('cont-yn') !== 'Y') break;
      headers = { 'cont-yn': 'Y', 'next-key': r.headers.get('next-key') ?? '' };
    }
    expect(all.map((r) => r['dt'])).toEqual(sim.market.dailyBars('005930', '20250910').map((b) => b.date));
    expect(all[0]?.['dt']).toBe('20250910');
  });

  it('shows planted limit moves with sign codes 1 and 4', async () => {
    const { sim, tr } = await startRealSim('2025-09-10T14:00:00+09:00');
    const limited = sim.market.planted().filter((p) => p.kind === 'upper_limit' || p.kind === 'lower_limit');
    expect(limited.length).toBeGreaterThan(0);
    for (const { ticker, kind } of limited) {
      const r = (await tr('ka10001', { stk_cd: ticker })).json;
      expect(r['pre_sig'], ticker).toBe(kind === 'upper_limit' ? '1' : '4');
      expect(r['cur_prc']).toBe(kind === 'upper_limit' ? r['upl_pric'] : r['lst_pric']);
    }
  });

  it('ends ka20001 series with the sentinel rows after the close', async () => {
    const { tr } = await startRealSim('2025-09-10T16:00:00+09:00');
    for (const [mrkt, code] of [
      ['0', '001'],
      ['1', '101'],
      ['2', '201'],
    ] as const) {
      const r = (await tr('ka20001', { mrkt_tp: mrkt, inds_cd: code })).json;
      expect(r['return_code']).toBe(0);
      expect(
        rowsOf(r, 'inds_cur_prc_tm')
          .slice(0, 2)
          .map((row) => row['tm_n']),
      ).toEqual(['999999', '888888']);
    }
  });
});
