import { isOnTick } from '@repo/market';
import { describe, expect, it } from 'vitest';
import type { DayBar } from './history.js';
import { buildIntradayPath } from './price-path.js';
import { UNIVERSE } from './universe.js';

const samsung = UNIVERSE.find((i) => i.ticker === '005930');
const bar: DayBar = {
  date: '20261125',
  open: 71_200,
  high: 72_800,
  low: 70_900,
  close: 72_400,
  volume: 13_527_412,
  tradingValue: 973_974_000_000,
  foreignNet: 0,
  institutionNet: 0,
  individualNet: 0,
  lowAt: 0.1,
  highAt: 0.8,
};

describe('buildIntradayPath', () => {
  if (samsung === undefined) throw new Error('005930 missing from the universe');
  const path = buildIntradayPath(samsung, bar, 2_280, 7);

  it('opens at the open and touches exactly the day’s high and low', () => {
    expect(path.price[0]).toBe(bar.open);
    expect(Math.max(...path.price)).toBe(bar.high);
    expect(Math.min(...path.price)).toBe(bar.low);
    expect(path.high[path.steps - 1]).toBe(bar.high);
    expect(path.low[path.steps - 1]).toBe(bar.low);
    expect([...path.price].every((p) => isOnTick(p))).toBe(true);
  });

  it('ends within two ticks of the close, which the closing auction fixes', () => {
    expect(Math.abs((path.price[path.steps - 1] ?? 0) - bar.close)).toBeLessThanOrEqual(200);
  });

  it('accumulates volume up to the day’s volume less the closing auction', () => {
    const last = path.cumVolume[path.steps - 1] ?? 0;
    expect(last + path.closingAuctionVolume).toBe(bar.volume);
    expect(path.cumVolume[0]).toBeGreaterThanOrEqual(path.openingAuctionVolume);
    for (let k = 1; k < path.steps; k += 1) expect(path.cumVolume[k]).toBeGreaterThanOrEqual(path.cumVolume[k - 1] ?? 0);
    expect((path.cumValue[path.steps - 1] ?? 0) + path.closingAuctionVolume * bar.close).toBeCloseTo(bar.tradingValue, -3);
  });

  it('is a pure function of the bar and the seed', () => {
    expect(buildIntradayPath(samsung, bar, 2_280, 7)).toEqual(path);
    expect(buildIntradayPath(samsung, bar, 2_280, 8).price).not.toEqual(path.price);
  });
});
