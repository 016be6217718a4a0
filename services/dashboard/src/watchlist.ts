import { isValidTicker } from '@repo/protocol';

/** The seed dashboard's large caps plus a letter code (0015N0) and a closing-bet regular (064350). */
export const DEFAULT_TICKERS: readonly string[] = ['005930', '000660', '035420', '0015N0', '064350'];
/** Far below the edge's per-connection topic limit, leaving room for the gate and signal topics. */
export const MAX_WATCHLIST = 40;
const STORAGE_KEY = 'krx-dashboard:watchlist';

export const TICKER_ERRORS = {
  empty: '종목코드를 입력하세요.',
  invalid: '종목코드는 숫자를 하나 이상 포함한 6자리 영문 대문자·숫자입니다 (예: 005930, 0015N0).',
  duplicate: '이미 관심종목에 있습니다.',
  full: `관심종목은 최대 ${MAX_WATCHLIST}개입니다.`,
} as const;

export type AddResult = { readonly ok: true; readonly ticker: string } | { readonly ok: false; readonly error: string };

/** The part of `Storage` the watchlist uses (a Map-backed double in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface Watchlist {
  tickers(): readonly string[];
  /** Validates `raw` (trimmed, upper-cased) and adds it; nothing changes on an error. */
  add(raw: string): AddResult;
  remove(ticker: string): boolean;
}

export function createWatchlist(fallback: readonly string[], store?: KeyValueStore): Watchlist {
  const list = load(store) ?? [...fallback];
  const save = (): void => {
    try {
      store?.setItem(STORAGE_KEY, JSON.stringify(list));
    } catch {
      // Storage full or disabled (private mode): the list still works for this page.
    }
  };
  return {
    tickers: () => list,
    add(raw) {
      const ticker = raw.trim().toUpperCase();
      if (ticker === '') return { ok: false, error: TICKER_ERRORS.empty };
      if (!isValidTicker(ticker)) return { ok: false, error: TICKER_ERRORS.invalid };
      if (list.includes(ticker)) return { ok: false, error: TICKER_ERRORS.duplicate };
      if (list.length >= MAX_WATCHLIST) return { ok: false, error: TICKER_ERRORS.full };
      list.push(ticker);
      save();
      return { ok: true, ticker };
    },
    remove(ticker) {
      const i = list.indexOf(ticker);
      if (i < 0) return false;
      list.splice(i, 1);
      save();
      return true;
    },
  };
}

/** A stored list, or undefined when there is none or it is not a list of valid tickers. */
function load(store: KeyValueStore | undefined): string[] | undefined {
  let raw: string | null;
  try {
    raw = store?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed) || !parsed.every(isValidTicker)) return undefined;
    return [...new Set(parsed)].slice(0, MAX_WATCHLIST);
  } catch {
    return undefined;
  }
}
