import { describe, expect, it } from 'vitest';
import { MarketError } from './errors.js';
import { isOnTick, roundToTick, tickDown, tickSize, tickUp } from './tick-size.js';

describe('tickSize', () => {
  it.each([
    [1, 1],
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
    [1_234_000, 1_000],
  ])('gives a stock at %d a tick of %d', (price, tick) => {
    expect(tickSize(price, 'stock')).toBe(tick);
    expect(tickSize(price, 'preferred')).toBe(tick);
  });

  it.each([
    [1_999, 1],
    [2_000, 5],
    [35_000, 5],
    [600_000, 5],
  ])('gives an ETF or ETN at %d a tick of %d', (price, tick) => {
    expect(tickSize(price, 'etf')).toBe(tick);
    expect(tickSize(price, 'etn')).toBe(tick);
  });

  it('rejects negative and non-finite prices with MARKET_INVALID_PRICE', () => {
    expect(() => tickSize(-1)).toThrow(MarketError);
    expect(() => tickSize(Number.NaN)).toThrowError(expect.objectContaining({ code: 'MARKET_INVALID_PRICE' }));
  });
});

describe('roundToTick', () => {
  it('rounds buys down and sells up inside a band', () => {
    expect(roundToTick(72_430, 'stock', 'down')).toBe(72_400);
    expect(roundToTick(72_430, 'stock', 'up')).toBe(72_500);
    expect(roundToTick(72_430, 'stock', 'nearest')).toBe(72_400);
    expect(roundToTick(72_450, 'stock', 'nearest')).toBe(72_500);
  });

  it('lands on the coarser grid when rounding up across a band boundary', () => {
    expect(roundToTick(4_997, 'stock', 'up')).toBe(5_000);
    expect(roundToTick(199_950, 'stock', 'up')).toBe(200_000);
    expect(roundToTick(1_999.4, 'etf', 'up')).toBe(2_000);
  });

  it('leaves on-grid prices alone', () => {
    expect(roundToTick(5_010, 'stock', 'down')).toBe(5_010);
    expect(roundToTick(2_005, 'etf', 'up')).toBe(2_005);
  });

  it('rounds with the tick of the band the price is in', () => {
    expect(roundToTick(5_003, 'stock', 'down')).toBe(5_000);
    expect(roundToTick(2_003, 'etf', 'nearest')).toBe(2_005);
  });
});

describe('isOnTick', () => {
  it('checks the grid of the price’s own band', () => {
    expect(isOnTick(2_000)).toBe(true);
    expect(isOnTick(2_001)).toBe(false);
    expect(isOnTick(1_999)).toBe(true);
    expect(isOnTick(241_500)).toBe(true);
    expect(isOnTick(241_600)).toBe(false);
    expect(isOnTick(2_001, 'etf')).toBe(false);
    expect(isOnTick(1_501, 'etf')).toBe(true);
    expect(isOnTick(72_400.5)).toBe(false);
  });
});

describe('tickUp and tickDown', () => {
  it('step across band boundaries to the neighbouring valid price', () => {
    expect(tickUp(1_999)).toBe(2_000);
    expect(tickUp(2_000)).toBe(2_005);
    expect(tickDown(2_000)).toBe(1_999);
    expect(tickDown(5_000)).toBe(4_995);
    expect(tickDown(500_000)).toBe(499_500);
    expect(tickUp(499_500)).toBe(500_000);
    expect(tickDown(1)).toBe(1);
  });
});
