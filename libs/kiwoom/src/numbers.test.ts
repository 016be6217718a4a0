import { describe, expect, it } from 'vitest';
import {
  SATURATED_VALUES,
  hundredMillionKrwToKrw,
  millionKrwToKrw,
  parseChange,
  parseOptionalPrice,
  parsePrice,
  parseRate,
  parseSignCode,
  parseSignedNumber,
  readKiwoomNumber,
  thousandSharesToShares,
} from './numbers.js';
import { kstCompactDate, kstDateTimeToIso, parseKstDate, parseKstTime, parseKstTimestamp, toCompactDate } from './kst.js';

describe('readKiwoomNumber', () => {
  it.each([
    ['"" is no value, not zero', ''],
    ['whitespace is no value', '   '],
    ['a missing field is no value', undefined],
    ['null is no value', null],
  ])('%s', (_name, raw) => {
    expect(readKiwoomNumber(raw)).toEqual({ kind: 'empty' });
  });

  it.each([
    // [raw, signed value] — every example is from kiwoom-rest.md §3.4–3.5 or §6
    ['+72400', 72400],
    ['-49700', -49700],
    ['95400', 95400],
    ['-275750', -275750],
    ['000000061300', 61300],
    ['-00013000', -13000],
    ['--23722054', -23722054],
    ['--266783', -266783],
    ['20,190', 20190],
    ['+1.97', 1.97],
    ['-0.09', -0.09],
    ['0.00', 0],
    ['-7246.79', -7246.79],
    ['  +241500 ', 241500],
    ['00000000', 0],
  ])('reads %j as %d', (raw, value) => {
    expect(readKiwoomNumber(raw)).toEqual({ kind: 'value', value });
  });

  it('reads "-0" as plain 0, not -0', () => {
    const reading = readKiwoomNumber('-0');
    expect(reading.kind === 'value' && Object.is(reading.value, 0)).toBe(true);
  });

  it.each(['4294967295', '2147483647', '-2147483647', '+4294967295'])('flags the saturated value %s', (raw) => {
    const reading = readKiwoomNumber(raw);
    expect(reading.kind).toBe('saturated');
    expect(parseSignedNumber(raw)).toBeNull();
    expect(parsePrice(raw)).toBeNull();
  });

  it('flags saturated values sent as numbers too', () => {
    for (const value of SATURATED_VALUES) expect(readKiwoomNumber(value).kind).toBe('saturated');
  });

  it.each(['abc', '1e5', '12-3', '+', '--', '1.2.3', 'Infinity', '0x10', '.5'])('rejects %j as invalid', (raw) => {
    expect(readKiwoomNumber(raw)).toEqual({ kind: 'invalid', raw });
    expect(parseSignedNumber(raw)).toBeNull();
  });

  it('accepts numbers (return_code is sent as a number)', () => {
    expect(readKiwoomNumber(0)).toEqual({ kind: 'value', value: 0 });
    expect(readKiwoomNumber(Number.NaN)).toEqual({ kind: 'invalid', raw: 'NaN' });
  });
});

describe('prices, changes and rates', () => {
  it('takes the absolute value of a signed price (the sign is the direction vs the base price)', () => {
    expect(parsePrice('-275750')).toBe(275750);
    expect(parsePrice('+92300')).toBe(92300);
    expect(parsePrice('')).toBeNull();
  });

  it('keeps the sign of a change', () => {
    expect(parseChange('-250', '5')).toBe(-250);
    expect(parseChange('+1400', '2')).toBe(1400);
    expect(parseChange('0', '3')).toBe(0);
    expect(parseChange('')).toBeNull();
  });

  it('lets a down sign code sign an unsigned change', () => {
    expect(parseChange('250', '5')).toBe(-250);
    expect(parseChange('82500', '4')).toBe(-82500);
    expect(parseChange('250', '2')).toBe(250);
  });

  it('treats 0 and "" as no best bid/ask', () => {
    expect(parseOptionalPrice('0')).toBeNull();
    expect(parseOptionalPrice('')).toBeNull();
    expect(parseOptionalPrice('+72500')).toBe(72500);
  });

  it('rounds rates to two decimals and keeps their sign', () => {
    expect(parseRate('+1.97')).toBe(1.97);
    expect(parseRate('-5.35')).toBe(-5.35);
    expect(parseRate('12.3456')).toBe(12.35);
    expect(parseRate('-0.001')).toBe(0);
  });

  it.each([
    ['1', 'upper_limit'],
    ['2', 'up'],
    ['3', 'unchanged'],
    ['4', 'lower_limit'],
    ['5', 'down'],
    ['', null],
    ['6', null],
  ])('reads sign code %j as %j', (raw, sign) => {
    expect(parseSignCode(raw)).toBe(sign);
  });
});

describe('units (§3.6)', () => {
  it('converts 백만원, 억원 and thousands of shares', () => {
    expect(millionKrwToKrw(973974)).toBe(973_974_000_000);
    expect(hundredMillionKrwToKrw(4322123)).toBe(432_212_300_000_000);
    expect(thousandSharesToShares(5969783)).toBe(5_969_783_000);
  });

  it('passes null through', () => {
    expect(millionKrwToKrw(null)).toBeNull();
    expect(hundredMillionKrwToKrw(null)).toBeNull();
    expect(thousandSharesToShares(null)).toBeNull();
  });

  it('reproduces the doc arithmetic: mac (억원) ≈ flo_stk (천주) × price', () => {
    const listedShares = thousandSharesToShares(parseSignedNumber('5969783')) ?? 0;
    const marketCap = hundredMillionKrwToKrw(parseSignedNumber('4322123')) ?? 0;
    expect(Math.abs(listedShares * 72400 - marketCap) / marketCap).toBeLessThan(1e-4);
  });
});

describe('KST dates', () => {
  it('parses expires_dt as KST whatever the machine time zone', () => {
    expect(parseKstTimestamp('20241107083713')).toBe(Date.parse('2024-11-07T08:37:13+09:00'));
    expect(parseKstTimestamp('20241107083713')).toBe(Date.UTC(2024, 10, 6, 23, 37, 13));
  });

  it('rejects impossible timestamps and dates', () => {
    expect(parseKstTimestamp('20241332083713')).toBeNull();
    expect(parseKstTimestamp('2024110708371')).toBeNull();
    expect(parseKstTimestamp('20241107246000')).toBeNull();
    expect(parseKstDate('20250230')).toBeNull();
    expect(parseKstDate('00000000')).toBeNull();
    expect(parseKstDate('')).toBeNull();
  });

  it('formats dates and times with an explicit offset', () => {
    expect(parseKstDate('20250910')).toBe('2025-09-10');
    expect(parseKstTime('153220')).toBe('15:32:20');
    expect(parseKstTime('999999')).toBeNull();
    expect(kstDateTimeToIso('20250910', '151957')).toBe('2025-09-10T15:19:57+09:00');
    expect(kstDateTimeToIso('20250910', '')).toBeNull();
  });

  it('gives the KST calendar date of an instant, which is a day ahead of UTC after 15:00 UTC', () => {
    expect(kstCompactDate(Date.parse('2025-09-09T15:30:00Z'))).toBe('20250910');
    expect(kstCompactDate(Date.parse('2025-09-09T14:59:59Z'))).toBe('20250909');
  });

  it('accepts both date spellings for requests', () => {
    expect(toCompactDate('2025-09-10')).toBe('20250910');
    expect(toCompactDate('20250910')).toBe('20250910');
    expect(toCompactDate('2025-9-10')).toBeNull();
  });
});
