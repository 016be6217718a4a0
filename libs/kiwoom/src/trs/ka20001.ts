import { KiwoomError, type KiwoomBody } from '../errors.js';
import { parseKstDate, parseKstTime } from '../kst.js';
import {
  millionKrwToKrw,
  parseChange,
  parsePrice,
  parseRate,
  parseSignCode,
  parseSignedNumber,
  thousandSharesToShares,
  type PriceSign,
} from '../numbers.js';
import type { KiwoomTransport } from '../transport.js';
import { badResponse, fieldsOf, type FieldName, listOf, text } from './fields.js';

/** ka20001 업종현재가요청: an index's current value (§6.6). */
export const KA20001 = { apiId: 'ka20001', path: '/api/dostk/sect' } as const;

/** The indices v1 reads, with the `mrkt_tp` each needs (not ka10099's codes). `201` is KOSPI200, not KOSDAQ. */
export const INDEX_CODES = {
  '001': { mrktTp: '0', name: 'KOSPI' },
  '101': { mrktTp: '1', name: 'KOSDAQ' },
  '201': { mrktTp: '2', name: 'KOSPI200' },
} as const;

export type IndexCode = keyof typeof INDEX_CODES;
export type IndexName = (typeof INDEX_CODES)[IndexCode]['name'];

/** Close-of-day sentinel rows in `inds_cur_prc_tm`; not times of day (§6.6). */
export const INDEX_SENTINEL_TIMES: readonly string[] = ['999999', '888888'];

export interface Ka20001Request {
  readonly mrkt_tp: '0' | '1' | '2';
  readonly inds_cd: IndexCode;
}

export interface Ka20001TickRow {
  /** `HHMMSS`, or a sentinel `999999`/`888888`. */
  readonly tm_n: string;
  readonly cur_prc_n: string;
  readonly pred_pre_sig_n: string;
  readonly pred_pre_n: string;
  readonly flu_rt_n: string;
  /** 천주. */
  readonly trde_qty_n: string;
  /** 천주. */
  readonly acc_trde_qty_n: string;
}

export interface Ka20001Response {
  readonly cur_prc: string;
  readonly pred_pre_sig: string;
  readonly pred_pre: string;
  readonly flu_rt: string;
  /** 천주 (thousands of shares). */
  readonly trde_qty: string;
  /** 백만원. */
  readonly trde_prica: string;
  readonly trde_frmatn_stk_num: string;
  readonly trde_frmatn_rt: string;
  readonly open_pric: string;
  readonly high_pric: string;
  readonly low_pric: string;
  readonly upl: string;
  readonly rising: string;
  readonly stdns: string;
  readonly fall: string;
  readonly lst: string;
  readonly '52wk_hgst_pric': string;
  readonly '52wk_hgst_pric_dt': string;
  readonly '52wk_hgst_pric_pre_rt': string;
  readonly '52wk_lwst_pric': string;
  readonly '52wk_lwst_pric_dt': string;
  readonly '52wk_lwst_pric_pre_rt': string;
  readonly inds_cur_prc_tm: readonly Ka20001TickRow[];
  readonly return_code: number;
  readonly return_msg: string;
}

export interface IndexTick {
  /** `HH:MM:SS`, KST. */
  readonly time: string;
  readonly value: number;
  readonly change: number | null;
  readonly changeRate: number | null;
  readonly sign: PriceSign | null;
  /** Shares (from 천주; unit assumed equal to `trde_qty`, which the sentinel row's total matches). */
  readonly volume: number | null;
  readonly cumulativeVolume: number | null;
}

export interface IndexExtreme {
  readonly value: number;
  /** `YYYY-MM-DD`. */
  readonly date: string | null;
  /** Current value vs this extreme, percent. */
  readonly vsCurrentRate: number | null;
}

export interface IndexQuote {
  readonly code: IndexCode;
  readonly name: IndexName;
  /** Index points, absolute. */
  readonly value: number;
  /** Signed change vs the previous close. */
  readonly change: number | null;
  readonly changeRate: number | null;
  readonly sign: PriceSign | null;
  /** Shares (from 천주). */
  readonly volume: number | null;
  /** KRW (from 백만원). */
  readonly tradingValue: number | null;
  readonly tradedStocks: number | null;
  readonly tradedStocksRate: number | null;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** Counts of stocks at the upper limit, up, unchanged, down, at the lower limit. */
  readonly breadth: {
    readonly upperLimit: number | null;
    readonly up: number | null;
    readonly unchanged: number | null;
    readonly down: number | null;
    readonly lowerLimit: number | null;
  };
  readonly high52w: IndexExtreme | null;
  readonly low52w: IndexExtreme | null;
  /** Intraday series, newest first, without the 999999/888888 sentinel rows. */
  readonly ticks: IndexTick[];
}

function decodeTick(row: KiwoomBody): IndexTick | null {
  const f = fieldsOf<Ka20001TickRow>(row);
  const rawTime = text(f('tm_n'));
  if (INDEX_SENTINEL_TIMES.includes(rawTime)) return null;
  const time = parseKstTime(rawTime);
  const value = parsePrice(f('cur_prc_n'));
  if (time === null || value === null) return null;
  return {
    time,
    value,
    change: parseChange(f('pred_pre_n'), f('pred_pre_sig_n')),
    changeRate: parseRate(f('flu_rt_n')),
    sign: parseSignCode(f('pred_pre_sig_n')),
    volume: thousandSharesToShares(parseSignedNumber(f('trde_qty_n'))),
    cumulativeVolume: thousandSharesToShares(parseSignedNumber(f('acc_trde_qty_n'))),
  };
}

export function decodeIndexQuote(body: KiwoomBody, code: IndexCode): IndexQuote {
  const f = fieldsOf<Ka20001Response>(body);
  const value = parsePrice(f('cur_prc'));
  if (value === null) throw badResponse(KA20001.apiId, `cur_prc of index ${code} is not a number`);
  const extreme = (
    price: FieldName<Ka20001Response>,
    date: FieldName<Ka20001Response>,
    rate: FieldName<Ka20001Response>,
  ): IndexExtreme | null => {
    const extremeValue = parsePrice(f(price));
    return extremeValue === null ? null : { value: extremeValue, date: parseKstDate(f(date)), vsCurrentRate: parseRate(f(rate)) };
  };
  const count = (name: FieldName<Ka20001Response>): number | null => parseSignedNumber(f(name));
  return {
    code,
    name: INDEX_CODES[code].name,
    value,
    change: parseChange(f('pred_pre'), f('pred_pre_sig')),
    changeRate: parseRate(f('flu_rt')),
    sign: parseSignCode(f('pred_pre_sig')),
    volume: thousandSharesToShares(parseSignedNumber(f('trde_qty'))),
    tradingValue: millionKrwToKrw(parseSignedNumber(f('trde_prica'))),
    tradedStocks: count('trde_frmatn_stk_num'),
    tradedStocksRate: parseRate(f('trde_frmatn_rt')),
    open: parsePrice(f('open_pric')),
    high: parsePrice(f('high_pric')),
    low: parsePrice(f('low_pric')),
    breadth: {
      upperLimit: count('upl'),
      up: count('rising'),
      unchanged: count('stdns'),
      down: count('fall'),
      lowerLimit: count('lst'),
    },
    high52w: extreme('52wk_hgst_pric', '52wk_hgst_pric_dt', '52wk_hgst_pric_pre_rt'),
    low52w: extreme('52wk_lwst_pric', '52wk_lwst_pric_dt', '52wk_lwst_pric_pre_rt'),
    ticks: listOf(body, 'inds_cur_prc_tm', KA20001.apiId)
      .map(decodeTick)
      .filter((tick): tick is IndexTick => tick !== null),
  };
}

export async function requestIndexQuote(transport: KiwoomTransport, code: IndexCode, signal?: AbortSignal): Promise<IndexQuote> {
  // Callers outside TypeScript can pass any string; refuse it before sending.
  if (!Object.hasOwn(INDEX_CODES, code)) {
    throw new KiwoomError('KIWOOM_BAD_REQUEST', `ka20001: unsupported index code ${JSON.stringify(code)}`, {
      apiId: KA20001.apiId,
    });
  }
  const body: Ka20001Request = { mrkt_tp: INDEX_CODES[code].mrktTp, inds_cd: code };
  const page = await transport.call({ ...KA20001, body: { ...body }, signal });
  return decodeIndexQuote(page.body, code);
}
