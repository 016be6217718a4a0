import { describe, expect, it } from 'vitest';
import { createClientState, parseSubscribeQuery, recordBadFrame } from './client-state.js';

describe('parseSubscribeQuery', () => {
  it('splits on commas, trims, skips empties and keeps the first of duplicates in order', () => {
    expect(parseSubscribeQuery('subscribe=price:005930,%20market-gate,,price:005930&x=1')).toEqual(['price:005930', 'market-gate']);
    expect(parseSubscribeQuery('')).toEqual([]);
    expect(parseSubscribeQuery('subscribe=a&subscribe=b')).toEqual(['a', 'b']);
  });
});

describe('recordBadFrame', () => {
  it('trips after more than the limit within the window and starts over after it', () => {
    const state = createClientState('id', 0, []);
    expect([1, 2, 3].map((t) => recordBadFrame(state, t, 3, 100))).toEqual([false, false, false]);
    expect(recordBadFrame(state, 50, 3, 100)).toBe(true);
    expect(recordBadFrame(state, 150, 3, 100)).toBe(false);
  });
});
