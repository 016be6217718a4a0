/**
 * The one parser for Kiwoom's numeric strings (kiwoom-rest.md §3.4–3.6). Every value in a
 * response body is a string; a leading sign on a price means "above/below the reference price"
 * (기준가), not a negative price. Quirks handled: surrounding spaces, comma grouping
 * (`"20,190"`), zero padding (`"-00013000"`), doubled signs (`"--266783"`), `""` for "no value",
 * and the 32-bit saturated values Kiwoom sends when a field overflowed.
 */

/** Values Kiwoom sends when a counter saturated (§3.5, seen in ka10020/ka10036): "no value". */
export const SATURATED_VALUES: readonly number[] = [4_294_967_295, 2_147_483_647];

export type NumberReading =
  | { readonly kind: 'value'; readonly value: number }
  /** `""`, whitespace, a missing field or `null`: no value, which is not zero. */
  | { readonly kind: 'empty' }
  /** A saturated sentinel: Kiwoom had no real value. `value` is the sentinel, for reporting. */
  | { readonly kind: 'saturated'; readonly value: number }
  /** Not a number at all; the raw text is kept for the error report. */
  | { readonly kind: 'invalid'; readonly raw: string };

const DIGITS = /^\d+(?:\.\d+)?$/;

/**
 * Reads one Kiwoom number without losing why it may be missing: trim → drop commas → collapse a
 * leading run of signs to one (negative if the run holds a `-`) → digits with an optional
 * fraction. Numbers are accepted too (`return_code` is sent as a number).
 */
export function readKiwoomNumber(raw: unknown): NumberReading {
  if (raw === undefined || raw === null) return { kind: 'empty' };
  if (typeof raw === 'number') return classifyValue(raw, String(raw));
  if (typeof raw !== 'string') return { kind: 'invalid', raw: `[${typeof raw}]` };
  const text = raw.trim().replaceAll(',', '');
  if (text === '') return { kind: 'empty' };
  const signRun = /^[+-]*/.exec(text)?.[0] ?? '';
  const digits = text.slice(signRun.length);
  if (!DIGITS.test(digits)) return { kind: 'invalid', raw };
  const magnitude = Number(digits);
  return classifyValue(signRun.includes('-') ? -magnitude : magnitude, raw);
}

function classifyValue(value: number, raw: string): NumberReading {
  if (!Number.isFinite(value)) return { kind: 'invalid', raw };
  if (SATURATED_VALUES.includes(Math.abs(value))) return { kind: 'saturated', value };
  // "-0" and "-0.00" (an unchanged price written with a sign) read as plain 0.
  return { kind: 'value', value: value === 0 ? 0 : value };
}

/** A signed number (changes, rates, net buying); `null` for empty, saturated or invalid text. */
export function parseSignedNumber(raw: unknown): number | null {
  const reading = readKiwoomNumber(raw);
  return reading.kind === 'value' ? reading.value : null;
}

/** A price: the absolute value, because the sign only says "compared with the reference price". */
export function parsePrice(raw: unknown): number | null {
  const value = parseSignedNumber(raw);
  return value === null ? null : Math.abs(value);
}

/** A price where 0 also means "no value" (best bid/ask with an empty book, §6.2). */
export function parseOptionalPrice(raw: unknown): number | null {
  const price = parsePrice(raw);
  return price === 0 ? null : price;
}

/** The sign codes of `pre_sig` / `pred_pre_sig` (§3.4). */
export type PriceSign = 'upper_limit' | 'up' | 'unchanged' | 'lower_limit' | 'down';

const SIGN_CODES: Readonly<Record<string, PriceSign>> = {
  '1': 'upper_limit',
  '2': 'up',
  '3': 'unchanged',
  '4': 'lower_limit',
  '5': 'down',
};

/** `"1"`…`"5"` → the direction vs the reference price; anything else → `null`. */
export function parseSignCode(raw: unknown): PriceSign | null {
  if (typeof raw !== 'string') return null;
  return SIGN_CODES[raw.trim()] ?? null;
}

/**
 * A change vs the reference price, signed. Kiwoom writes the sign on the value (`"-250"`); if a
 * value arrives unsigned while the sign code says down (4 or 5), the sign code wins.
 */
export function parseChange(raw: unknown, signCode?: unknown): number | null {
  const value = parseSignedNumber(raw);
  if (value === null) return null;
  const sign = parseSignCode(signCode);
  const isDown = sign === 'down' || sign === 'lower_limit';
  return isDown && value > 0 ? -value : value;
}

/** A percentage such as `flu_rt` (`"+1.97"`), signed and rounded to two decimals. */
export function parseRate(raw: unknown): number | null {
  const value = parseSignedNumber(raw);
  return value === null ? null : roundTo(value, 2);
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // A value this large has no decimals to round, and scaling it would overflow to Infinity.
  if (!Number.isFinite(value * factor)) return value;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

// Units (§3.6). Each helper passes `null` through, so a missing field stays missing.

/** `value × factor`, rounded; null when a garbled field (400 digits) would scale past Number.MAX_VALUE. */
function scale(value: number | null, factor: number): number | null {
  if (value === null) return null;
  const scaled = Math.round(value * factor);
  return Number.isFinite(scaled) ? scaled : null;
}

/** 백만원 (millions of KRW; `trde_prica`, `amt_mn`) → KRW. */
export function millionKrwToKrw(value: number | null): number | null {
  return scale(value, 1_000_000);
}

/** 억원 (100 millions of KRW; `mac`, `cap`) → KRW. */
export function hundredMillionKrwToKrw(value: number | null): number | null {
  return scale(value, 100_000_000);
}

/** 천주 (thousands of shares; `flo_stk`, `stkcnt`, ka20001 `trde_qty`) → shares. */
export function thousandSharesToShares(value: number | null): number | null {
  return scale(value, 1_000);
}
