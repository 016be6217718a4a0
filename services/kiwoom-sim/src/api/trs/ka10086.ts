/**
 * ka10086 일별주가요청: daily prices with investor net buying under `daly_stkpc`, newest first
 * (kiwoom-rest.md §6.4). Prices are signed against the day's reference (the previous close).
 * `indc_tp` `0` gives net buying in shares; `1` gives 백만원 (net shares × that day's close) for
 * individuals, institutions, foreign brokers and programs, while the foreign net stays a quantity:
 * the exchange publishes no foreign amount, as the spec warns.
 */
import { BLANK, decimal, isYyyymmdd, percentChange, signedDelta, signedPercent, signedPrice, toMillionWon } from '../format.js';
import { kiwoomErrors } from '../errors.js';
import { fundamentalsOf } from '../fundamentals.js';
import { encodeNextKey, pageOf } from '../paging.js';
import { hashBetween } from '../../random.js';
import { applySaturation, requireChoice, requireField, requireStock } from './common.js';
import type { TrHandler, WireRow } from './types.js';

export const ka10086: TrHandler = (ctx) => {
  const raw = requireField(ctx.body, 'stk_cd');
  const queryDate = requireField(ctx.body, 'qry_dt');
  const unit = requireChoice(ctx.body, 'indc_tp', ['0', '1']);
  if (!isYyyymmdd(queryDate)) throw kiwoomErrors.badField('qry_dt', 'YYYYMMDD 형식이어야 합니다');
  const { instrument, ticker, echo } = requireStock(ctx, raw);
  const f = fundamentalsOf(ctx.seed, instrument);
  const bars = ctx.market.dailyBars(ticker, queryDate);
  // Foreign holdings walk back from today's level by each day's net buying, so the column agrees
  // with for_netprps on every page.
  let holding = Math.round((instrument.listedShares * f.foreignPct) / 100);
  const rows: WireRow[] = bars.map((bar, i) => {
    const previous = bars[i + 1];
    const reference = previous?.close ?? bar.open;
    const noise = (what: string, min: number, max: number): number => hashBetween(min, max, ctx.seed, ticker, bar.date, what);
    const amount = (shares: number): number => (unit === '1' ? toMillionWon(shares * bar.close) : shares);
    const foreignBrokers = Math.round(bar.foreignNet * noise('frgn', 0.3, 0.9));
    const program = Math.round((bar.foreignNet + bar.institutionNet) * noise('prm', 0.2, 0.8));
    const holdingToday = Math.max(0, holding);
    holding -= bar.foreignNet;
    const foreignWeight = (holdingToday / instrument.listedShares) * 100;
    return {
      date: bar.date,
      open_pric: signedPrice(bar.open, reference),
      high_pric: signedPrice(bar.high, reference),
      low_pric: signedPrice(bar.low, reference),
      close_pric: signedPrice(bar.close, reference),
      pred_rt: previous === undefined ? BLANK : signedDelta(bar.close - previous.close),
      flu_rt: previous === undefined ? BLANK : signedPercent(percentChange(bar.close, previous.close)),
      trde_qty: String(bar.volume),
      amt_mn: String(toMillionWon(bar.tradingValue)),
      crd_rt: decimal(noise('crd_rt', 0, 1.2), 2),
      ind: signedDelta(amount(bar.individualNet)),
      orgn: signedDelta(amount(bar.institutionNet)),
      for_qty: signedDelta(bar.foreignNet),
      frgn: signedDelta(amount(foreignBrokers)),
      prm: signedDelta(amount(program)),
      for_rt: decimal(foreignWeight, 2),
      for_poss: String(holdingToday),
      for_wght: decimal(foreignWeight, 2),
      for_netprps: signedDelta(bar.foreignNet),
      orgn_netprps: signedDelta(amount(bar.institutionNet)),
      ind_netprps: signedDelta(amount(bar.individualNet)),
      crd_remn_rt: decimal(f.creditPct, 2),
    };
  });
  const page = pageOf(
    rows,
    ctx.page,
    ctx.pageSize,
    (row, cursor) => (row['date'] ?? '') < cursor,
    (row) => row['date'] ?? '',
  );
  const saturated = ctx.fault('saturated_values', [ticker]);
  const pageRows = page.rows.map((row) => ({ ...row }));
  for (const row of pageRows) applySaturation(row, saturated, ticker);
  const body = { stk_cd: echo, daly_stkpc: pageRows };
  return page.nextCursor === undefined ? { body } : { body, nextKey: encodeNextKey(ctx.apiId, ctx.body, page.nextCursor) };
};
