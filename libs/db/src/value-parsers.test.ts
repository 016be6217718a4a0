import { describe, expect, it } from 'vitest';
import { parseDate, parseNumeric, parseTimestamptz } from './value-parsers.js';

describe('parseTimestamptz', () => {
  it('turns DateStyle ISO output into ISO-8601 UTC with milliseconds', () => {
    expect(parseTimestamptz('2026-01-28 10:48:55.123+09')).toBe('2026-01-28T01:48:55.123Z');
    expect(parseTimestamptz('2026-01-28 01:48:55+00')).toBe('2026-01-28T01:48:55.000Z');
  });

  it('applies offsets with minutes and seconds, and negative ones', () => {
    expect(parseTimestamptz('2026-01-28 10:48:55+05:30')).toBe('2026-01-28T05:18:55.000Z');
    expect(parseTimestamptz('2026-01-27 22:48:55.5-03')).toBe('2026-01-28T01:48:55.500Z');
    expect(parseTimestamptz('1900-01-01 08:27:52+08:27:52')).toBe('1900-01-01T00:00:00.000Z');
  });

  it('truncates microseconds to milliseconds', () => {
    expect(parseTimestamptz('2026-01-28 01:48:55.123999+00')).toBe('2026-01-28T01:48:55.123Z');
  });

  it('crosses a day boundary', () => {
    expect(parseTimestamptz('2026-01-01 08:00:00+09')).toBe('2025-12-31T23:00:00.000Z');
  });

  it('returns infinity and BC dates unchanged', () => {
    expect(parseTimestamptz('infinity')).toBe('infinity');
    expect(parseTimestamptz('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
  });
});

describe('parseNumeric and parseDate', () => {
  it('reads numeric and bigint text as numbers', () => {
    expect(parseNumeric('81000')).toBe(81_000);
    expect(parseNumeric('-1.82')).toBe(-1.82);
    expect(parseNumeric('1000123456789')).toBe(1_000_123_456_789);
  });

  it('keeps a date as YYYY-MM-DD', () => {
    expect(parseDate('2026-01-28')).toBe('2026-01-28');
  });
});
