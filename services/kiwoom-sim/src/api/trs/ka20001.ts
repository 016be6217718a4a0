/**
 * ka20001 업종현재가요청: an index's current value, flat (kiwoom-rest.md §6.6, §9 item 12), for
 * `001` KOSPI, `101` KOSDAQ and `201` KOSPI200. Values carry two decimals and their sign against
 * the previous close; `trde_qty` is in 천주 and `trde_prica` in 백만원. `mrkt_tp` must be a
 * documented value but does not change the answer (as one client reports of the real host).
 * Once the day's close is fixed, `inds_cur_prc_tm` starts with the sentinel rows `999999` (the
 * day's total, after-hours trading included) and `888888` (at the close).
 */
import type { IndexCode, IndexQuote, Instrument } from '../../market/model.js';
import { kiwoomErrors } from '../errors.js';
import { percentChange, signCode, signedDelta, signedPercent, signedPrice } from '../format.js';
import { requireChoice } from './common.js';
import type { TrContext, TrHandler, WireRow } from './types.js';

const INDEX_CODES: readonly IndexCode[] = ['001', '101', '201'];
/** Share of the day's volume traded by the 15:30 close; the rest trades after hours. */
const CLOSE_VOLUME_SHARE = 0.99;
const OPEN_MINUTE = 9 * 60;

export const ka20001: TrHandler = (ctx) => {
  requireChoice(ctx.body, 'mrkt_tp', ['0', '1', '2']);
  const code = requireChoice(ctx.body, 'inds_cd', INDEX_CODES) as IndexCode;
  const index = ctx.market.index(code);
  if (index === undefined) throw kiwoomErrors.badField('inds_cd', '업종코드가 존재하지 않습니다');
  const base = index.prevClose;
  const sp = (value: number | null): string => signedPrice(value, base, 2);
  const breadth = breadthOf(ctx, code === '101' ? 'KOSDAQ' : 'KOSPI');
  return {
    body: {
      cur_prc: sp(index.value),
      pred_pre_sig: signCode(index.value, base),
      pred_pre: signedDelta(index.value - base, 2),
      flu_rt: signedPercent(percentChange(index.value, base)),
      trde_qty: String(Math.round(index.volume)),
      trde_prica: String(Math.round(index.tradingValue)),
      trde_frmatn_stk_num: String(breadth.traded),
      trde_frmatn_rt: signedPercent(breadth.total === 0 ? 0 : (breadth.traded / breadth.total) * 100),
      open_pric: sp(index.open),
      high_pric: sp(index.high),
      low_pric: sp(index.low),
      upl: String(breadth.upper),
      rising: String(breadth.rising),
      stdns: String(breadth.unchanged),
      fall: String(breadth.falling),
      lst: String(breadth.lower),
      '52wk_hgst_pric': sp(index.high52w),
      '52wk_hgst_pric_dt': index.high52wDate,
      '52wk_hgst_pric_pre_rt': signedPercent(percentChange(index.value, index.high52w)),
      '52wk_lwst_pric': sp(index.low52w),
      '52wk_lwst_pric_dt': index.low52wDate,
      '52wk_lwst_pric_pre_rt': signedPercent(percentChange(index.value, index.low52w)),
      inds_cur_prc_tm: timeSeries(index, dayIsClosed(ctx)),
    },
  };
};

function dayIsClosed(ctx: TrContext): boolean {
  const session = ctx.market.session();
  return session === 'after_hours' || session === 'closed';
}

/**
 * The intraday points newest first, with per-row and cumulative volume. The model gives values
 * only, so the cumulative volume is spread over the session in proportion to elapsed minutes.
 */
function timeSeries(index: IndexQuote, closed: boolean): WireRow[] {
  const points = index.intraday;
  const latest = points[0];
  if (latest === undefined) return [];
  const base = index.prevClose;
  const atClose = closed ? Math.round(index.volume * CLOSE_VOLUME_SHARE) : Math.round(index.volume);
  const elapsed = (time: string): number => Math.max(1, Number(time.slice(0, 2)) * 60 + Number(time.slice(2, 4)) - OPEN_MINUTE);
  const cumulative = points.map((p) => Math.round((atClose * elapsed(p.time)) / elapsed(latest.time)));
  const row = (time: string, value: number, qty: number, acc: number): WireRow => ({
    tm_n: time,
    cur_prc_n: signedPrice(value, base, 2),
    pred_pre_sig_n: signCode(value, base),
    pred_pre_n: signedDelta(value - base, 2),
    flu_rt_n: signedPercent(percentChange(value, base)),
    trde_qty_n: String(qty),
    acc_trde_qty_n: String(acc),
  });
  const rows = points.map((p, i) => row(p.time, p.value, (cumulative[i] ?? 0) - (cumulative[i + 1] ?? 0), cumulative[i] ?? 0));
  if (!closed) return rows;
  const total = Math.round(index.volume);
  const closeAcc = cumulative[0] ?? 0;
  const closeQty = closeAcc - (cumulative[1] ?? 0);
  return [row('999999', index.value, total - closeAcc, total), row('888888', index.value, closeQty, closeAcc), ...rows];
}

interface Breadth {
  readonly total: number;
  readonly traded: number;
  readonly upper: number;
  readonly rising: number;
  readonly unchanged: number;
  readonly falling: number;
  readonly lower: number;
}

/** Counts over the market's stocks; `rising` includes those at the upper limit, as on Kiwoom. */
function breadthOf(ctx: TrContext, market: Instrument['market']): Breadth {
  const counts = { total: 0, traded: 0, upper: 0, rising: 0, unchanged: 0, falling: 0, lower: 0 };
  for (const instrument of ctx.market.universe()) {
    if (instrument.market !== market || instrument.kind === 'etf' || instrument.kind === 'etn') continue;
    const quote = ctx.market.quote(instrument.ticker);
    if (quote === undefined) continue;
    counts.total += 1;
    if (quote.volume > 0) counts.traded += 1;
    if (quote.price > quote.prevClose) counts.rising += 1;
    else if (quote.price < quote.prevClose) counts.falling += 1;
    else counts.unchanged += 1;
    if (quote.price >= quote.upperLimit) counts.upper += 1;
    if (quote.price <= quote.lowerLimit) counts.lower += 1;
  }
  return counts;
}
