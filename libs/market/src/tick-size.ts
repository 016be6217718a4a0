import { MarketError, MarketErrorCode } from './errors.js';

/** What decides the tick table; preferred shares use the stock table. */
export type InstrumentKind = 'stock' | 'preferred' | 'etf' | 'etn';
export type RoundingMode = 'down' | 'up' | 'nearest';

/** ETF/ETN tick since the December 2023 revision: 1 원 below 2,000, 5 원 from 2,000. */
const FUND_TICK_BOUNDARY = 2_000;

function assertPrice(price: number): void {
  if (!Number.isFinite(price) || price < 0) {
    throw new MarketError(MarketErrorCode.InvalidPrice, `not a price: ${price}`);
  }
}

/** The tick (호가가격단위) at `price`; the band is chosen by the price itself (2,000 → 5). */
export function tickSize(price: number, kind: InstrumentKind = 'stock'): number {
  assertPrice(price);
  if (kind === 'etf' || kind === 'etn') return price < FUND_TICK_BOUNDARY ? 1 : 5;
  // The KRX stock table since 2023-01-25 (kiwoom-rest.md §7.5); KOSPI, KOSDAQ and KONEX alike.
  if (price < 2_000) return 1;
  if (price < 5_000) return 5;
  if (price < 20_000) return 10;
  if (price < 50_000) return 50;
  if (price < 200_000) return 100;
  if (price < 500_000) return 500;
  return 1_000;
}

/**
 * `price` moved onto the tick grid. Band boundaries are multiples of the coarser tick, so rounding
 * with the tick of the price itself never lands off the grid of the neighbouring band.
 * Orders: buys round `down`, sells round `up` (§7.5). `nearest` rounds halves up.
 */
export function roundToTick(price: number, kind: InstrumentKind = 'stock', mode: RoundingMode = 'nearest'): number {
  const tick = tickSize(price, kind);
  const down = Math.floor(price / tick) * tick;
  if (down === price) return price;
  if (mode === 'down') return down;
  const up = down + tick;
  if (mode === 'up') return up;
  return price - down < up - price ? down : up;
}

/** True when `price` is a valid order price (on the grid of its own band). */
export function isOnTick(price: number, kind: InstrumentKind = 'stock'): boolean {
  return Number.isInteger(price) && price > 0 && price % tickSize(price, kind) === 0;
}

/** The next valid price above an on-grid `price` (`2,000` for a stock at 1,999). */
export function tickUp(price: number, kind: InstrumentKind = 'stock'): number {
  return roundToTick(price, kind, 'down') + tickSize(price, kind);
}

/** The next valid price below an on-grid `price` (`1,999` for a stock at 2,000); never below 1. */
export function tickDown(price: number, kind: InstrumentKind = 'stock'): number {
  // Half a won below lies in the lower band when `price` is a band boundary.
  return Math.max(1, roundToTick(price - 0.5, kind, 'down'));
}
