import { KiwoomError, type KiwoomBody } from '../errors.js';
import { parseKstDate } from '../kst.js';
import {
  hundredMillionKrwToKrw,
  parseChange,
  parsePrice,
  parseRate,
  parseSignCode,
  parseSignedNumber,
  thousandSharesToShares,
  type PriceSign,
} from '../numbers.js';
import { normalizeTicker } from '../tickers.js';
import type { KiwoomTransport } from '../transport.js';
import { badResponse, fieldsOf, type FieldName, requireRequestCode, text } from './fields.js';

/** ka10001 주식기본정보요청: one stock's price and basic info (§6.1). */
export const KA10001 = { apiId: 'ka10001', path: '/api/dostk/stkinfo' } as const;

export interface Ka10001Request {
  /** KRX `005930`, NXT `005930_NX`, SOR `005930_AL`. */
  readonly stk_cd: string;
}

/** The flat response: every field a string (§6.1). */
export interface Ka10001Response {
  readonly stk_cd: string;
  readonly stk_nm: string;
  readonly setl_mm: string;
  readonly fav: string;
  readonly fav_unit: string;
  /** 억원 (unverified). */
  readonly cap: string;
  /** Thousands of shares. */
  readonly flo_stk: string;
  readonly dstr_stk: string;
  readonly dstr_rt: string;
  readonly crd_rt: string;
  readonly oyr_hgst: string;
  readonly oyr_lwst: string;
  /** 억원. */
  readonly mac: string;
  readonly mac_wght: string;
  readonly for_exh_rt: string;
  readonly repl_pric: string;
  readonly per: string;
  readonly eps: string;
  readonly roe: string;
  readonly pbr: string;
  readonly ev: string;
  readonly bps: string;
  readonly sale_amt: string;
  readonly bus_pro: string;
  readonly cup_nga: string;
  readonly '250hgst': string;
  readonly '250lwst': string;
  readonly '250hgst_pric_dt': string;
  readonly '250lwst_pric_dt': string;
  readonly '250hgst_pric_pre_rt': string;
  readonly '250lwst_pric_pre_rt': string;
  readonly open_pric: string;
  readonly high_pric: string;
  readonly low_pric: string;
  readonly upl_pric: string;
  readonly lst_pric: string;
  readonly base_pric: string;
  readonly exp_cntr_pric: string;
  readonly exp_cntr_qty: string;
  readonly cur_prc: string;
  readonly pre_sig: string;
  readonly pred_pre: string;
  readonly flu_rt: string;
  /** Shares. */
  readonly trde_qty: string;
  readonly trde_pre: string;
  readonly return_code: number;
  readonly return_msg: string;
}

/** ka10001 in our names and units: prices in KRW (absolute), amounts in KRW, counts in shares. */
export interface StockInfo {
  readonly ticker: string;
  readonly name: string;
  readonly price: number;
  /** Signed change vs `basePrice`. */
  readonly change: number | null;
  /** Percent, signed, two decimals. */
  readonly changeRate: number | null;
  readonly sign: PriceSign | null;
  /** Cumulative shares traded today. */
  readonly volume: number | null;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** 기준가: normally the previous close; adjusted on ex-rights and ex-dividend days. */
  readonly basePrice: number | null;
  readonly upperLimit: number | null;
  readonly lowerLimit: number | null;
  /** Call-auction expected price and quantity; `null` during continuous trading. */
  readonly expectedPrice: number | null;
  readonly expectedVolume: number | null;
  /** KRW (from 억원). */
  readonly marketCap: number | null;
  /** Shares (from thousands). */
  readonly listedShares: number | null;
  readonly floatShares: number | null;
  readonly floatRate: number | null;
  readonly creditRate: number | null;
  readonly foreignExhaustionRate: number | null;
  readonly collateralPrice: number | null;
  /** Vendor valuation figures, often `""` → `null`. */
  readonly per: number | null;
  readonly eps: number | null;
  readonly roe: number | null;
  readonly pbr: number | null;
  readonly ev: number | null;
  readonly bps: number | null;
  /** KRW (from 억원, unit unverified upstream). */
  readonly capital: number | null;
  readonly sales: number | null;
  readonly operatingProfit: number | null;
  readonly netIncome: number | null;
  readonly parValue: number | null;
  readonly fiscalYearEndMonth: number | null;
  readonly yearHigh: number | null;
  readonly yearLow: number | null;
  readonly high250: number | null;
  /** `YYYY-MM-DD`. */
  readonly high250Date: string | null;
  readonly low250: number | null;
  readonly low250Date: string | null;
  /** 거래대비, signed percent; semantics unverified upstream. */
  readonly volumeVsPreviousDay: number | null;
}

export function decodeStockInfo(body: KiwoomBody, requested: string): StockInfo {
  const f = fieldsOf<Ka10001Response>(body);
  const ticker = normalizeTicker(text(f('stk_cd')));
  if (ticker === null) {
    throw new KiwoomError('KIWOOM_UNKNOWN_TICKER', `ka10001: no data for ${requested}`, { apiId: KA10001.apiId });
  }
  const price = parsePrice(f('cur_prc'));
  if (price === null) throw badResponse(KA10001.apiId, `cur_prc of ${ticker} is not a price`);
  const billions = (name: FieldName<Ka10001Response>): number | null => hundredMillionKrwToKrw(parseSignedNumber(f(name)));
  return {
    ticker,
    name: text(f('stk_nm')),
    price,
    change: parseChange(f('pred_pre'), f('pre_sig')),
    changeRate: parseRate(f('flu_rt')),
    sign: parseSignCode(f('pre_sig')),
    volume: parseSignedNumber(f('trde_qty')),
    open: parsePrice(f('open_pric')),
    high: parsePrice(f('high_pric')),
    low: parsePrice(f('low_pric')),
    basePrice: parsePrice(f('base_pric')),
    upperLimit: parsePrice(f('upl_pric')),
    lowerLimit: parsePrice(f('lst_pric')),
    expectedPrice: parsePrice(f('exp_cntr_pric')),
    expectedVolume: parseSignedNumber(f('exp_cntr_qty')),
    marketCap: billions('mac'),
    listedShares: thousandSharesToShares(parseSignedNumber(f('flo_stk'))),
    floatShares: thousandSharesToShares(parseSignedNumber(f('dstr_stk'))),
    floatRate: parseRate(f('dstr_rt')),
    creditRate: parseRate(f('crd_rt')),
    foreignExhaustionRate: parseRate(f('for_exh_rt')),
    collateralPrice: parsePrice(f('repl_pric')),
    per: parseSignedNumber(f('per')),
    eps: parseSignedNumber(f('eps')),
    roe: parseSignedNumber(f('roe')),
    pbr: parseSignedNumber(f('pbr')),
    ev: parseSignedNumber(f('ev')),
    bps: parseSignedNumber(f('bps')),
    capital: billions('cap'),
    sales: billions('sale_amt'),
    operatingProfit: billions('bus_pro'),
    netIncome: billions('cup_nga'),
    parValue: parseSignedNumber(f('fav')),
    fiscalYearEndMonth: parseSignedNumber(f('setl_mm')),
    yearHigh: parsePrice(f('oyr_hgst')),
    yearLow: parsePrice(f('oyr_lwst')),
    high250: parsePrice(f('250hgst')),
    high250Date: parseKstDate(f('250hgst_pric_dt')),
    low250: parsePrice(f('250lwst')),
    low250Date: parseKstDate(f('250lwst_pric_dt')),
    volumeVsPreviousDay: parseRate(f('trde_pre')),
  };
}

export async function requestStockInfo(transport: KiwoomTransport, ticker: string, signal?: AbortSignal): Promise<StockInfo> {
  const body: Ka10001Request = { stk_cd: requireRequestCode(KA10001.apiId, ticker) };
  const page = await transport.call({ ...KA10001, body: { ...body }, signal });
  return decodeStockInfo(page.body, ticker);
}
