import { describe, expect, it } from 'vitest';
import { isValidTicker, normalizeTicker } from './tickers.js';

describe('normalizeTicker', () => {
  it.each([
    ['005930', '005930'],
    ['A005930', '005930'],
    ['005930_AL', '005930'],
    ['005930_NX', '005930'],
    ['005930_nx', '005930'],
    ['  005930 ', '005930'],
    ['0015n0', '0015N0'],
    ['a0015N0', '0015N0'],
    ['0015N0_AL', '0015N0'],
  ])('turns %j into %s', (raw, code) => {
    expect(normalizeTicker(raw)).toBe(code);
  });

  it.each(['', '12345', '1234567', 'ABCDEF', 'B005930', '005930_KR', '삼성전자', '00 593', '005-30', '_AL', 'A_AL'])(
    'returns null for %j',
    (raw) => {
      expect(normalizeTicker(raw)).toBeNull();
    },
  );
});

describe('isValidTicker', () => {
  it('accepts only the exact 6-character form', () => {
    expect(isValidTicker('005930')).toBe(true);
    expect(isValidTicker('0015N0')).toBe(true);
    expect(isValidTicker('A005930')).toBe(false);
    expect(isValidTicker('0015n0')).toBe(false);
    expect(isValidTicker('ABCDEF')).toBe(false);
    expect(isValidTicker(5930)).toBe(false);
  });
});
