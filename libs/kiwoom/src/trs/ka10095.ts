import { KiwoomError, type KiwoomBody } from '../errors.js';
import { kstCompactDate, kstDateTimeToIso } from '../kst.js';
import {
  hundredMillionKrwToKrw,
  millionKrwToKrw,
  parseChange,
  parseOptionalPrice,
  parsePrice,
  parseRate,
  parseSignCode,
  parseSignedNumber,
  thousandSharesToShares,
  type PriceSign,
} from '../numbers.js';
import { normalizeTicker } from '../tickers.js';
import { collectPages, type KiwoomTransport } from '../transport.js';
import { badResponse, fieldsOf, listOf, requireRequestCode, text } from './fields.js';

/** ka10095 관심종목정보요청: many tickers in one call, one row per code in request order (§6.2). */
export const KA10095 = { apiId: 'ka10095', path: '/api/dostk/stkinfo' } as const;
/** Larger batches fail with 1634 (§6.2); we refuse them before sending. */
export const MAX_QUOTE_BATCH = 100;

export interface Ka10095Request {
  /** Per-exchange codes joined with `|`: `"005930|000660"`. */
  readonly stk_cd: string;
}

/** One `atn_stk_infr` row (the fields we read; ELW and book-detail fields are ignored). */
export interface Ka10095Row {
  readonly stk_cd: string;
  readonly stk_nm: string;
  readonly cur_prc: string;
  readonly base_pric: string;
  readonly pred_pre: string;
  readonly pred_pre_sig: string;
  readonly flu_rt: string;
  /** Shares. */
  readonly trde_qty: string;
  /** 백만원. */
  readonly trde_prica: string;
  readonly cntr_qty: string;
  readonly cntr_str: string;
  readonly pred_trde_qty_pre: string;
  /** Best ask (매도호가). */
  readonly sel_bid: string;
  /** Best bid (매수호가). */
  readonly buy_bid: string;
  readonly upl_pric: string;
  readonly lst_pric: string;
  readonly open_pric: string;
  readonly high_pric: string;
  readonly low_pric: string;
  readonly close_pric: string;
  /** `HHMMSS`, KST. */
  readonly cntr_tm: string;
  readonly exp_cntr_pric: string;
  readonly exp_cntr_qty: string;
  readonly cap: string;
  readonly fav: string;
  /** 억원. */
  readonly mac: string;
  /** Thousands of shares. */
  readonly stkcnt: string;
  /** `YYYYMMDD`, KST. */
  readonly dt: string;
}

export interface Ka10095Response {
  readonly atn_stk_infr: readonly Ka10095Row[];
  readonly return_code: number;
  readonly return_msg: string;
}

/** One ka10095 row in our names and units. */
export interface Quote {
  readonly ticker: string;
  readonly name: string;
  /** Last trade price, KRW, absolute. */
  readonly price: number;
  /** Signed change vs the reference price (normally the previous close). */
  readonly change: number | null;
  /** Percent, signed, two decimals. */
  readonly changeRate: number | null;
  readonly sign: PriceSign | null;
  /** Cumulative shares traded today. */
  readonly volume: number | null;
  /** Cumulative trading value today, KRW (from 백만원, so a multiple of 1,000,000). */
  readonly tradingValue: number | null;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  /** `base_pric` (기준가), else `price − change` when that is positive. Differs from the last close on ex-rights days. */
  readonly prevClose: number | null;
  /** `null` when the book side is empty (`""` or 0). */
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly upperLimit: number | null;
  readonly lowerLimit: number | null;
  /** Call-auction expected price and quantity; `null` during continuous trading. */
  readonly expectedPrice: number | null;
  readonly expectedVolume: number | null;
  /** KRW (from 억원). */
  readonly marketCap: number | null;
  /** Shares (from thousands). */
  readonly listedShares: number | null;
  /** Time of the last trade, ISO-8601 with `+09:00`; `null` before the first trade. */
  readonly time: string | null;
}

export interface QuotesResult {
  /** One entry per requested code, in request order; `null` for an unknown or unpriced code. */
  readonly quotes: readonly (Quote | null)[];
  /** Requested codes that came back as all-blank rows: Kiwoom does not know them (§4.4). */
  readonly unknownTickers: readonly string[];
  /** Requested codes whose row had a name but no usable `cur_prc` (blank or saturated). */
  readonly unpricedTickers: readonly string[];
}

/** An unknown code comes back with `return_code 0` and every field `""`. */
function isUnknownTickerRow(row: KiwoomBody): boolean {
  const f = fieldsOf<Ka10095Row>(row);
  return text(f('stk_cd')) === '' && text(f('stk_nm')) === '' && text(f('cur_prc')) === '';
}

/** Decodes one known row; `nowMs` supplies the KST date when the row carries no `dt`. */
export function decodeQuoteRow(row: KiwoomBody, nowMs: number): Quote | null {
  const f = fieldsOf<Ka10095Row>(row);
  const ticker = normalizeTicker(text(f('stk_cd')));
  const price = parsePrice(f('cur_prc'));
  if (ticker === null || price === null) return null;
  const change = parseChange(f('pred_pre'), f('pred_pre_sig'));
  const basePrice = parsePrice(f('base_pric'));
  // A change larger than the price is a garbled row, not a negative previous close.
  const derivedPrevClose = change === null ? null : price - change;
  const date = text(f('dt')) === '' ? kstCompactDate(nowMs) : f('dt');
  return {
    ticker,
    name: text(f('stk_nm')),
    price,
    change,
    changeRate: parseRate(f('flu_rt')),
    sign: parseSignCode(f('pred_pre_sig')),
    volume: parseSignedNumber(f('trde_qty')),
    tradingValue: millionKrwToKrw(parseSignedNumber(f('trde_prica'))),
    open: parsePrice(f('open_pric')),
    high: parsePrice(f('high_pric')),
    low: parsePrice(f('low_pric')),
    prevClose: basePrice ?? (derivedPrevClose !== null && derivedPrevClose > 0 ? derivedPrevClose : null),
    bestBid: parseOptionalPrice(f('buy_bid')),
    bestAsk: parseOptionalPrice(f('sel_bid')),
    upperLimit: parsePrice(f('upl_pric')),
    lowerLimit: parsePrice(f('lst_pric')),
    expectedPrice: parsePrice(f('exp_cntr_pric')),
    expectedVolume: parseSignedNumber(f('exp_cntr_qty')),
    marketCap: hundredMillionKrwToKrw(parseSignedNumber(f('mac'))),
    listedShares: thousandSharesToShares(parseSignedNumber(f('stkcnt'))),
    time: kstDateTimeToIso(date, f('cntr_tm')),
  };
}

/**
 * Pairs rows with the requested codes by position (unknown codes have blank `stk_cd`, so only
 * the order identifies them) and checks every non-blank row echoes its requested code.
 */
export function decodeQuotes(rows: readonly KiwoomBody[], requested: readonly string[], nowMs: number): QuotesResult {
  if (rows.length !== requested.length) {
    throw badResponse(KA10095.apiId, `${rows.length} rows for ${requested.length} requested codes`);
  }
  const quotes: (Quote | null)[] = [];
  const unknownTickers: string[] = [];
  const unpricedTickers: string[] = [];
  rows.forEach((row, index) => {
    const code = requested[index] ?? '';
    if (isUnknownTickerRow(row)) {
      unknownTickers.push(code);
      quotes.push(null);
      return;
    }
    const echoed = normalizeTicker(text(row['stk_cd']));
    if (echoed !== normalizeTicker(code)) {
      throw badResponse(KA10095.apiId, `row ${index} is ${String(echoed)}, expected ${code}`);
    }
    const quote = decodeQuoteRow(row, nowMs);
    if (quote === null) unpricedTickers.push(code);
    quotes.push(quote);
  });
  return { quotes, unknownTickers, unpricedTickers };
}

export async function requestQuotes(transport: KiwoomTransport, tickers: readonly string[], signal?: AbortSignal): Promise<QuotesResult> {
  if (tickers.length > MAX_QUOTE_BATCH) {
    throw new KiwoomError('KIWOOM_BATCH_TOO_LARGE', `ka10095: ${tickers.length} codes in one call; at most ${MAX_QUOTE_BATCH}`, {
      apiId: KA10095.apiId,
    });
  }
  if (tickers.length === 0) return { quotes: [], unknownTickers: [], unpricedTickers: [] };
  const body: Ka10095Request = { stk_cd: tickers.map((t) => requireRequestCode(KA10095.apiId, t)).join('|') };
  const { rows } = await collectPages(
    transport,
    { ...KA10095, body: { ...body } },
    (page) => listOf(page.body, 'atn_stk_infr', KA10095.apiId),
    { signal, maxPages: 5 },
  );
  return decodeQuotes(rows, tickers, transport.clock.now());
}
