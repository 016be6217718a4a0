// kiwoom-rest.md §9 items 10–12 and §6: the TRs, their fields, signs, units and paging.
import { describe, expect, it } from 'vitest';
import { FAKE_UNIVERSE } from './fake-market.js';
import { codeOf, rowsOf, startTestSim, type Row, type TestSim } from './harness.js';

const unlimited = { KIWOOM_SIM_RATE_LIMITS: '*:0' };

async function pageThrough(t: TestSim, apiId: string, body: Record<string, string>, listKey: string): Promise<Row[][]> {
  const pages: Row[][] = [];
  let headers: Record<string, string> = {};
  for (;;) {
    const r = await t.tr(apiId, body, headers);
    expect(r.json['return_code']).toBe(0);
    pages.push(rowsOf(r.json, listKey));
    if (r.headers.get('cont-yn') !== 'Y') {
      expect(r.headers.get('next-key')).toBe('');
      return pages;
    }
    const nextKey = r.headers.get('next-key') ?? '';
    expect(nextKey.length).toBeGreaterThan(0);
    expect(nextKey.length).toBeLessThanOrEqual(50);
    headers = { 'cont-yn': 'Y', 'next-key': nextKey };
  }
}

describe('ka10095', () => {
  it('returns one row per code in request order, duplicates included', async () => {
    const t = await startTestSim();
    const r = await t.tr('ka10095', { stk_cd: '000660|005930|0015N0|069500|005930' });
    expect(r.json['return_code']).toBe(0);
    expect(rowsOf(r.json, 'atn_stk_infr').map((row) => row['stk_cd'])).toEqual(['000660', '005930', '0015N0', '069500', '005930']);
  });

  it('gives an unknown code an all-blank row with return_code 0', async () => {
    const t = await startTestSim();
    const r = await t.tr('ka10095', { stk_cd: '005930|999999|000660' });
    expect(r.json['return_code']).toBe(0);
    const [known, unknown] = rowsOf(r.json, 'atn_stk_infr');
    expect(Object.keys(unknown ?? {})).toEqual(Object.keys(known ?? {}));
    expect(Object.values(unknown ?? {}).every((v) => v === '')).toBe(true);
  });

  it('accepts 100 codes and refuses 101 with return_code 5 [1634]', async () => {
    const t = await startTestSim({ env: unlimited });
    const codes = Array.from({ length: 101 }, (_, i) => FAKE_UNIVERSE[i % FAKE_UNIVERSE.length]?.ticker ?? '005930');
    const hundred = await t.tr('ka10095', { stk_cd: codes.slice(0, 100).join('|') });
    expect(rowsOf(hundred.json, 'atn_stk_infr')).toHaveLength(100);
    const tooMany = await t.tr('ka10095', { stk_cd: codes.join('|') });
    expect(tooMany.json['return_code']).toBe(5);
    expect(codeOf(tooMany.json)).toBe(1634);
    expect(tooMany.json).not.toHaveProperty('atn_stk_infr');
  });

  it('formats a row: signs against the base, trde_prica in 백만원, mac in 억원, stkcnt in thousands', async () => {
    const t = await startTestSim();
    const quote = t.market.quote('005930');
    if (quote === undefined) throw new Error('no quote');
    const [row] = rowsOf((await t.tr('ka10095', { stk_cd: '005930' })).json, 'atn_stk_infr');
    const sign = quote.price > quote.prevClose ? '+' : quote.price < quote.prevClose ? '-' : '';
    expect(row).toMatchObject({
      stk_nm: '삼성전자',
      cur_prc: `${sign}${quote.price}`,
      base_pric: String(quote.prevClose),
      pred_pre: `${sign}${Math.abs(quote.price - quote.prevClose)}`,
      trde_qty: String(quote.volume),
      trde_prica: String(Math.round(quote.tradingValue / 1e6)),
      mac: String(Math.round((quote.price * 5_969_782_550) / 1e8)),
      stkcnt: '5969783',
      upl_pric: `+${quote.upperLimit}`,
      lst_pric: `-${quote.lowerLimit}`,
      exp_cntr_pric: '',
      cntr_tm: '103000',
      dt: '20250910',
      elwexpr_dt: '00000000',
    });
    expect(row?.['flu_rt']).toMatch(/^[+-]\d+\.\d{2}$|^0\.00$/);
    expect(row?.['pred_pre_sig']).toBe(sign === '+' ? '2' : sign === '-' ? '5' : '3');
  });
});

describe('ka10001', () => {
  it('returns the 45 documented fields, flat', async () => {
    const t = await startTestSim();
    const r = await t.tr('ka10001', { stk_cd: '005930' });
    const fields = Object.keys(r.json).filter((k) => k !== 'return_code' && k !== 'return_msg');
    expect(fields).toHaveLength(45);
    for (const f of [
      'stk_cd',
      'stk_nm',
      'flo_stk',
      'mac',
      'per',
      '250hgst',
      '250lwst_pric_pre_rt',
      'upl_pric',
      'lst_pric',
      'base_pric',
      'exp_cntr_pric',
      'cur_prc',
      'pre_sig',
      'pred_pre',
      'flu_rt',
      'trde_qty',
      'dstr_rt',
    ]) {
      expect(fields).toContain(f);
    }
  });

  it('agrees with the live quote and its limits', async () => {
    const t = await startTestSim();
    const quote = t.market.quote('000660');
    if (quote === undefined) throw new Error('no quote');
    const r = (await t.tr('ka10001', { stk_cd: '000660' })).json;
    expect(Math.abs(Number(r['cur_prc']))).toBe(quote.price);
    expect(r['upl_pric']).toBe(`+${quote.upperLimit}`);
    expect(r['lst_pric']).toBe(`-${quote.lowerLimit}`);
    expect(r['base_pric']).toBe(String(quote.prevClose));
    expect(r['flo_stk']).toBe('728002');
    expect(r['250hgst_pric_dt']).toBe(quote.high250Date);
  });

  it('shows the expected price only during a call auction', async () => {
    const t = await startTestSim();
    expect((await t.tr('ka10001', { stk_cd: '005930' })).json['exp_cntr_pric']).toBe('');
    t.clock.set({ at: new Date('2025-09-10T15:25:00+09:00') });
    const auction = (await t.tr('ka10001', { stk_cd: '005930' })).json;
    expect(auction['exp_cntr_pric']).not.toBe('');
    expect(auction['exp_cntr_qty']).toBe('5000');
  });
});

describe('ka10081', () => {
  it('pages newest first with small pages until cont-yn N, with no duplicates and no gaps', async () => {
    const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_PAGE_SIZE: '7' }, historyDays: 40 });
    const pages = await pageThrough(t, 'ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' }, 'stk_dt_pole_chart_qry');
    expect(pages.length).toBe(6);
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    const dates = pages.flat().map((row) => row['dt'] ?? '');
    const expected = t.market.dailyBars('005930', '20250910').map((bar) => bar.date);
    expect(dates).toEqual(expected);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates[0]).toBe('20250910');
  });

  it('keeps page boundaries while the clock runs into the next day', async () => {
    const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_PAGE_SIZE: '5' }, historyDays: 12 });
    const body = { stk_cd: '000660', base_dt: '20250930', upd_stkpc_tp: '1' };
    const first = await t.tr('ka10081', body);
    t.clock.set({ at: new Date('2025-09-11T09:10:00+09:00') });
    const second = await t.tr('ka10081', body, { 'cont-yn': 'Y', 'next-key': first.headers.get('next-key') ?? '' });
    const last = rowsOf(first.json, 'stk_dt_pole_chart_qry').at(-1)?.['dt'] ?? '';
    const next = rowsOf(second.json, 'stk_dt_pole_chart_qry')[0]?.['dt'] ?? '';
    expect(next < last).toBe(true);
  });

  it('bounds the newest row by base_dt and starts with today’s partial candle during trading', async () => {
    const t = await startTestSim({ env: unlimited });
    const weekend = rowsOf(
      (await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250907', upd_stkpc_tp: '1' })).json,
      'stk_dt_pole_chart_qry',
    );
    expect(weekend[0]?.['dt']).toBe('20250905');
    const today = rowsOf(
      (await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' })).json,
      'stk_dt_pole_chart_qry',
    )[0];
    const live = (await t.tr('ka10001', { stk_cd: '005930' })).json;
    expect(today?.['cur_prc']).toBe(String(Math.abs(Number(live['cur_prc']))));
    expect(today?.['trde_qty']).toBe(live['trde_qty']);
    expect(today?.['pred_pre']).toBe(live['pred_pre']);
  });

  it('formats rows: unsigned prices, signed pred_pre = close − previous close, trde_prica in 백만원', async () => {
    const t = await startTestSim();
    const rows = rowsOf(
      (await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250909', upd_stkpc_tp: '1' })).json,
      'stk_dt_pole_chart_qry',
    );
    const bars = t.market.dailyBars('005930', '20250909');
    for (let i = 0; i < 5; i++) {
      const row = rows[i] as Row;
      const bar = bars[i];
      const previous = bars[i + 1];
      if (bar === undefined || previous === undefined) throw new Error('short history');
      expect(row['open_pric']).toMatch(/^\d+$/);
      expect(row['cur_prc']).toBe(String(bar.close));
      expect(Number(row['pred_pre'])).toBe(bar.close - previous.close);
      expect(row['trde_prica']).toBe(String(Math.round(bar.tradingValue / 1e6)));
    }
    expect(rows.at(-1)?.['pred_pre']).toBe('');
  });

  it('returns the same rows for adjusted and raw prices', async () => {
    const t = await startTestSim({ env: unlimited });
    const adjusted = await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' });
    const raw = await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '0' });
    expect(raw.json['stk_dt_pole_chart_qry']).toEqual(adjusted.json['stk_dt_pole_chart_qry']);
  });

  it('refuses a next-key made for another body', async () => {
    const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_PAGE_SIZE: '5' } });
    const first = await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' });
    const other = await t.tr(
      'ka10081',
      { stk_cd: '000660', base_dt: '20250910', upd_stkpc_tp: '1' },
      { 'cont-yn': 'Y', 'next-key': first.headers.get('next-key') ?? '' },
    );
    expect(codeOf(other.json)).toBe(1517);
    const missingKey = await t.tr('ka10081', { stk_cd: '005930', base_dt: '20250910', upd_stkpc_tp: '1' }, { 'cont-yn': 'Y' });
    expect(codeOf(missingKey.json)).toBe(1517);
  });
});

describe('ka10086', () => {
  it('pages daily rows newest first with investor net buying that cancels out', async () => {
    const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_PAGE_SIZE: '9' }, historyDays: 20 });
    const pages = await pageThrough(t, 'ka10086', { stk_cd: '005930', qry_dt: '20250909', indc_tp: '0' }, 'daly_stkpc');
    const rows = pages.flat();
    expect(rows.map((r) => r['date'])).toEqual(t.market.dailyBars('005930', '20250909').map((b) => b.date));
    for (const row of rows) {
      expect(Number(row['ind_netprps']) + Number(row['orgn_netprps']) + Number(row['for_netprps'])).toBe(0);
      expect(row['close_pric']).toMatch(/^[+-]?\d+$/);
    }
  });

  it('gives amounts in 백만원 with indc_tp 1, and the foreign net as a quantity', async () => {
    const t = await startTestSim({ env: unlimited });
    const bar = t.market.dailyBars('005930', '20250909')[0];
    if (bar === undefined) throw new Error('no bar');
    const [row] = rowsOf((await t.tr('ka10086', { stk_cd: '005930', qry_dt: '20250909', indc_tp: '1' })).json, 'daly_stkpc');
    expect(Number(row?.['orgn_netprps'])).toBe(Math.round((bar.institutionNet * bar.close) / 1e6));
    expect(Number(row?.['for_netprps'])).toBe(bar.foreignNet);
    expect(row?.['amt_mn']).toBe(String(Math.round(bar.tradingValue / 1e6)));
  });
});

describe('ka10099', () => {
  it('lists one market with zero-padded counts and prices', async () => {
    const t = await startTestSim({ env: unlimited });
    const kospi = rowsOf((await t.tr('ka10099', { mrkt_tp: '0' })).json, 'list');
    expect(kospi.map((r) => r['code'])).toEqual(['005930', '000660', '000040']);
    expect(kospi[0]).toMatchObject({
      name: '삼성전자',
      listCount: '0000005969782550',
      marketCode: '0',
      marketName: '거래소',
      nxtEnable: 'Y',
    });
    expect(kospi[0]?.['lastPrice']).toMatch(/^\d{8}$/);
    expect(rowsOf((await t.tr('ka10099', { mrkt_tp: '10' })).json, 'list').map((r) => r['code'])).toEqual(['0015N0']);
    const etf = rowsOf((await t.tr('ka10099', { mrkt_tp: '8' })).json, 'list');
    expect(etf).toEqual([expect.objectContaining({ code: '069500', nxtEnable: 'N' })]);
    expect(rowsOf((await t.tr('ka10099', { mrkt_tp: '50' })).json, 'list')).toEqual([]);
    expect(codeOf((await t.tr('ka10099', { mrkt_tp: 'kospi' })).json)).toBe(1517);
    expect(codeOf((await t.tr('ka10099', {})).json)).toBe(1511);
  });

  it('pages the universe', async () => {
    const t = await startTestSim({ env: { ...unlimited, KIWOOM_SIM_PAGE_SIZE: '2' } });
    const pages = await pageThrough(t, 'ka10099', { mrkt_tp: '0' }, 'list');
    expect(pages.map((p) => p.map((r) => r['code']))).toEqual([['005930', '000660'], ['000040']]);
  });
});

describe('ka20001', () => {
  it('answers KOSPI, KOSDAQ and KOSPI200 with two-decimal signed values and breadth counts', async () => {
    const t = await startTestSim({ env: unlimited });
    for (const [mrkt, code] of [
      ['0', '001'],
      ['1', '101'],
      ['2', '201'],
    ] as const) {
      const r = (await t.tr('ka20001', { mrkt_tp: mrkt, inds_cd: code })).json;
      const index = t.market.index(code);
      if (index === undefined) throw new Error('no index');
      expect(Math.abs(Number(r['cur_prc']))).toBeCloseTo(index.value, 2);
      expect(r['cur_prc']).toMatch(/^[+-]?\d+\.\d{2}$/);
      expect(r['trde_qty']).toBe(String(index.volume));
      expect(Number(r['rising']) + Number(r['stdns']) + Number(r['fall'])).toBe(code === '101' ? 1 : 3);
      expect(r['52wk_hgst_pric_dt']).toBe(index.high52wDate);
    }
    expect(codeOf((await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '999' })).json)).toBe(1517);
  });

  it('has no sentinel rows during trading and starts with 999999 and 888888 after the close', async () => {
    const t = await startTestSim({ env: unlimited });
    const during = rowsOf((await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' })).json, 'inds_cur_prc_tm');
    expect(during[0]?.['tm_n']).toBe('103000');
    expect(during.some((r) => r['tm_n'] === '999999' || r['tm_n'] === '888888')).toBe(false);

    t.clock.set({ at: new Date('2025-09-10T16:10:00+09:00') });
    const after = rowsOf((await t.tr('ka20001', { mrkt_tp: '0', inds_cd: '001' })).json, 'inds_cur_prc_tm');
    expect(after.slice(0, 3).map((r) => r['tm_n'])).toEqual(['999999', '888888', '153000']);
    const [total, close, last] = after;
    expect(Number(total?.['acc_trde_qty_n'])).toBeGreaterThan(Number(close?.['acc_trde_qty_n']));
    expect(Number(close?.['acc_trde_qty_n'])).toBeGreaterThanOrEqual(Number(last?.['acc_trde_qty_n']));
    for (const row of after)
      expect(Object.keys(row)).toEqual(['tm_n', 'cur_prc_n', 'pred_pre_sig_n', 'pred_pre_n', 'flu_rt_n', 'trde_qty_n', 'acc_trde_qty_n']);
  });
});
