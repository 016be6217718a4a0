import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKERS, MAX_WATCHLIST, TICKER_ERRORS, createWatchlist, type KeyValueStore } from './watchlist.js';

const memoryStore = (initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

describe('Watchlist', () => {
  it('accepts six [0-9A-Z] with a digit, trimmed and upper-cased, and rejects the seed’s invalid vectors', () => {
    const list = createWatchlist([]);
    expect(list.add(' 0015n0 ')).toEqual({ ok: true, ticker: '0015N0' });
    expect(list.add('493330')).toEqual({ ok: true, ticker: '493330' });
    for (const invalid of ['12345', '1234567', 'ABCDEF', '00593가', '0059 30']) {
      expect(list.add(invalid)).toEqual({ ok: false, error: TICKER_ERRORS.invalid });
    }
    expect(list.add('  ')).toEqual({ ok: false, error: TICKER_ERRORS.empty });
    expect(list.add('0015N0')).toEqual({ ok: false, error: TICKER_ERRORS.duplicate });
    expect(list.tickers()).toEqual(['0015N0', '493330']);
  });

  it('refuses to grow past its limit', () => {
    const list = createWatchlist(Array.from({ length: MAX_WATCHLIST }, (_, i) => String(100000 + i)));
    expect(list.add('005930')).toEqual({ ok: false, error: TICKER_ERRORS.full });
  });

  it('keeps the list in storage and starts from it, ignoring a corrupt one', () => {
    const store = memoryStore();
    const list = createWatchlist(DEFAULT_TICKERS, store);
    expect(list.tickers()).toEqual(DEFAULT_TICKERS);
    list.add('035720');
    list.remove('005930');
    expect(createWatchlist(DEFAULT_TICKERS, store).tickers()).toEqual(['000660', '035420', '0015N0', '064350', '035720']);

    for (const corrupt of ['{', '"005930"', '["005930","nope"]']) {
      const bad = memoryStore({ 'krx-dashboard:watchlist': corrupt });
      expect(createWatchlist(DEFAULT_TICKERS, bad).tickers()).toEqual(DEFAULT_TICKERS);
    }
  });
});
