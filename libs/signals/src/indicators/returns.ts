/**
 * Simple return over `bars` trading days: last / value `bars` positions earlier − 1 (0.25 = +25 %).
 * Null when the series is too short or the base is not a positive price.
 */
export function periodReturn(closes: readonly number[], bars: number): number | null {
  const last = closes.at(-1);
  const base = closes[closes.length - 1 - bars];
  if (bars <= 0 || last === undefined || base === undefined || !(base > 0) || !Number.isFinite(last)) return null;
  return last / base - 1;
}
