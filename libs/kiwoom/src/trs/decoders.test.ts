import { describe, expect, it } from 'vitest';
import { fixtureJson } from '../../test/fake-kiwoom.js';
import { decodeStockInfo } from './ka10001.js';
import { decodeDailyCandlePage } from './ka10081.js';
import { decodeDailyPricePage } from './ka10086.js';
import { decodeQuotes } from './ka10095.js';
import { decodeStockListPage } from './ka10099.js';
import { decodeIndexQuote } from './ka20001.js';
import { listOf } from './fields.js';

const NOW = Date.parse('2025-09-10T10:00:00+09:00');

describe('ka10001 decoder', () => {
  it('decodes the realistic example into KRW, shares and absolute prices', () => {
    const info = decodeStockInfo(fixtureJson('ka10001.success'), '005930');
    expect(info).toMatchObject({
      ticker: '005930',
      name: '삼성전자',
      price: 72400,
      change: 1400,
      changeRate: 1.97,
      sign: 'up',
      volume: 13_527_412,
      open: 71200,
      high: 72800,
      low: 70900,
      basePrice: 71000,
      upperLimit: 92300,
      lowerLimit: 49700,
      expectedPrice: null,
      marketCap: 432_212_300_000_000,
      listedShares: 5_969_783_000,
      floatShares: 4_961_262_000,
      capital: 897_500_000_000,
      per: 14.05,
      yearLow: 52100,
      high250: 88800,
      high250Date: '2025-07-11',
      low250: 49900,
      low250Date: '2024-11-14',
      fiscalYearEndMonth: 12,
    });
  });

  it('decodes the live off-tick capture: absolute price, signed change, sign code down', () => {
    const info = decodeStockInfo(fixtureJson('ka10001.mock-off-tick'), '005930');
    expect(info).toMatchObject({ price: 275750, change: -250, changeRate: -0.09, sign: 'down', open: 273500 });
    expect(info).toMatchObject({ upperLimit: 358500, lowerLimit: 193500, basePrice: 276000 });
    // Fields absent from the capture are null, not 0.
    expect(info.per).toBeNull();
    expect(info.marketCap).toBeNull();
  });

  it('turns blank vendor fields and saturated values into null', () => {
    const body = { ...fixtureJson('ka10001.success'), per: '', eps: '', trde_qty: '4294967295', mac: '2147483647' };
    const info = decodeStockInfo(body, '005930');
    expect([info.per, info.eps, info.volume, info.marketCap]).toEqual([null, null, null, null]);
  });

  it('reports a blank stk_cd as an unknown ticker and a missing price as a bad response', () => {
    expect(() => decodeStockInfo({ stk_cd: '', return_code: 0 }, '999990')).toThrow(
      expect.objectContaining({ code: 'KIWOOM_UNKNOWN_TICKER' }),
    );
    expect(() => decodeStockInfo({ stk_cd: '005930', cur_prc: '' }, '005930')).toThrow(
      expect.objectContaining({ code: 'KIWOOM_BAD_RESPONSE' }),
    );
  });

  it('normalises SOR codes echoed with _AL', () => {
    expect(decodeStockInfo({ ...fixtureJson('ka10001.success'), stk_cd: '005930_AL' }, '005930_AL').ticker).toBe('005930');
  });
});

describe('ka10095 decoder', () => {
  const rows = (name: string) => listOf(fixtureJson(name), 'atn_stk_infr', 'ka10095');

  it('falls back to price − change when base_pric is blank, and to today (KST) when dt is blank', () => {
    const [row] = rows('ka10095.success');
    const result = decodeQuotes([{ ...row, base_pric: '', dt: '' }], ['005930'], NOW);
    expect(result.quotes[0]?.prevClose).toBe(71000);
    expect(result.quotes[0]?.time).toBe('2025-09-10T15:19:57+09:00');
  });

  it('lists a named row without a usable price as unpriced', () => {
    const [row] = rows('ka10095.success');
    const result = decodeQuotes([{ ...row, cur_prc: '4294967295' }], ['005930'], NOW);
    expect(result.quotes).toEqual([null]);
    expect(result.unpricedTickers).toEqual(['005930']);
    expect(result.unknownTickers).toEqual([]);
  });

  it('has no trade time before the first trade', () => {
    const [row] = rows('ka10095.success');
    expect(decodeQuotes([{ ...row, cntr_tm: '' }], ['005930'], NOW).quotes[0]?.time).toBeNull();
  });

  it('shows call-auction expected values', () => {
    const [row] = rows('ka10095.success');
    const quote = decodeQuotes([{ ...row, exp_cntr_pric: '+72300', exp_cntr_qty: '15230' }], ['005930'], NOW).quotes[0];
    expect([quote?.expectedPrice, quote?.expectedVolume]).toEqual([72300, 15230]);
  });
});

describe('ka10081 decoder', () => {
  it('decodes the example page newest first with KRW trading value', () => {
    const candles = decodeDailyCandlePage(fixtureJson('ka10081.page'));
    expect(candles.map((c) => c.date)).toEqual(['2025-09-10', '2025-09-09', '2025-09-08']);
    expect(candles[0]).toEqual({
      date: '2025-09-10',
      open: 71200,
      high: 72800,
      low: 70900,
      close: 72400,
      volume: 13_527_412,
      tradingValue: 973_974_000_000,
      change: 1400,
      sign: 'up',
      turnoverRate: 0.23,
    });
    expect(candles[2]?.change).toBe(-600);
  });

  it('strips signs from prices even though the example sends them unsigned', () => {
    const [candle] = decodeDailyCandlePage({ stk_dt_pole_chart_qry: [{ dt: '20250910', cur_prc: '-72400', open_pric: '+71200' }] });
    expect([candle?.close, candle?.open]).toEqual([72400, 71200]);
  });

  it('skips blank rows and treats a missing list as no rows', () => {
    expect(decodeDailyCandlePage({ stk_dt_pole_chart_qry: [{ dt: '', cur_prc: '' }] })).toEqual([]);
    expect(decodeDailyCandlePage({ return_code: 0 })).toEqual([]);
  });

  it('rejects a non-list and a row without a date', () => {
    expect(() => decodeDailyCandlePage({ stk_dt_pole_chart_qry: 'x' })).toThrow(expect.objectContaining({ code: 'KIWOOM_BAD_RESPONSE' }));
    expect(() => decodeDailyCandlePage({ stk_dt_pole_chart_qry: [{ dt: '2025', cur_prc: '1' }] })).toThrow(
      expect.objectContaining({ code: 'KIWOOM_BAD_RESPONSE' }),
    );
  });
});

describe('ka10086 decoder', () => {
  it('reads doubled signs and investor net buying in shares', () => {
    const [today, yesterday] = decodeDailyPricePage(fixtureJson('ka10086.constructed'));
    expect(today).toMatchObject({
      date: '2025-09-10',
      close: 72400,
      change: 1400,
      tradingValue: 973_974_000_000,
      individual: -266783,
      individualNetBuying: -266783,
      foreignNetBuying: 146239,
      institutionNetBuying: 120544,
    });
    expect(yesterday).toMatchObject({ foreignNetBuying: -5011, institutionNetBuying: -5010, program: null });
  });
});

describe('ka10099 decoder', () => {
  it('decodes listed stocks, letter codes included, and reports invalid codes', () => {
    const decoded = decodeStockListPage(fixtureJson('ka10099.constructed'));
    expect(decoded[0]).toEqual({
      stock: {
        ticker: '005930',
        name: '삼성전자',
        listCount: 5_969_782_550,
        auditInfo: '정상',
        listingDate: '1975-06-11',
        lastPrice: 72400,
        state: '증거금20%|담보대출|신용가능',
        marketCode: '0',
        marketName: '거래소',
        sectorName: '전기전자',
        sizeClass: '대형주',
        companyClass: '',
        orderWarning: '0',
        nxtEnabled: true,
      },
    });
    expect(decoded[1]).toMatchObject({ stock: { ticker: '0015N0', nxtEnabled: false } });
    expect(decoded[2]).toEqual({ rejected: 'ABCDEF' });
  });
});

describe('ka20001 decoder', () => {
  it('decodes the mock-host capture and drops the 999999/888888 sentinel rows', () => {
    const quote = decodeIndexQuote(fixtureJson('ka20001.kospi-mock'), '001');
    expect(quote).toMatchObject({
      code: '001',
      name: 'KOSPI',
      value: 7246.79,
      change: -409.52,
      changeRate: -5.35,
      sign: 'down',
      volume: 501_071_000,
      tradingValue: 42_465_431_000_000,
      tradedStocks: 912,
      tradedStocksRate: 96.51,
      open: 7452.48,
      high: 7791.66,
      low: 7186.21,
      breadth: { upperLimit: 3, up: 125, unchanged: 22, down: 765, lowerLimit: 0 },
      high52w: { value: 9385.59, date: '2026-06-19', vsCurrentRate: -22.79 },
      low52w: { value: 3032.47, date: '2025-07-02', vsCurrentRate: 138.97 },
    });
    expect(quote.ticks).toEqual([
      { time: '15:32:20', value: 7246.78, change: -409.53, changeRate: -5.35, sign: 'down', volume: 2_000, cumulativeVolume: 495_737_000 },
    ]);
  });

  it('names 201 KOSPI200, not KOSDAQ', () => {
    expect(decodeIndexQuote(fixtureJson('ka20001.kospi-mock'), '201').name).toBe('KOSPI200');
  });
});
