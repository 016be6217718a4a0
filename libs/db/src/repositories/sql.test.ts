import { describe, expect, it } from 'vitest';
import { assertTimestampWithOffset, jsonParam, lastPerKey, valuesList } from './sql.js';

describe('valuesList', () => {
  it('numbers placeholders row by row inside each column template', () => {
    expect(valuesList(2, ['?', 'coalesce(?::timestamptz, now())'])).toBe(
      '($1, coalesce($2::timestamptz, now())),\n($3, coalesce($4::timestamptz, now()))',
    );
  });
});

describe('lastPerKey', () => {
  it('keeps the last row per key in first-seen key order', () => {
    expect(
      lastPerKey(
        [
          { k: 'a', v: 1 },
          { k: 'b', v: 2 },
          { k: 'a', v: 3 },
        ],
        (r) => r.k,
      ),
    ).toEqual([
      { k: 'a', v: 3 },
      { k: 'b', v: 2 },
    ]);
  });
});

describe('jsonParam', () => {
  it('stringifies arrays, so pg cannot turn them into Postgres arrays', () => {
    expect(jsonParam([1, '가'], 'payload')).toBe('[1,"가"]');
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => jsonParam(undefined, 'payload')).toThrow(TypeError);
  });
});

describe('assertTimestampWithOffset', () => {
  it('accepts ISO-8601 with Z or a numeric offset', () => {
    for (const ts of ['2026-01-28T06:35:00Z', '2026-01-28T15:35:00.123+09:00', '2026-01-28T15:35:00+0900', '2026-01-28 15:35+09']) {
      expect(() => assertTimestampWithOffset(ts, 'computedAt')).not.toThrow();
    }
  });

  it('rejects a naive local time, which PostgreSQL would read as UTC', () => {
    expect(() => assertTimestampWithOffset('2026-01-28T10:48:55', 'computedAt')).toThrow(RangeError);
    expect(() => assertTimestampWithOffset('yesterday', 'computedAt')).toThrow(/offset/);
  });
});
