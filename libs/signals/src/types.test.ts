import { describe, expect, it } from 'vitest';
import { aBar, aBarSeries, aStock, NOW } from '../test/builders.js';
import { evaluateVcp } from './vcp.js';
import { assertBarsOldestFirst } from './types.js';
import { rsRatings } from './relative-strength.js';

describe('assertBarsOldestFirst', () => {
  it('accepts oldest-first bars with unique YYYY-MM-DD dates', () => {
    expect(() => assertBarsOldestFirst(aBarSeries([1, 2, 3]))).not.toThrow();
    expect(() => assertBarsOldestFirst([])).not.toThrow();
  });

  it('throws SIGNALS_INVALID_BARS for newest-first, duplicate or malformed dates', () => {
    const bad = expect.objectContaining({ name: 'SignalsError', code: 'SIGNALS_INVALID_BARS' });
    expect(() => assertBarsOldestFirst([...aBarSeries([1, 2, 3])].reverse())).toThrowError(bad);
    expect(() => assertBarsOldestFirst([aBar({ date: '2026-11-24' }), aBar({ date: '2026-11-24' })])).toThrowError(bad);
    expect(() => assertBarsOldestFirst([aBar({ date: '20261124' })])).toThrowError(bad);
  });

  it('guards the evaluators and the RS ranking', () => {
    const reversed = [...aBarSeries([1, 2, 3])].reverse();
    expect(() => evaluateVcp({ stock: aStock(), bars: reversed, rsRating: 99, now: NOW })).toThrow(/oldest first/);
    expect(() => rsRatings(new Map([['X', reversed]]))).toThrow(/oldest first/);
  });
});
