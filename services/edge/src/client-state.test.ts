import { describe, expect, it } from 'vitest';
import { clientAddress, createClientState, takeMessageToken, parseSubscribeQuery, recordBadFrame } from './client-state.js';

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

describe('takeMessageToken', () => {
  it('allows the burst at once, then refills at the rate, never above the burst', () => {
    const state = createClientState('id', 0, [], { burst: 3 });
    expect([0, 0, 0, 0].map(() => takeMessageToken(state, 0, 10, 3))).toEqual([true, true, true, false]);
    // 10 per second: one token per 100 ms.
    expect(takeMessageToken(state, 50, 10, 3)).toBe(false);
    expect(takeMessageToken(state, 100, 10, 3)).toBe(true);
    expect(takeMessageToken(state, 100, 10, 3)).toBe(false);
    // A long pause refills to the burst, not beyond.
    expect([0, 0, 0, 0].map(() => takeMessageToken(state, 60_000, 10, 3))).toEqual([true, true, true, false]);
  });

  it('lets a client within the rate send forever', () => {
    const state = createClientState('id', 0, [], { burst: 1 });
    for (let t = 0; t < 100_000; t += 100) expect(takeMessageToken(state, t, 10, 1)).toBe(true);
  });
});

describe('clientAddress', () => {
  it('is the last entry of the proxy header, or the peer without one', () => {
    expect(clientAddress('10.0.0.5', '')).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7')).toBe('203.0.113.7');
  });
});
