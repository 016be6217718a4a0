import { describe, expect, it } from 'vitest';
import { direction, formatChange, formatDuration, formatIndex, formatKstTime, formatPct, formatPrice } from './format.js';

describe('format', () => {
  it('groups prices and shows a dash for a missing number', () => {
    expect(formatPrice(67500)).toBe('67,500');
    expect(formatPrice(null)).toBe('—');
    expect(formatPrice(Number.NaN)).toBe('—');
    expect(formatIndex(2364.7)).toBe('2,364.70');
  });

  it('marks a rise with ▲ and a fall with ▼ (KRX), and signs percentages', () => {
    expect(formatChange(700)).toBe('▲700');
    expect(formatChange(-4500)).toBe('▼4,500');
    expect(formatChange(0)).toBe('0');
    expect(formatPct(1.05)).toBe('+1.05%');
    expect(formatPct(-0.7)).toBe('-0.70%');
    expect([direction(1), direction(-1), direction(0), direction(null)]).toEqual(['up', 'down', 'flat', 'flat']);
  });

  it('shows instants as KST wall-clock time whatever offset they carry', () => {
    expect(formatKstTime('2026-11-25T15:00:40+09:00')).toBe('15:00:40');
    expect(formatKstTime('2026-11-25T06:00:40.442Z')).toBe('15:00:40');
    expect(formatKstTime('not a time')).toBe('—');
  });

  it('scales durations from milliseconds to hours', () => {
    expect(formatDuration(85.4)).toBe('85 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(185_000)).toBe('3분 5초');
    expect(formatDuration(-(12 * 3600 + 43 * 60) * 1000)).toBe('-12시간 43분');
    expect(formatDuration(undefined)).toBe('—');
  });
});
