/**
 * What several TRs share: reading body fields (1511/1517), resolving per-exchange codes
 * (`005930`, `005930_NX`, `005930_AL`), the live facts of a quote, and row-level faults.
 */
import { targetsTicker, type Fault } from '../../faults.js';
import type { DailyBar, Instrument, LiveQuote } from '../../market/model.js';
import { kiwoomErrors } from '../errors.js';
import { kstDate, kstTime } from '../format.js';
import type { TrContext, WireRow } from './types.js';

/** A body field that must be a non-empty string: absent or empty → 1511, another type → 1517. */
export function requireField(body: Readonly<Record<string, unknown>>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') throw kiwoomErrors.missingField(name);
  if (typeof value !== 'string') throw kiwoomErrors.badField(name, '문자열이어야 합니다');
  return value;
}

/** A required field whose value must be one of `choices` (else 1517). */
export function requireChoice(body: Readonly<Record<string, unknown>>, name: string, choices: readonly string[]): string {
  const value = requireField(body, name);
  if (!choices.includes(value)) throw kiwoomErrors.badField(name, `${choices.join(', ')} 중 하나여야 합니다`);
  return value;
}

export type ResolvedCode =
  | { readonly kind: 'ok'; readonly instrument: Instrument; readonly ticker: string; readonly echo: string }
  | { readonly kind: 'unknown' }
  /** A `_NX`/`_AL` code the mode or the stock does not allow. */
  | { readonly kind: 'exchange'; readonly exchange: 'NX' | 'AL' };

/**
 * A per-exchange code → our instrument. Real mode accepts `_NX` (NXT-eligible stocks only) and
 * `_AL` and echoes them in `stk_cd`; the mock host is KRX-only, so there they are refused.
 * Quotes of `_NX`/`_AL` codes are the KRX quote (the simulated market has one venue).
 */
export function resolveCode(ctx: TrContext, raw: string): ResolvedCode {
  const match = /^([0-9A-Z]{6})(?:_(NX|AL))?$/.exec(raw);
  if (match === null) return { kind: 'unknown' };
  const ticker = match[1] as string;
  const exchange = match[2] as 'NX' | 'AL' | undefined;
  const instrument = ctx.market.instrument(ticker);
  if (instrument === undefined) return { kind: 'unknown' };
  if (exchange !== undefined && (ctx.mode === 'mock' || (exchange === 'NX' && !isNxtEligible(instrument)))) {
    return { kind: 'exchange', exchange };
  }
  return { kind: 'ok', instrument, ticker, echo: raw };
}

/** NXT lists stocks, not funds (choice; ka10099 reports the same in `nxtEnable`). */
export function isNxtEligible(instrument: Instrument): boolean {
  return instrument.kind === 'stock' || instrument.kind === 'preferred';
}

/** The ticker a raw code names, for fault scopes (`005930_NX` → `005930`). */
export function tickerOf(raw: string): string {
  return raw.replace(/_(NX|AL)$/, '');
}

/** A single-stock TR's code: resolved, or 1902/1903, also for codes an `unknown_tickers` fault hides. */
export function requireStock(
  ctx: TrContext,
  raw: string,
): { readonly instrument: Instrument; readonly ticker: string; readonly echo: string } {
  const resolved = resolveCode(ctx, raw);
  if (resolved.kind === 'exchange') throw kiwoomErrors.unknownStockOnExchange(resolved.exchange, raw);
  if (resolved.kind === 'unknown') throw kiwoomErrors.unknownStock(raw);
  const hidden = ctx.fault('unknown_tickers', [resolved.ticker]);
  if (hidden !== undefined && targetsTicker(hidden, resolved.ticker)) throw kiwoomErrors.unknownStock(raw);
  return resolved;
}

/** A live quote with what the TRs derive from it. */
export interface QuoteFacts {
  readonly instrument: Instrument;
  readonly quote: LiveQuote;
  /** The shown price: the quote's, or the bid/ask mid-point under an `off_tick_prices` fault. */
  readonly price: number;
  /** The reference price (기준가), here the previous close. */
  readonly base: number;
  /** Trading date of the quote (`YYYYMMDD`) and time of its last trade (`HHMMSS`, `""` before any). */
  readonly date: string;
  readonly time: string;
  /** The previous trading day's bar, when history has one. */
  readonly previousBar: DailyBar | undefined;
  /** Daily bars up to the quote's date, newest first. */
  readonly bars: readonly DailyBar[];
}

export function quoteFacts(ctx: TrContext, instrument: Instrument, offTick: Fault | undefined): QuoteFacts | undefined {
  const quote = ctx.market.quote(instrument.ticker);
  if (quote === undefined) return undefined;
  const traded = quote.tradeTime === null ? undefined : new Date(quote.tradeTime);
  const date = traded === undefined ? ctx.market.today() : kstDate(traded);
  const bars = ctx.market.dailyBars(instrument.ticker, date);
  let price = quote.price;
  if (offTick !== undefined && targetsTicker(offTick, instrument.ticker) && quote.bestBid !== null && quote.bestAsk !== null) {
    // A mid-point fill (kiwoom-rest.md §3.7): between the best bid and ask, off the tick grid.
    price = Math.floor((quote.bestBid + quote.bestAsk) / 2);
  }
  return {
    instrument,
    quote,
    price,
    base: quote.prevClose,
    date,
    time: traded === undefined ? '' : kstTime(traded),
    previousBar: bars.find((bar) => bar.date < date),
    bars,
  };
}

/** Overwrites the fault's fields with a 32-bit saturated value, for the rows of targeted tickers. */
export function applySaturation(row: WireRow, fault: Fault | undefined, ticker: string): void {
  if (fault === undefined || !targetsTicker(fault, ticker)) return;
  for (const field of fault.fields ?? []) if (field in row) row[field] = String(fault.value);
}

/** The fields an external vendor fills (kiwoom-rest.md §6.1), blanked by `blank_vendor_fields`. */
export const VENDOR_FIELDS = ['per', 'eps', 'roe', 'pbr', 'ev', 'bps'] as const;

export function applyBlankVendorFields(row: WireRow, fault: Fault | undefined, ticker: string): void {
  if (fault === undefined || !targetsTicker(fault, ticker)) return;
  for (const field of VENDOR_FIELDS) row[field] = '';
}
