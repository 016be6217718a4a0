/**
 * ka10095 관심종목정보요청: many codes joined with `|`, one row per code in request order under
 * `atn_stk_infr` (kiwoom-rest.md §6.2, §9 item 10). An unknown code gets a row whose every field
 * is `""` with `return_code 0`; more than 100 codes → `return_code 5` `[1634:…]`.
 */
import { tickDown, tickUp } from '@repo/market';
import { targetsTicker } from '../../faults.js';
import { kiwoomErrors } from '../errors.js';
import {
  BLANK,
  decimal,
  percentChange,
  plain,
  signCode,
  signedDelta,
  signedPercent,
  signedPrice,
  toEok,
  toMillionWon,
  toThousands,
} from '../format.js';
import { fundamentalsOf } from '../fundamentals.js';
import { hashBetween, hashUnit } from '../../random.js';
import { applySaturation, quoteFacts, requireField, resolveCode, tickerOf, type QuoteFacts } from './common.js';
import type { TrContext, TrHandler, WireRow } from './types.js';

export const MAX_CODES = 100;
const BOOK_LEVELS = 5;

/** Every row field, in Kiwoom's order; an unknown code's row has each of them blank. */
export const KA10095_FIELDS = [
  'stk_cd',
  'stk_nm',
  'cur_prc',
  'base_pric',
  'pred_pre',
  'pred_pre_sig',
  'flu_rt',
  'trde_qty',
  'trde_prica',
  'cntr_qty',
  'cntr_str',
  'pred_trde_qty_pre',
  'sel_bid',
  'buy_bid',
  'sel_1th_bid',
  'sel_2th_bid',
  'sel_3th_bid',
  'sel_4th_bid',
  'sel_5th_bid',
  'buy_1th_bid',
  'buy_2th_bid',
  'buy_3th_bid',
  'buy_4th_bid',
  'buy_5th_bid',
  'upl_pric',
  'lst_pric',
  'open_pric',
  'high_pric',
  'low_pric',
  'close_pric',
  'cntr_tm',
  'exp_cntr_pric',
  'exp_cntr_qty',
  'cap',
  'fav',
  'mac',
  'stkcnt',
  'bid_tm',
  'dt',
  'pri_sel_req',
  'pri_buy_req',
  'pri_sel_cnt',
  'pri_buy_cnt',
  'tot_sel_req',
  'tot_buy_req',
  'tot_sel_cnt',
  'tot_buy_cnt',
  'prty',
  'gear',
  'pl_qutr',
  'cap_support',
  'elwexec_pric',
  'cnvt_rt',
  'elwexpr_dt',
  'cntr_engg',
  'cntr_pred_pre',
  'theory_pric',
  'innr_vltl',
  'delta',
  'gam',
  'theta',
  'vega',
  'law',
] as const;

const BLANK_ROW: Readonly<WireRow> = Object.freeze(Object.fromEntries(KA10095_FIELDS.map((f) => [f, BLANK])));

export const ka10095: TrHandler = (ctx) => {
  const codes = requireField(ctx.body, 'stk_cd').split('|');
  if (codes.length > MAX_CODES) throw kiwoomErrors.batchTooLarge(codes.length, MAX_CODES);
  const tickers = codes.map(tickerOf);
  const unknown = ctx.fault('unknown_tickers', tickers);
  const offTick = ctx.fault('off_tick_prices', tickers);
  const saturated = ctx.fault('saturated_values', tickers);
  const rows = codes.map((raw) => {
    const resolved = resolveCode(ctx, raw);
    if (resolved.kind !== 'ok' || (unknown !== undefined && targetsTicker(unknown, resolved.ticker))) return { ...BLANK_ROW };
    const facts = quoteFacts(ctx, resolved.instrument, offTick);
    if (facts === undefined) return { ...BLANK_ROW };
    const row = watchRow(ctx, facts, resolved.echo);
    applySaturation(row, saturated, resolved.ticker);
    return row;
  });
  return { body: { atn_stk_infr: rows } };
};

function watchRow(ctx: TrContext, facts: QuoteFacts, echo: string): WireRow {
  const { instrument, quote, price, base, date, time } = facts;
  const ticker = instrument.ticker;
  const f = fundamentalsOf(ctx.seed, instrument);
  const sp = (value: number | null): string => signedPrice(value, base);
  // What the model has no field for is derived from the seed and the quote's instant, so it is
  // stable for one quote and changes with the next trade.
  const noise = (what: string, min: number, max: number): number => hashBetween(min, max, ctx.seed, ticker, date, time, what);
  const traded = quote.volume > 0 && time !== '';
  const lastSize = Math.round(noise('cntr_qty', 1, 500));
  const averageOrder = noise('avg_order', 40, 400);
  const totalAsk = Math.round(quote.askQty * noise('tot_sel', 3, 8));
  const totalBid = Math.round(quote.bidQty * noise('tot_buy', 3, 8));
  const orders = (qty: number): string => String(qty === 0 ? 0 : Math.ceil(qty / averageOrder));
  const asks = bookLevels(
    quote.bestAsk,
    (p) => tickUp(p, instrument.kind),
    (p) => p <= quote.upperLimit,
  );
  const bids = bookLevels(
    quote.bestBid,
    (p) => tickDown(p, instrument.kind),
    (p) => p >= quote.lowerLimit,
  );
  const previousVolume = facts.previousBar?.volume;
  const row: WireRow = {
    stk_cd: echo,
    stk_nm: instrument.name,
    cur_prc: sp(price),
    base_pric: String(base),
    pred_pre: signedDelta(price - base),
    pred_pre_sig: signCode(price, base, quote.upperLimit, quote.lowerLimit),
    flu_rt: signedPercent(percentChange(price, base)),
    trde_qty: String(quote.volume),
    trde_prica: String(toMillionWon(quote.tradingValue)),
    // The last trade's size: + when buyer-initiated, − when seller-initiated.
    cntr_qty: traded ? `${hashUnit(ctx.seed, ticker, date, time, 'side') < 0.5 ? '+' : '-'}${lastSize}` : BLANK,
    // 체결강도: buyer- over seller-initiated volume, percent.
    cntr_str: traded ? decimal(noise('cntr_str', 60, 180), 2) : BLANK,
    // Today's volume as a percentage of the previous day's.
    pred_trde_qty_pre: previousVolume === undefined || previousVolume === 0 ? BLANK : signedPercent((quote.volume / previousVolume) * 100),
    sel_bid: sp(quote.bestAsk),
    buy_bid: sp(quote.bestBid),
  };
  for (let i = 0; i < BOOK_LEVELS; i++) row[`sel_${i + 1}th_bid`] = sp(asks[i] ?? null);
  for (let i = 0; i < BOOK_LEVELS; i++) row[`buy_${i + 1}th_bid`] = sp(bids[i] ?? null);
  Object.assign(row, {
    upl_pric: sp(quote.upperLimit),
    lst_pric: sp(quote.lowerLimit),
    open_pric: sp(quote.open),
    high_pric: sp(quote.high),
    low_pric: sp(quote.low),
    close_pric: sp(price),
    cntr_tm: time,
    exp_cntr_pric: sp(quote.expectedPrice),
    exp_cntr_qty: plain(quote.expectedQty),
    cap: f.parValue === null ? BLANK : String(toEok(f.parValue * instrument.listedShares)),
    fav: plain(f.parValue),
    mac: String(toEok(price * instrument.listedShares)),
    stkcnt: String(toThousands(instrument.listedShares)),
    bid_tm: time,
    dt: date,
    pri_sel_req: String(quote.askQty),
    pri_buy_req: String(quote.bidQty),
    pri_sel_cnt: orders(quote.askQty),
    pri_buy_cnt: orders(quote.bidQty),
    tot_sel_req: String(totalAsk),
    tot_buy_req: String(totalBid),
    tot_sel_cnt: orders(totalAsk),
    tot_buy_cnt: orders(totalBid),
  });
  // ELW and derivative fields are blank for stocks, except the expiry date Kiwoom zero-fills.
  for (const field of KA10095_FIELDS.slice(KA10095_FIELDS.indexOf('prty'))) row[field] = BLANK;
  row['elwexpr_dt'] = '00000000';
  return row;
}

/** Up to five book prices from the best one, one tick apart, inside the daily limit. */
function bookLevels(best: number | null, step: (p: number) => number, inside: (p: number) => boolean): number[] {
  const levels: number[] = [];
  let p = best;
  while (p !== null && levels.length < BOOK_LEVELS && p > 0 && inside(p)) {
    levels.push(p);
    const next = step(p);
    // tickDown stops at 1 won: no level below it.
    p = next === p ? null : next;
  }
  return levels;
}
