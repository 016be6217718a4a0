/**
 * The wire ticker rule: six ASCII characters from [0-9A-Z] with at least one digit.
 * Ordinary KOSPI/KOSDAQ codes are all digits; letters are allowed since 2024 (`0015N0`).
 * ASCII classes only: the seed's Unicode-aware check let Hangul through.
 */
const TICKER_RE = /^(?=[0-9A-Z]*[0-9])[0-9A-Z]{6}$/;

/** True when `value` is a ticker in the wire form (`005930`, `0015N0`). */
export function isValidTicker(value: unknown): value is string {
  return typeof value === 'string' && TICKER_RE.test(value);
}
