import { describeValue, type KiwoomBody } from '../errors.js';
import { parseKstDate } from '../kst.js';
import { millionKrwToKrw, parseChange, parsePrice, parseRate, parseSignCode, parseSignedNumber, type PriceSign } from '../numbers.js';
import { normalizeTicker } from '../tickers.js';
import { collectPages, type KiwoomTransport, type PagingOptions } from '../transport.js';
import { badResponse, fieldsOf, isBlankRow, listOf, requireRequestCode, requireRequestDate } from './fields.js';

/** ka10081 주식일봉차트조회요청: daily candles, newest first, about 600 rows a page (§6.3). */
export const KA10081 = { apiId: 'ka10081', path: '/api/dostk/chart' } as const;

export interface Ka10081Request {
  readonly stk_cd: string;
  /** `YYYYMMDD`: rows are on or before this date. */
  readonly base_dt: string;
  /** `"1"` adjusted (수정주가), `"0"` raw. */
  readonly upd_stkpc_tp: '0' | '1';
}

export interface Ka10081Row {
  /** `YYYYMMDD`. */
  readonly dt: string;
  readonly open_pric: string;
  readonly high_pric: string;
  readonly low_pric: string;
  /** The close (the partial current day during trading hours). */
  readonly cur_prc: string;
  /** Shares. */
  readonly trde_qty: string;
  /** 백만원. */
  readonly trde_prica: string;
  readonly pred_pre: string;
  readonly pred_pre_sig: string;
  readonly trde_tern_rt: string;
}

export interface Ka10081Response {
  readonly stk_cd: string;
  readonly stk_dt_pole_chart_qry: readonly Ka10081Row[];
  readonly return_code: number;
  readonly return_msg: string;
}

export interface DailyCandle {
  /** `YYYY-MM-DD`, the KST trading date. */
  readonly date: string;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  /** Shares. */
  readonly volume: number | null;
  /** KRW (from 백만원). */
  readonly tradingValue: number | null;
  /** Signed close − previous close. */
  readonly change: number | null;
  readonly sign: PriceSign | null;
  /** Turnover, percent. */
  readonly turnoverRate: number | null;
}

export interface DailyCandlesOptions extends PagingOptions<DailyCandle> {
  /** The newest date wanted, `YYYYMMDD` or `YYYY-MM-DD` (KST). */
  readonly baseDate: string;
  /** Adjusted prices (수정주가) when true. */
  readonly adjusted: boolean;
}

export interface DailyCandles {
  readonly ticker: string;
  /** Newest first, as Kiwoom sends them. */
  readonly candles: DailyCandle[];
  /** True when a bound stopped the walk while Kiwoom had older rows. */
  readonly hasMore: boolean;
}

export function decodeDailyCandle(row: KiwoomBody): DailyCandle {
  const f = fieldsOf<Ka10081Row>(row);
  const date = parseKstDate(f('dt'));
  const close = parsePrice(f('cur_prc'));
  if (date === null || close === null) {
    throw badResponse(
      KA10081.apiId,
      `a row without a valid dt or cur_prc (dt ${describeValue(f('dt'))}, cur_prc ${describeValue(f('cur_prc'))})`,
    );
  }
  return {
    date,
    open: parsePrice(f('open_pric')),
    high: parsePrice(f('high_pric')),
    low: parsePrice(f('low_pric')),
    close,
    volume: parseSignedNumber(f('trde_qty')),
    tradingValue: millionKrwToKrw(parseSignedNumber(f('trde_prica'))),
    change: parseChange(f('pred_pre'), f('pred_pre_sig')),
    sign: parseSignCode(f('pred_pre_sig')),
    turnoverRate: parseRate(f('trde_tern_rt')),
  };
}

export function decodeDailyCandlePage(body: KiwoomBody): DailyCandle[] {
  return listOf(body, 'stk_dt_pole_chart_qry', KA10081.apiId)
    .filter((row) => !isBlankRow(row))
    .map(decodeDailyCandle);
}

export async function requestDailyCandles(transport: KiwoomTransport, ticker: string, options: DailyCandlesOptions): Promise<DailyCandles> {
  const baseDate = requireRequestDate(KA10081.apiId, 'baseDate', options.baseDate);
  const body: Ka10081Request = {
    stk_cd: requireRequestCode(KA10081.apiId, ticker),
    base_dt: baseDate,
    upd_stkpc_tp: options.adjusted ? '1' : '0',
  };
  const { rows, hasMore } = await collectPages(
    transport,
    { ...KA10081, body: { ...body } },
    (page) => decodeDailyCandlePage(page.body),
    options,
  );
  return { ticker: normalizeTicker(ticker) ?? ticker, candles: rows, hasMore };
}
