import { describe, expect, it } from 'vitest';
import { isValidTicker } from './tickers.js';

// The seed's test vectors (seed-protocol.md §5) plus the cases its Unicode-aware check let through.
const VALID = ['005930', '000660', '035420', '493330', '217590', '491000', '0015N0', '0004V0', '0120X0', '500101'];
const INVALID_STRINGS = [
  '12345',
  '1234567',
  'ABCDEF',
  '',
  '00593a',
  '0015n0',
  '00 593',
  ' 005930',
  '005930 ',
  '005930\n',
  '０05930', // fullwidth digit zero
  '٠٠٥٩٣٠', // Arabic-Indic digits
  '삼성전자12',
  '00593Ａ', // fullwidth A
  '005-30',
  'price:005930',
];

describe('isValidTicker', () => {
  it.each(VALID)('accepts %s', (ticker) => {
    expect(isValidTicker(ticker)).toBe(true);
  });

  it.each(INVALID_STRINGS)('rejects %j', (ticker) => {
    expect(isValidTicker(ticker)).toBe(false);
  });

  it.each([null, undefined, 5930, 0x005930, true, {}, [], ['005930'], { toString: () => '005930' }, new String('005930')])(
    'rejects the non-string %j',
    (value) => {
      expect(isValidTicker(value)).toBe(false);
    },
  );

  it('narrows unknown input to string', () => {
    const value: unknown = '005930';
    if (!isValidTicker(value)) throw new Error('expected a valid ticker');
    const narrowed: string = value;
    expect(narrowed.length).toBe(6);
  });
});
