import type { Quote } from '@repo/kiwoom';
import { describe, expect, it } from 'vitest';
import { quoteFromKiwoom } from './quote-normalizer.js';

const aQuote = (overrides: Partial<Quote> = {}): Quote => ({
  ticker: '005930',
  name: '삼성전자',
  price: 72_400,
  change: 1_400,
  changeRate: 1.97,
  sign: 'up',
  volume: 13_527_412,
  tradingValue: 973_974_000_000,
  open: 71_200,
  high: 72_800,
  low: 70_900,
  prevClose: null,
  bestBid: 72_400,
  bestAsk: 72_500,
  upperLimit: 92_300,
  lowerLimit: 49_700,
  expectedPrice: null,
  expectedVolume: null,
  marketCap: null,
  listedShares: null,
  time: '2025-09-10T15:19:57+09:00',
  ...overrides,
});

describe('quoteFromKiwoom', () => {
  it('derives the previous close from the change when Kiwoom sent no base price', () => {
    expect(quoteFromKiwoom(aQuote(), new Date())?.data.prev_close).toBe(71_000);
  });

  it('leaves the previous close out, never negative, when the change exceeds the price (a garbled row)', () => {
    const update = quoteFromKiwoom(aQuote({ price: 100, change: 500, changeRate: null }), new Date());
    expect(update?.data).toMatchObject({ price: 100, change: 500, change_rate: 0, prev_close: null });
  });
});
