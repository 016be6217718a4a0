/**
 * `value` rounded to `decimals` places, halves away from zero. The scaled value is first cut to 12
 * significant digits so binary noise (13.124999999999998 for 13.125) does not flip a half.
 */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(12));
  // `+ 0` turns −0 into 0.
  return (Math.sign(value) * Math.round(scaled)) / factor + 0;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** How many of `thresholds` `value` reaches (≥); the tables in signals.md are step functions. */
export function tiersReached(value: number, thresholds: readonly number[]): number {
  return thresholds.filter((t) => value >= t).length;
}
