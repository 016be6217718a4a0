/**
 * Simple moving average of the `period` values ending just before `end` (exclusive; default: the
 * whole series, so the last `period` values). Null when fewer than `period` values are available.
 */
export function sma(values: readonly number[], period: number, end: number = values.length): number | null {
  if (!Number.isInteger(period) || period <= 0 || end > values.length || end - period < 0) return null;
  let sum = 0;
  for (let i = end - period; i < end; i++) sum += values[i] ?? 0;
  return sum / period;
}

/** Mean of `values`; null for an empty list. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sma(values, values.length);
}
