import { describeValue, type KiwoomBody } from '../errors.js';
import { parseKstDate } from '../kst.js';
import { millionKrwToKrw, parsePrice, parseRate, parseSignedNumber } from '../numbers.js';
import { normalizeTicker } from '../tickers.js';
import { collectPages, type KiwoomTransport, type PagingOptions } from '../transport.js';
import { badResponse, fieldsOf, type FieldName, isBlankRow, listOf, requireRequestCode, requireRequestDate } from './fields.js';

/** ka10086 일별주가요청: daily prices with investor net buying, newest first (§6.4). */
export const KA10086 = { apiId: 'ka10086', path: '/api/dostk/mrkcond' } as const;

export interface Ka10086Request {
  readonly stk_cd: string;
  /** `YYYYMMDD`: the newest date wanted. */
  readonly qry_dt: string;
  /** `"0"` quantities (shares), `"1"` amounts (백만원). We always send `"0"`. */
  readonly indc_tp: '0' | '1';
}

export interface Ka10086Row {
  /** `YYYYMMDD`. */
  readonly date: string;
  readonly open_pric: string;
  readonly high_pric: string;
  readonly low_pric: string;
  readonly close_pric: string;
  /** Change vs the previous day, signed, despite the name. */
  readonly pred_rt: string;
  readonly flu_rt: string;
  /** Shares. */
  readonly trde_qty: string;
  /** 백만원. */
  readonly amt_mn: string;
  readonly crd_rt: string;
  /** 개인 (individuals), net, shares with `indc_tp` 0. */
  readonly ind: string;
  /** 기관 (institutions). */
  readonly orgn: string;
  /** 외인수량 (foreign, quantity). */
  readonly for_qty: string;
  /** 외국계 (foreign brokers). */
  readonly frgn: string;
  /** 프로그램 (program trading). */
  readonly prm: string;
  readonly for_rt: string;
  readonly for_poss: string;
  readonly for_wght: string;
  /** 외인순매수. */
  readonly for_netprps: string;
  /** 기관순매수. */
  readonly orgn_netprps: string;
  /** 개인순매수. */
  readonly ind_netprps: string;
  readonly crd_remn_rt: string;
}

export interface Ka10086Response {
  readonly daly_stkpc: readonly Ka10086Row[];
  readonly return_code: number;
  readonly return_msg: string;
}

/**
 * One ka10086 row. Investor figures are in **shares** (we request `indc_tp` 0: the exchange
 * gives foreign net buying only as a quantity, §6.4); multiply by `close` for an estimate in KRW.
 * Intraday rows are provisional; use rows up to the previous trading day.
 */
export interface DailyPriceRow {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  /** Signed change vs the previous close. */
  readonly change: number | null;
  readonly changeRate: number | null;
  /** Shares. */
  readonly volume: number | null;
  /** KRW (from 백만원). */
  readonly tradingValue: number | null;
  readonly creditRate: number | null;
  readonly individual: number | null;
  readonly institution: number | null;
  readonly foreign: number | null;
  readonly foreignBrokers: number | null;
  readonly program: number | null;
  readonly foreignRate: number | null;
  readonly foreignHoldings: number | null;
  readonly foreignWeight: number | null;
  readonly foreignNetBuying: number | null;
  readonly institutionNetBuying: number | null;
  readonly individualNetBuying: number | null;
  readonly creditBalanceRate: number | null;
}

export interface DailyPricesOptions extends PagingOptions<DailyPriceRow> {
  /** The newest date wanted, `YYYYMMDD` or `YYYY-MM-DD` (KST). */
  readonly date: string;
}

export interface DailyPrices {
  readonly ticker: string;
  /** Newest first. */
  readonly rows: DailyPriceRow[];
  readonly hasMore: boolean;
}

export function decodeDailyPriceRow(row: KiwoomBody): DailyPriceRow {
  const f = fieldsOf<Ka10086Row>(row);
  const date = parseKstDate(f('date'));
  const close = parsePrice(f('close_pric'));
  if (date === null || close === null) {
    throw badResponse(
      KA10086.apiId,
      `a row without a valid date or close_pric (date ${describeValue(f('date'))}, close_pric ${describeValue(f('close_pric'))})`,
    );
  }
  const n = (name: FieldName<Ka10086Row>): number | null => parseSignedNumber(f(name));
  return {
    date,
    open: parsePrice(f('open_pric')),
    high: parsePrice(f('high_pric')),
    low: parsePrice(f('low_pric')),
    close,
    change: n('pred_rt'),
    changeRate: parseRate(f('flu_rt')),
    volume: n('trde_qty'),
    tradingValue: millionKrwToKrw(n('amt_mn')),
    creditRate: parseRate(f('crd_rt')),
    individual: n('ind'),
    institution: n('orgn'),
    foreign: n('for_qty'),
    foreignBrokers: n('frgn'),
    program: n('prm'),
    foreignRate: parseRate(f('for_rt')),
    foreignHoldings: n('for_poss'),
    foreignWeight: parseRate(f('for_wght')),
    foreignNetBuying: n('for_netprps'),
    institutionNetBuying: n('orgn_netprps'),
    individualNetBuying: n('ind_netprps'),
    creditBalanceRate: parseRate(f('crd_remn_rt')),
  };
}

export function decodeDailyPricePage(body: KiwoomBody): DailyPriceRow[] {
  return listOf(body, 'daly_stkpc', KA10086.apiId)
    .filter((row) => !isBlankRow(row))
    .map(decodeDailyPriceRow);
}

export async function requestDailyPrices(transport: KiwoomTransport, ticker: string, options: DailyPricesOptions): Promise<DailyPrices> {
  const date = requireRequestDate(KA10086.apiId, 'date', options.date);
  const body: Ka10086Request = { stk_cd: requireRequestCode(KA10086.apiId, ticker), qry_dt: date, indc_tp: '0' };
  const { rows, hasMore } = await collectPages(
    transport,
    { ...KA10086, body: { ...body } },
    (page) => decodeDailyPricePage(page.body),
    options,
  );
  return { ticker: normalizeTicker(ticker) ?? ticker, rows, hasMore };
}
