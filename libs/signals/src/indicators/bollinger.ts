export interface BollingerBands {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
  /** Bandwidth (upper − lower) / middle, a fraction; null when the middle is not positive. */
  readonly width: number | null;
}

/**
 * Bollinger bands over the `period` values ending just before `end` (exclusive). σ is the
 * POPULATION standard deviation (divide by n), as in John Bollinger's definition; the width is
 * the normalised bandwidth (upper − lower) / middle = 2·k·σ / middle, so widths of differently
 * priced stocks compare. Null when fewer than `period` values are available.
 */
export function bollingerBands(
  values: readonly number[],
  period: number,
  sigmas: number,
  end: number = values.length,
): BollingerBands | null {
  if (!Number.isInteger(period) || period <= 0 || end > values.length || end - period < 0) return null;
  let sum = 0;
  for (let i = end - period; i < end; i++) sum += values[i] ?? 0;
  const middle = sum / period;
  let squares = 0;
  for (let i = end - period; i < end; i++) squares += ((values[i] ?? 0) - middle) ** 2;
  const sigma = Math.sqrt(squares / period);
  const upper = middle + sigmas * sigma;
  const lower = middle - sigmas * sigma;
  return { middle, upper, lower, width: middle > 0 ? (upper - lower) / middle : null };
}

/**
 * The bandwidth of every window ending at index `i` (inclusive), for each `i` of the series:
 * `widths[i]` is null for the first `period − 1` entries and where the middle is not positive.
 */
export function bollingerWidths(values: readonly number[], period: number, sigmas: number): (number | null)[] {
  return values.map((_, i) => bollingerBands(values, period, sigmas, i + 1)?.width ?? null);
}
