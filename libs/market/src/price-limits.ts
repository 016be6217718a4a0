import { MarketError, MarketErrorCode } from './errors.js';
import { roundToTick, tickSize, type InstrumentKind } from './tick-size.js';

/** Daily upper and lower price limits (상한가 / 하한가), in KRW. */
export interface PriceLimits {
  readonly upper: number;
  readonly lower: number;
}

/**
 * Limits from the base price (기준가, normally the previous close): ±30 % since 2015-06-15
 * (kiwoom-rest.md §7.6). `width = floor(base × 0.30 / tick(base)) × tick(base)`, checked against
 * two live captures. When `base ± width` lands in a coarser band and off its grid, the upper limit
 * is cut down and the lower limit raised to that band's grid, so both stay valid order prices.
 * Integer arithmetic: `base × 3 / 10` avoids 0.30's binary rounding.
 */
export function priceLimits(basePrice: number, kind: InstrumentKind = 'stock'): PriceLimits {
  if (!Number.isFinite(basePrice) || basePrice <= 0) {
    throw new MarketError(MarketErrorCode.InvalidPrice, `not a base price: ${basePrice}`);
  }
  const tick = tickSize(basePrice, kind);
  const width = Math.floor((basePrice * 3) / (10 * tick)) * tick;
  return {
    upper: roundToTick(basePrice + width, kind, 'down'),
    lower: Math.max(1, roundToTick(basePrice - width, kind, 'up')),
  };
}
