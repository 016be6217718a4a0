import { isValidTicker, normalizeTicker } from '@repo/market';

/** Ticker rules at the Kiwoom boundary (kiwoom-rest.md §7.7) come from `libs/market`. */
export { isValidTicker, normalizeTicker };

/**
 * A per-exchange request code: a valid ticker, optionally with `_NX` (NXT) or `_AL` (SOR). Exact
 * form only: request codes are ours, so no trimming or case folding here.
 */
export function isValidRequestCode(value: string): boolean {
  const match = /^(.{6})(?:_NX|_AL)?$/.exec(value);
  return match?.[1] !== undefined && isValidTicker(match[1]);
}
