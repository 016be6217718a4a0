import { isOnTick, isValidTicker, kstInstant, priceLimits, tickSize, tickUp } from '@repo/market';
import { describe, expect, it } from 'vitest';
import type { DailyBar, LiveQuote, SimMarket } from './model.js';
import { createSimClock } from './sim-clock.js';
import { createSimMarket } from './sim-market.js';

const kst = (date: string, hour: number, minute = 0, second = 0): Date => kstInstant(date, hour * 3600 + minute * 60 + second);

/** One market whose fixed clock each test moves; per-day data is memoised across tests. */
function marketAt(seed: number | string, at: Date): { market: SimMarket; moveTo: (d: Date) => void } {
  const clock = createSimClock({ fixed: at });
  return { market: createSimMarket({ seed, clock }), moveTo: (d) => clock.set({ fixed: d }) };
}

const TODAY = '20261125';
const { market, moveTo } = marketAt(11, kst(TODAY, 16, 0));
const kindOf = (ticker: string) => market.instrument(ticker)?.kind ?? 'stock';

describe('the universe', () => {
  it('holds at least 100 real-looking instruments with unique valid tickers', () => {
    const tickers = market.universe().map((i) => i.ticker);
    expect(tickers.length).toBeGreaterThanOrEqual(100);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(tickers.every(isValidTicker)).toBe(true);
    expect(market.instrument('0015N0')).toMatchObject({ name: '아로마티카', market: 'KOSDAQ', kind: 'stock' });
    expect(market.instrument('005935')?.kind).toBe('preferred');
    expect(market.instrument('069500')).toMatchObject({ name: 'KODEX 200', kind: 'etf' });
    expect(market.instrument('999999')).toBeUndefined();
  });

  it('exposes only the Instrument fields', () => {
    expect(Object.keys(market.instrument('005930') ?? {}).sort()).toEqual(['kind', 'listedShares', 'market', 'name', 'sector', 'ticker']);
  });

  it('covers every stock and ETF tick band with today’s prices', () => {
    moveTo(kst(TODAY, 16, 0));
    const stockTicks = new Set<number>();
    const fundTicks = new Set<number>();
    for (const inst of market.universe()) {
      const price = market.quote(inst.ticker)?.price ?? 0;
      (inst.kind === 'etf' ? fundTicks : stockTicks).add(tickSize(price, inst.kind));
    }
    expect([...stockTicks].sort((a, b) => a - b)).toEqual([1, 5, 10, 50, 100, 500, 1_000]);
    expect([...fundTicks].sort((a, b) => a - b)).toEqual([1, 5]);
    expect(market.quote('000020')?.price).toBeGreaterThan(4_000);
    expect(market.quote('000020')?.price).toBeLessThan(6_500);
    expect(market.quote('000040')?.price).toBeLessThan(2_000);
    expect(market.quote('207940')?.price).toBeGreaterThan(500_000);
  });
});

describe('SimMarket determinism', () => {
  const at = kst(TODAY, 11, 7, 30);
  const snapshot = (m: SimMarket) => ({
    quotes: m.universe().map((i) => m.quote(i.ticker)),
    bars: ['005930', '0015N0', '069500'].map((t) => m.dailyBars(t)),
    index: m.index('001'),
  });

  it('gives deep-equal output for the same seed and instant', () => {
    expect(snapshot(marketAt('same', at).market)).toEqual(snapshot(marketAt('same', at).market));
  });

  it('gives different output for a different seed', () => {
    const a = snapshot(marketAt('same', at).market);
    const b = snapshot(marketAt('different', at).market);
    expect(a.quotes.map((q) => q?.price)).not.toEqual(b.quotes.map((q) => q?.price));
  });
});

/** Every rule a bar breaks, as readable strings (one expect per run keeps 48,000 bars fast). */
function barViolations(ticker: string, bars: readonly DailyBar[]): string[] {
  const kind = kindOf(ticker);
  const out: string[] = [];
  bars.forEach((bar, i) => {
    const where = `${ticker} ${bar.date}`;
    for (const price of [bar.open, bar.high, bar.low, bar.close]) if (!isOnTick(price, kind)) out.push(`${where}: ${price} off the grid`);
    if (bar.low > Math.min(bar.open, bar.close) || bar.high < Math.max(bar.open, bar.close)) out.push(`${where}: OHLC`);
    const prev = bars[i + 1];
    if (prev !== undefined) {
      const { upper, lower } = priceLimits(prev.close, kind);
      if (!(prev.date < bar.date)) out.push(`${where}: order`);
      if (bar.high > upper || bar.low < lower) out.push(`${where}: outside ${lower}–${upper}`);
    }
    // Trading value ≈ volume × average price: the average lies inside the day's range.
    const average = bar.tradingValue / bar.volume;
    if (average < bar.low * 0.97 || average > bar.high * 1.03) out.push(`${where}: average ${average}`);
    const net = bar.foreignNet + bar.institutionNet + bar.individualNet;
    if (Math.abs(net) > 0.02 * bar.volume + 1) out.push(`${where}: investors net ${net}`);
  });
  return out;
}

describe('daily bars', () => {
  it('are on the grid, inside the limits, OHLC-consistent and balanced for every ticker and bar', () => {
    moveTo(kst(TODAY, 16, 0));
    for (const inst of market.universe()) {
      const bars = market.dailyBars(inst.ticker);
      expect(bars.length).toBe(301);
      expect(bars[0]?.date).toBe(TODAY);
      expect(barViolations(inst.ticker, bars)).toEqual([]);
    }
  });

  it('skip weekends and holidays', () => {
    const dates = market.dailyBars('005930').map((b) => b.date);
    expect(dates).not.toContain('20261003');
    expect(dates).not.toContain('20260924');
    expect(dates).toContain('20261002');
    expect(dates.some((d) => new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T00:00:00Z`).getUTCDay() % 6 === 0)).toBe(false);
  });

  it('honour `until`', () => {
    const bars = market.dailyBars('005930', '20261003');
    expect(bars[0]?.date).toBe('20261002');
    expect(market.dailyBars('005930', '20000101')).toEqual([]);
    expect(market.dailyBars('999999')).toEqual([]);
  });

  it('do not change when the simulated today moves on', () => {
    const past = market.dailyBars('005930', '20261120').slice(0, 250);
    moveTo(kst('20261202', 12, 0));
    expect(market.dailyBars('005930', '20261120').slice(0, 250)).toEqual(past);
    moveTo(kst(TODAY, 16, 0));
  });
});

function expectQuoteSane(q: LiveQuote | undefined, kind: Parameters<typeof isOnTick>[1]): void {
  expect(q).toBeDefined();
  if (q === undefined) return;
  expect(isOnTick(q.price, kind), q.ticker).toBe(true);
  expect(q.price).toBeLessThanOrEqual(q.upperLimit);
  expect(q.price).toBeGreaterThanOrEqual(q.lowerLimit);
  expect(priceLimits(q.prevClose, kind)).toEqual({ upper: q.upperLimit, lower: q.lowerLimit });
  if (q.high !== null && q.low !== null) {
    expect(q.low).toBeLessThanOrEqual(q.price);
    expect(q.high).toBeGreaterThanOrEqual(q.price);
    expect(q.tradingValue / q.volume).toBeGreaterThanOrEqual(q.low * 0.95);
    expect(q.tradingValue / q.volume).toBeLessThanOrEqual(q.high * 1.05);
  }
  if (q.bestBid !== null && q.bestAsk !== null) expect(q.bestAsk).toBe(tickUp(q.bestBid, kind));
  expect(q.high250).toBeGreaterThanOrEqual(q.high ?? q.price);
  expect(q.low250).toBeLessThanOrEqual(q.low ?? q.price);
}

describe('live quotes', () => {
  it.each([
    [9, 0, 0],
    [10, 17, 33],
    [13, 45, 0],
    [15, 19, 59],
    [15, 25, 0],
    [15, 30, 0],
  ])('are on the grid, inside the limits and one tick wide at %i:%i:%i', (h, m, s) => {
    moveTo(kst(TODAY, h, m, s));
    for (const inst of market.universe()) expectQuoteSane(market.quote(inst.ticker), inst.kind);
  });

  it.each([
    [10, 17, 33],
    [16, 0, 0],
  ])('equal today’s partial bar at %i:%i:%i', (h, m, s) => {
    moveTo(kst(TODAY, h, m, s));
    for (const inst of market.universe()) {
      const q = market.quote(inst.ticker);
      const [bar] = market.dailyBars(inst.ticker);
      expect(bar).toMatchObject({
        date: TODAY,
        open: q?.open,
        high: q?.high,
        low: q?.low,
        close: q?.price,
        volume: q?.volume,
        tradingValue: q?.tradingValue,
      });
    }
  });

  it('agree with the history on the 250-day high and low', () => {
    moveTo(kst(TODAY, 10, 17, 33));
    for (const ticker of ['005930', '042700', '328130', '0015N0']) {
      const q = market.quote(ticker);
      const year = market.dailyBars(ticker).slice(0, 250);
      const high = Math.max(...year.map((b) => b.high));
      const low = Math.min(...year.map((b) => b.low));
      expect(q?.high250).toBe(high);
      expect(q?.low250).toBe(low);
      expect(year.find((b) => b.date === q?.high250Date)?.high).toBe(high);
      expect(year.find((b) => b.date === q?.low250Date)?.low).toBe(low);
    }
  });

  it('include stocks at the upper and at the lower limit', () => {
    moveTo(kst(TODAY, 11, 0));
    const quotes = market.universe().map((i) => market.quote(i.ticker));
    expect(quotes.some((q) => q !== undefined && q.price === q.upperLimit)).toBe(true);
    expect(quotes.some((q) => q !== undefined && q.price === q.lowerLimit)).toBe(true);
  });

  it('return undefined for an unknown ticker', () => {
    expect(market.quote('999999')).toBeUndefined();
  });
});

describe('index quotes', () => {
  it.each([
    ['001', 1_800, 3_500],
    ['101', 550, 1_200],
    ['201', 240, 470],
  ] as const)('%s sits at a realistic level with consistent 52-week figures', (code, min, max) => {
    moveTo(kst(TODAY, 11, 0));
    const q = market.index(code);
    expect(q?.value).toBeGreaterThan(min);
    expect(q?.value).toBeLessThan(max);
    if (q === undefined || q.high === null || q.low === null) throw new Error('no index quote');
    expect(q.high52w).toBeGreaterThanOrEqual(q.high);
    expect(q.low52w).toBeLessThanOrEqual(q.low);
    expect(q.low).toBeLessThanOrEqual(q.value);
    expect(q.high).toBeGreaterThanOrEqual(q.value);
    expect(q.intraday[0]?.time).toBe('110000');
    expect(q.intraday[q.intraday.length - 1]?.time).toBe('090000');
    expect(q.volume).toBeGreaterThan(0);
  });

  it('moves with its constituents: the close is the cap-weighted move of the day', () => {
    moveTo(kst(TODAY, 16, 0));
    const q = market.index('001');
    const members = market.universe().filter((i) => i.market === 'KOSPI' && (i.kind === 'stock' || i.kind === 'preferred'));
    let capNow = 0;
    let capPrev = 0;
    for (const inst of members) {
      const quote = market.quote(inst.ticker);
      capNow += inst.listedShares * (quote?.price ?? 0);
      capPrev += inst.listedShares * (quote?.prevClose ?? 0);
    }
    expect(q?.value ?? 0).toBeCloseTo(((q?.prevClose ?? 0) * capNow) / capPrev, 0);
    expect(q?.intraday[0]?.time).toBe('153000');
  });

  it('is undefined for an unknown code', () => {
    expect(market.index('999' as '001')).toBeUndefined();
  });
});
