import { createCalendar, kstInstant } from '@repo/market';
import { describe, expect, it } from 'vitest';
import type { LiveQuote } from './model.js';
import { createSimClock } from './sim-clock.js';
import { createSimMarket } from './sim-market.js';

const kst = (date: string, hour: number, minute = 0, second = 0): Date => kstInstant(date, hour * 3600 + minute * 60 + second);

const clock = createSimClock({ fixed: kst('20261125', 10, 0) });
const market = createSimMarket({ seed: 'sessions', clock });
const SAMPLE = ['005930', '000660', '0015N0', '069500', '000040', '042700', '064350'];

function quotesAt(at: Date): (LiveQuote | undefined)[] {
  clock.set({ fixed: at });
  return SAMPLE.map((t) => market.quote(t));
}

describe('SimMarket sessions', () => {
  it('reports the KRX phase of the simulated now', () => {
    const phases = [
      [kst('20261125', 8, 0), 'closed'],
      [kst('20261125', 8, 45), 'pre_open_auction'],
      [kst('20261125', 11, 0), 'continuous'],
      [kst('20261125', 15, 25), 'closing_auction'],
      [kst('20261125', 16, 0), 'after_hours'],
      [kst('20261128', 11, 0), 'closed'],
    ] as const;
    for (const [at, phase] of phases) {
      clock.set({ fixed: at });
      expect(market.session()).toBe(phase);
    }
    expect(market.isTradingDay('20261128')).toBe(false);
    expect(market.isTradingDay('20261127')).toBe(true);
  });

  it('moves prices during continuous trading', () => {
    const ten = quotesAt(kst('20261125', 10, 0));
    const eleven = quotesAt(kst('20261125', 11, 0));
    const moved = ten.filter((q, i) => q?.price !== eleven[i]?.price || q?.volume !== eleven[i]?.volume);
    expect(moved.length).toBeGreaterThanOrEqual(SAMPLE.length - 1);
  });

  it('shows the expected price and quantity, and no trade, at 08:45', () => {
    for (const q of quotesAt(kst('20261125', 8, 45))) {
      expect(q?.expectedPrice).toBeGreaterThan(0);
      expect(q?.expectedQty).toBeGreaterThan(0);
      expect(q?.expectedPrice).toBeLessThanOrEqual(q?.upperLimit ?? 0);
      expect(q?.expectedPrice).toBeGreaterThanOrEqual(q?.lowerLimit ?? Infinity);
      expect(q).toMatchObject({ price: q?.prevClose, open: null, high: null, low: null, volume: 0, tradeTime: null });
    }
    expect(market.dailyBars('005930')[0]?.date).toBe('20261124');
  });

  it('sets one price at 09:00: the open, traded in the opening auction', () => {
    const atNine = quotesAt(kst('20261125', 9, 0));
    for (const q of atNine) {
      expect(q?.price).toBe(q?.open);
      expect(q?.volume).toBeGreaterThan(0);
      expect(q?.expectedPrice).toBeNull();
      expect(q?.tradeTime).toBe('2026-11-25T09:00:00+09:00');
    }
  });

  it('holds the last trade and shows the expected close during the closing auction', () => {
    const at1520 = quotesAt(kst('20261125', 15, 20, 0));
    const at1525 = quotesAt(kst('20261125', 15, 25, 0));
    const at1529 = quotesAt(kst('20261125', 15, 29, 59));
    at1525.forEach((q, i) => {
      expect(q?.expectedPrice).toBeGreaterThan(0);
      expect(q?.expectedQty).toBeGreaterThan(0);
      for (const other of [at1520[i], at1529[i]]) {
        expect(other).toMatchObject({ price: q?.price, volume: q?.volume, high: q?.high, low: q?.low, tradeTime: q?.tradeTime });
      }
    });
  });

  it('fixes the close at 15:30 and keeps it constant until 18:00 and overnight', () => {
    const close = quotesAt(kst('20261125', 15, 30));
    expect(close.every((q) => q?.expectedPrice === null && q.tradeTime === '2026-11-25T15:30:00+09:00')).toBe(true);
    expect(quotesAt(kst('20261125', 16, 0))).toEqual(close);
    expect(quotesAt(kst('20261125', 17, 59, 59))).toEqual(close);
    expect(quotesAt(kst('20261126', 8, 29))).toEqual(close);
    expect(market.dailyBars('005930')[0]?.date).toBe('20261125');
  });

  it('changes nothing on a Saturday or a holiday: Friday’s close stands', () => {
    const fridayClose = quotesAt(kst('20261127', 18, 0));
    expect(quotesAt(kst('20261128', 10, 0))).toEqual(fridayClose);
    expect(quotesAt(kst('20261129', 14, 0))).toEqual(fridayClose);
    expect(market.dailyBars('005930')[0]?.date).toBe('20261127');
    const christmasEve = quotesAt(kst('20261224', 18, 0));
    expect(quotesAt(kst('20261225', 11, 0))).toEqual(christmasEve);
    const holidayIndex = market.index('001');
    clock.set({ fixed: kst('20261224', 16, 0) });
    expect(market.index('001')).toEqual(holidayIndex);
  });

  it('opens at 10:00 and closes at 16:30 on 수능 day', () => {
    clock.set({ fixed: kst('20261119', 9, 45) });
    expect(market.session()).toBe('pre_open_auction');
    expect(market.quote('005930')?.expectedPrice).not.toBeNull();
    clock.set({ fixed: kst('20261119', 15, 25) });
    expect(market.session()).toBe('continuous');
    expect(market.quote('005930')?.expectedPrice).toBeNull();
    clock.set({ fixed: kst('20261119', 16, 25) });
    expect(market.session()).toBe('closing_auction');
    expect(market.quote('005930')?.expectedPrice).not.toBeNull();
    clock.set({ fixed: kst('20261119', 16, 30) });
    expect(market.quote('005930')?.tradeTime).toBe('2026-11-19T16:30:00+09:00');
  });

  it('follows a calendar with a closure added at run time', () => {
    const closed = createSimMarket({
      seed: 'sessions',
      clock: createSimClock({ fixed: kst('20261125', 11, 0) }),
      calendar: createCalendar(['20261125']),
    });
    expect(closed.session()).toBe('closed');
    expect(closed.isTradingDay()).toBe(false);
    expect(closed.dailyBars('005930')[0]?.date).toBe('20261124');
  });
});
