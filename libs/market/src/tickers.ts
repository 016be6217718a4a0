/** Six ASCII [0-9A-Z] with at least one digit: the wire rule of kiwoom-rest.md §7.7. */
const TICKER_RE = /^(?=[0-9A-Z]*[0-9])[0-9A-Z]{6}$/;
/** SOR (`_AL`) and NXT (`_NX`) exchange suffixes of Kiwoom codes. */
const EXCHANGE_SUFFIX_RE = /_(AL|NX)$/;

/** True for a ticker already in the 6-character form (`005930`, `0015N0`); no normalisation. */
export function isValidTicker(value: unknown): value is string {
  return typeof value === 'string' && TICKER_RE.test(value);
}

/**
 * The 6-character code of a Kiwoom-style code, or null when it cannot be one: trims whitespace,
 * upper-cases, strips `_AL`/`_NX`, and strips the `A` prefix of 7-character account-TR codes.
 * @example normalizeTicker(' a005930 ') // '005930'; normalizeTicker('005930_nx') // '005930'
 */
export function normalizeTicker(raw: string): string | null {
  let code = raw.trim().toUpperCase().replace(EXCHANGE_SUFFIX_RE, '');
  if (code.length === 7 && code.startsWith('A')) code = code.slice(1);
  return TICKER_RE.test(code) ? code : null;
}

/**
 * The old system's 11 default tickers (large caps), polled even without a subscriber and reported
 * by the edge's /ws/tickers as `default_tickers`.
 */
export const DEFAULT_WATCH_TICKERS: readonly string[] = [
  '005930',
  '000660',
  '035420',
  '005380',
  '035720',
  '051910',
  '006400',
  '068270',
  '105560',
  '055550',
  '028260',
];
