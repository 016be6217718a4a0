/**
 * ka10081 주식일봉차트조회요청: daily candles newest first under `stk_dt_pole_chart_qry`
 * (kiwoom-rest.md §6.3, §9 item 11). `base_dt` bounds the newest row; pages follow by date, so a
 * page boundary holds while the clock runs. Prices are unsigned; `pred_pre` is close − previous
 * close; `trde_prica` is in 백만원. `upd_stkpc_tp` selects adjusted (`1`) or raw (`0`) prices,
 * which are the same here: the market simulates no corporate actions.
 */
import { priceLimits } from '@repo/market';
import { BLANK, isYyyymmdd, plain, signCode, signedDelta, signedPercent, toMillionWon } from '../format.js';
import { kiwoomErrors } from '../errors.js';
import { encodeNextKey, pageOf } from '../paging.js';
import { applySaturation, requireChoice, requireField, requireStock } from './common.js';
import type { TrHandler, WireRow } from './types.js';

export const ka10081: TrHandler = (ctx) => {
  const raw = requireField(ctx.body, 'stk_cd');
  const baseDate = requireField(ctx.body, 'base_dt');
  requireChoice(ctx.body, 'upd_stkpc_tp', ['0', '1']);
  if (!isYyyymmdd(baseDate)) throw kiwoomErrors.badField('base_dt', 'YYYYMMDD 형식이어야 합니다');
  const { instrument, ticker, echo } = requireStock(ctx, raw);
  const bars = ctx.market.dailyBars(ticker, baseDate);
  const rows: WireRow[] = bars.map((bar, i) => {
    const previous = bars[i + 1];
    const limits = previous === undefined ? undefined : priceLimits(previous.close, instrument.kind);
    return {
      cur_prc: plain(bar.close),
      trde_qty: plain(bar.volume),
      trde_prica: plain(toMillionWon(bar.tradingValue)),
      dt: bar.date,
      open_pric: plain(bar.open),
      high_pric: plain(bar.high),
      low_pric: plain(bar.low),
      // The oldest bar has no previous close to compare with.
      pred_pre: previous === undefined ? BLANK : signedDelta(bar.close - previous.close),
      pred_pre_sig: previous === undefined ? BLANK : signCode(bar.close, previous.close, limits?.upper, limits?.lower),
      // Turnover: volume as a percentage of listed shares.
      trde_tern_rt: signedPercent((bar.volume / instrument.listedShares) * 100),
    };
  });
  const page = pageOf(
    rows,
    ctx.page,
    ctx.pageSize,
    (row, cursor) => (row['dt'] ?? '') < cursor,
    (row) => row['dt'] ?? '',
  );
  const saturated = ctx.fault('saturated_values', [ticker]);
  const pageRows = page.rows.map((row) => ({ ...row }));
  for (const row of pageRows) applySaturation(row, saturated, ticker);
  const body = { stk_cd: echo, stk_dt_pole_chart_qry: pageRows };
  return page.nextCursor === undefined ? { body } : { body, nextKey: encodeNextKey(ctx.apiId, ctx.body, page.nextCursor) };
};
