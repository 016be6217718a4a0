import { isOnTick } from '@repo/market';
import { describe, expect, it } from 'vitest';
import { aBar, aStock, aVcpBase, datesEnding, NOW, scaled, seededRandom, withBar } from '../test/builders.js';
import { evaluateClosingBet } from './closing-bet.js';
import { evaluateVcp } from './vcp.js';
import type { Bar } from './types.js';

const RUNS = 300;

/** A log-uniform factor in [min, max]: prices land in every tick band, mostly off the grid. */
const factorFrom = (random: () => number, min: number, max: number): number => min * (max / min) ** random();

describe('published levels', () => {
  it('are on the tick grid for VCP setups and breakouts at any price level', () => {
    const random = seededRandom(20_261_125);
    const breakout = withBar(aVcpBase(), -1, { open: 30_300, high: 30_300, low: 30_300, close: 30_300, volume: 200_000 });
    for (let run = 0; run < RUNS; run++) {
      const bars = scaled(run % 2 === 0 ? aVcpBase() : breakout, factorFrom(random, 0.1, 20));
      const { signal, reasons } = evaluateVcp({ stock: aStock(), bars, rsRating: 99, now: NOW });
      expect(reasons).toEqual([]);
      for (const level of [signal?.entry_price, signal?.target_price, signal?.stop_price]) {
        expect(isOnTick(level ?? Number.NaN), `${level} (close ${bars.at(-1)?.close})`).toBe(true);
      }
    }
  });

  it('are on the tick grid for closing bets at any price from 1,000 to 500,000', () => {
    const random = seededRandom(7);
    for (let run = 0; run < RUNS; run++) {
      // Flat history at p, today +8 % (whole won), 5× volume, flows on the last five days.
      const p = Math.round(factorFrom(random, 1_000, 460_000));
      const close = Math.round(p * 1.08);
      const dates = datesEnding(61);
      const bars: Bar[] = dates.map((date, i) =>
        i < 60
          ? aBar({
              date,
              close: p,
              open: p,
              high: p,
              low: p,
              volume: 1_000_000,
              foreignNetBuy: i >= 56 ? 1_000_000 : null,
              institutionNetBuy: i >= 56 ? 1_000_000 : null,
            })
          : aBar({
              date,
              open: p,
              high: close,
              low: p,
              close,
              volume: 5_000_000,
              tradingValue: 600_000_000_000,
              foreignNetBuy: 1_000_000,
              institutionNetBuy: 1_000_000,
            }),
      );
      const { signal, reasons } = evaluateClosingBet({ stock: aStock(), bars, now: NOW });
      expect(reasons).toEqual([]);
      for (const level of [signal?.entry_price, signal?.target_price, signal?.stop_loss]) {
        expect(isOnTick(level ?? Number.NaN), `${level} (close ${close})`).toBe(true);
      }
    }
  });
});
