import { describe, expect, it } from 'vitest';
import { createCalendar } from './calendar.js';
import { kstInstant } from './kst.js';
import { lastCompletedTradingDay, sessionPhase, sessionTimes } from './sessions.js';

const at = (date: string, hhmm: string): Date =>
  kstInstant(date, Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60 + Number(hhmm.slice(6, 8) || 0));

describe('sessionPhase', () => {
  it.each([
    ['08:29:59', 'closed'],
    ['08:30', 'pre_open_auction'],
    ['08:59:59', 'pre_open_auction'],
    ['09:00', 'continuous'],
    ['15:19:59', 'continuous'],
    ['15:20', 'closing_auction'],
    ['15:30', 'after_hours'],
    ['17:59:59', 'after_hours'],
    ['18:00', 'closed'],
  ])('is %s → %s on a regular trading day', (time, phase) => {
    expect(sessionPhase(at('20261125', time))).toBe(phase);
  });

  it('is closed all day on weekends and holidays', () => {
    expect(sessionPhase(at('20261128', '10:00'))).toBe('closed');
    expect(sessionPhase(at('20261225', '10:00'))).toBe('closed');
    expect(sessionPhase(at('20261231', '10:00'))).toBe('closed');
  });

  it('opens at 10:00 on the first trading day of the year', () => {
    expect(sessionPhase(at('20270104', '09:15'))).toBe('closed');
    expect(sessionPhase(at('20270104', '09:45'))).toBe('pre_open_auction');
    expect(sessionPhase(at('20270104', '10:00'))).toBe('continuous');
    expect(sessionPhase(at('20270104', '15:25'))).toBe('closing_auction');
  });

  it('runs 10:00–16:30 on 수능 day', () => {
    expect(sessionPhase(at('20261119', '09:00'))).toBe('closed');
    expect(sessionPhase(at('20261119', '15:25'))).toBe('continuous');
    expect(sessionPhase(at('20261119', '16:25'))).toBe('closing_auction');
    expect(sessionPhase(at('20261119', '16:30'))).toBe('after_hours');
  });

  it('follows a calendar given at run time', () => {
    const calendar = createCalendar(['20261125']);
    expect(sessionPhase(at('20261125', '10:00'), calendar)).toBe('closed');
  });
});

describe('sessionTimes', () => {
  it('gives the KST boundaries of a trading day', () => {
    const times = sessionTimes('20261125');
    expect(times?.open.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(times?.closingAuctionStart.toISOString()).toBe('2026-11-25T06:20:00.000Z');
    expect(times?.close.toISOString()).toBe('2026-11-25T06:30:00.000Z');
    expect(times?.special).toBeUndefined();
  });

  it('marks special days and returns nothing on closed days', () => {
    expect(sessionTimes('20261119')?.special?.kind).toBe('csat');
    expect(sessionTimes('20261119')?.close.toISOString()).toBe('2026-11-19T07:30:00.000Z');
    expect(sessionTimes('20261128')).toBeUndefined();
  });
});

describe('lastCompletedTradingDay', () => {
  it('is today once the close is fixed, yesterday before it', () => {
    expect(lastCompletedTradingDay(at('20261125', '15:29:59'))).toBe('20261124');
    expect(lastCompletedTradingDay(at('20261125', '15:30'))).toBe('20261125');
  });

  it('skips weekends and holidays', () => {
    expect(lastCompletedTradingDay(at('20261129', '12:00'))).toBe('20261127');
    expect(lastCompletedTradingDay(at('20270104', '09:00'))).toBe('20261230');
  });

  it('waits for the later close on 수능 day', () => {
    expect(lastCompletedTradingDay(at('20261119', '16:00'))).toBe('20261118');
    expect(lastCompletedTradingDay(at('20261119', '16:30'))).toBe('20261119');
  });
});
