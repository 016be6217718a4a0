/**
 * ka10001 주식기본정보요청: one stock's price and basic info, a flat body of 45 string fields
 * (kiwoom-rest.md §6.1). Prices are signed against the base price; `mac` is in 억원, `flo_stk`
 * and `dstr_stk` in thousands of shares; `exp_cntr_*` are blank outside the call auctions.
 */
import { kiwoomErrors } from '../errors.js';
import { BLANK, decimal, percentChange, plain, signCode, signedDelta, signedPercent, signedPrice, toEok, toThousands } from '../format.js';
import { fundamentalsOf } from '../fundamentals.js';
import { applyBlankVendorFields, applySaturation, quoteFacts, requireField, requireStock, type QuoteFacts } from './common.js';
import type { TrContext, TrHandler, WireRow } from './types.js';

export const ka10001: TrHandler = (ctx) => {
  const raw = requireField(ctx.body, 'stk_cd');
  const { instrument, ticker, echo } = requireStock(ctx, raw);
  const facts = quoteFacts(ctx, instrument, ctx.fault('off_tick_prices', [ticker]));
  if (facts === undefined) throw kiwoomErrors.unknownStock(raw);
  const row = basicInfoRow(ctx, facts, echo);
  applyBlankVendorFields(row, ctx.fault('blank_vendor_fields', [ticker]), ticker);
  applySaturation(row, ctx.fault('saturated_values', [ticker]), ticker);
  return { body: row };
};

function basicInfoRow(ctx: TrContext, facts: QuoteFacts, echo: string): WireRow {
  const { instrument, quote, price, base } = facts;
  const f = fundamentalsOf(ctx.seed, instrument);
  const sp = (value: number | null): string => signedPrice(value, base);
  const marketCapKrw = price * instrument.listedShares;
  const yearStart = `${facts.date.slice(0, 4)}0101`;
  const thisYear = facts.bars.filter((bar) => bar.date >= yearStart);
  const yearHigh = Math.max(price, ...thisYear.map((bar) => bar.high));
  const yearLow = Math.min(price, ...thisYear.map((bar) => bar.low));
  const eps = f.earningsYield === null ? null : Math.max(1, Math.round(base * f.earningsYield));
  const bps = f.bookYield === null ? null : Math.max(1, Math.round(base * f.bookYield));
  const salesEok = f.salesToCap === null ? null : toEok(base * instrument.listedShares * f.salesToCap);
  const operatingEok = salesEok === null || f.operatingMargin === null ? null : Math.round(salesEok * f.operatingMargin);
  const netEok = operatingEok === null || f.netToOperating === null ? null : Math.round(operatingEok * f.netToOperating);
  const previousVolume = facts.previousBar?.volume;
  return {
    stk_cd: echo,
    stk_nm: instrument.name,
    setl_mm: f.fiscalMonth,
    fav: plain(f.parValue),
    // 자본금 = par value × listed shares, in 억원.
    cap: f.parValue === null ? BLANK : String(toEok(f.parValue * instrument.listedShares)),
    flo_stk: String(toThousands(instrument.listedShares)),
    crd_rt: signedPercent(f.creditPct),
    oyr_hgst: sp(yearHigh),
    oyr_lwst: sp(yearLow),
    mac: String(toEok(marketCapKrw)),
    mac_wght: BLANK,
    for_exh_rt: signedPercent(f.foreignPct),
    // 대용가: about 70 % of the base price, in whole hundreds of won.
    repl_pric: String(Math.floor((base * 0.7) / 100) * 100),
    per: eps === null ? BLANK : decimal(price / eps, 2),
    eps: plain(eps),
    roe: eps === null || bps === null ? BLANK : decimal((eps / bps) * 100, 1),
    pbr: bps === null ? BLANK : decimal(price / bps, 2),
    ev: f.evEbitda === null ? BLANK : decimal(f.evEbitda, 2),
    bps: plain(bps),
    sale_amt: plain(salesEok),
    bus_pro: plain(operatingEok),
    cup_nga: plain(netEok),
    '250hgst': sp(quote.high250),
    '250lwst': sp(quote.low250),
    open_pric: sp(quote.open),
    high_pric: sp(quote.high),
    low_pric: sp(quote.low),
    upl_pric: sp(quote.upperLimit),
    lst_pric: sp(quote.lowerLimit),
    base_pric: String(base),
    exp_cntr_pric: sp(quote.expectedPrice),
    exp_cntr_qty: plain(quote.expectedQty),
    '250hgst_pric_dt': quote.high250Date,
    '250hgst_pric_pre_rt': signedPercent(percentChange(price, quote.high250)),
    '250lwst_pric_dt': quote.low250Date,
    '250lwst_pric_pre_rt': signedPercent(percentChange(price, quote.low250)),
    cur_prc: sp(price),
    pre_sig: signCode(price, base, quote.upperLimit, quote.lowerLimit),
    pred_pre: signedDelta(price - base),
    flu_rt: signedPercent(percentChange(price, base)),
    trde_qty: String(quote.volume),
    // 거래대비: today's volume against the previous day's, as a signed change in percent.
    trde_pre: previousVolume === undefined || previousVolume === 0 ? BLANK : signedPercent((quote.volume / previousVolume) * 100 - 100),
    fav_unit: f.parValue === null ? BLANK : '원',
    dstr_stk: String(toThousands((instrument.listedShares * f.freeFloatPct) / 100)),
    dstr_rt: decimal(f.freeFloatPct, 2),
  };
}
