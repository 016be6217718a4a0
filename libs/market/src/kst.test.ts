import { describe, expect, it } from 'vitest';
import { addDays, isValidDate, kstDate, kstInstant, kstIso, kstParts, weekdayOf } from './kst.js';

describe('KST helpers', () => {
  it('puts 15:00 UTC on the next KST calendar day', () => {
    expect(kstDate(new Date('2026-11-24T15:00:00Z'))).toBe('20261125');
    expect(kstDate(new Date('2026-11-24T14:59:59Z'))).toBe('20261124');
  });

  it('breaks an instant down in KST', () => {
    expect(kstParts(new Date('2026-11-25T01:02:03Z'))).toEqual({
      date: '20261125',
      year: 2026,
      month: 11,
      day: 25,
      weekday: 3,
      hour: 10,
      minute: 2,
      second: 3,
      secondOfDay: 36_123,
    });
  });

  it('builds the instant of a KST wall time and prints it with +09:00', () => {
    const at = kstInstant('20261125', 9 * 3600);
    expect(at.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(kstIso(at)).toBe('2026-11-25T09:00:00+09:00');
  });

  it('does calendar arithmetic on YYYYMMDD dates', () => {
    expect(addDays('20261231', 1)).toBe('20270101');
    expect(addDays('20240301', -1)).toBe('20240229');
    expect(weekdayOf('20261125')).toBe(3);
    expect(weekdayOf('20261128')).toBe(6);
  });

  it('validates dates', () => {
    expect(isValidDate('20240229')).toBe(true);
    expect(isValidDate('20250229')).toBe(false);
    expect(isValidDate('2025-01-01')).toBe(false);
    expect(() => addDays('20251301', 1)).toThrowError(expect.objectContaining({ code: 'MARKET_INVALID_DATE' }));
    expect(() => kstParts(new Date(Number.NaN))).toThrowError(expect.objectContaining({ code: 'MARKET_INVALID_INSTANT' }));
  });
});
