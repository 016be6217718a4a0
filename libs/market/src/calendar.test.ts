import { describe, expect, it } from 'vitest';
import {
  CSAT_SCHEDULE,
  LATE_OPEN_SCHEDULE,
  REGULAR_SCHEDULE,
  createCalendar,
  defaultCalendar,
  isTradingDay,
  nextTradingDay,
  previousTradingDay,
  tradingDaysBetween,
} from './calendar.js';
import { KRX_HOLIDAYS } from './holidays.js';
import { weekdayOf } from './kst.js';

describe('the holiday table', () => {
  it('lists weekdays only, each once, in date order', () => {
    const dates = KRX_HOLIDAYS.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    for (const date of dates) expect([0, 6]).not.toContain(weekdayOf(date));
  });

  it('closes the market on Dec 31 of every tabled year, or the last weekday before it', () => {
    for (const date of ['20231229', '20241231', '20251231', '20261231', '20271231']) {
      expect(defaultCalendar.holiday(date)?.kind).toBe('krx');
    }
  });

  it('includes election days, substitute holidays and temporary closures', () => {
    expect(isTradingDay('20240410')).toBe(false); // 국회의원 선거
    expect(isTradingDay('20250603')).toBe(false); // 대통령 선거
    expect(isTradingDay('20260603')).toBe(false); // 지방선거
    expect(isTradingDay('20250127')).toBe(false); // 임시공휴일
    expect(isTradingDay('20241001')).toBe(false); // 국군의 날
    expect(defaultCalendar.holiday('20251008')?.kind).toBe('substitute'); // 추석 on a Sunday
    expect(defaultCalendar.holiday('20270209')?.kind).toBe('substitute'); // 설날 on a Sunday
    expect(isTradingDay('20260928')).toBe(true); // 추석 on a Saturday earns no substitute
  });
});

describe('TradingCalendar', () => {
  it('treats weekends and holidays as non-trading days', () => {
    expect(isTradingDay('20261125')).toBe(true);
    expect(isTradingDay('20261128')).toBe(false);
    expect(isTradingDay('20261225')).toBe(false);
  });

  it('steps over weekends and holidays', () => {
    expect(previousTradingDay('20261125')).toBe('20261124');
    expect(previousTradingDay('20261130')).toBe('20261127');
    expect(nextTradingDay('20261224')).toBe('20261228');
    expect(nextTradingDay('20261230')).toBe('20270104');
    expect(previousTradingDay('20250131')).toBe('20250124');
  });

  it('lists trading days inclusively, oldest first', () => {
    expect(tradingDaysBetween('20261224', '20261231')).toEqual(['20261224', '20261228', '20261229', '20261230']);
    expect(tradingDaysBetween('20261231', '20261224')).toEqual([]);
  });

  it('opens late on the first trading day of the year and on 수능 day', () => {
    expect(defaultCalendar.specialDay('20270104')?.kind).toBe('first_trading_day');
    expect(defaultCalendar.schedule('20270104')).toEqual(LATE_OPEN_SCHEDULE);
    expect(defaultCalendar.schedule('20260102')).toEqual(LATE_OPEN_SCHEDULE);
    expect(defaultCalendar.schedule('20261119')).toEqual(CSAT_SCHEDULE);
    expect(defaultCalendar.schedule('20261120')).toEqual(REGULAR_SCHEDULE);
    expect(defaultCalendar.schedule('20261128')).toBeUndefined();
  });

  it('takes closures, removals and special days at run time', () => {
    const calendar = createCalendar(
      ['20261126', { date: '20261127', name: '임시휴장', kind: 'temporary' }],
      ['20261225'],
      [{ date: '20271118', name: '수능', kind: 'csat', schedule: CSAT_SCHEDULE }],
    );
    expect(calendar.isTradingDay('20261126')).toBe(false);
    expect(calendar.holiday('20261127')?.name).toBe('임시휴장');
    expect(calendar.nextTradingDay('20261125')).toBe('20261130');
    expect(calendar.isTradingDay('20261225')).toBe(true);
    expect(calendar.schedule('20271118')).toEqual(CSAT_SCHEDULE);
    // The default calendar is untouched.
    expect(isTradingDay('20261126')).toBe(true);
  });

  it('moves the late opening when the first weekday of the year becomes a closure', () => {
    const calendar = createCalendar(['20270104']);
    expect(calendar.specialDay('20270105')?.kind).toBe('first_trading_day');
  });

  it('falls back to fixed-date closures outside the table', () => {
    expect(isTradingDay('20300101')).toBe(false);
    expect(isTradingDay('20300815')).toBe(false);
    expect(isTradingDay('20301231')).toBe(false);
    // 2028-12-31 is a Sunday: the year-end closure is Friday the 29th.
    expect(isTradingDay('20281229')).toBe(false);
    expect(isTradingDay('20300102')).toBe(true);
  });

  it('rejects malformed dates', () => {
    expect(() => isTradingDay('2026-11-25')).toThrowError(expect.objectContaining({ code: 'MARKET_INVALID_DATE' }));
  });
});
