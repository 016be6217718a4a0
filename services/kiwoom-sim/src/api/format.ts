/**
 * Our numbers → Kiwoom's strings (kiwoom-rest.md §3.4–3.6). Every value on the wire is a string;
 * `""` means "no value" (never zero); a signed price carries its direction relative to the
 * reference price (기준가), and an unchanged price has no sign.
 */

export const BLANK = '';

const KST_OFFSET_MS = 9 * 3_600_000;

/** A price signed against the reference: `"+72400"`, `"-49700"`, `"95400"`; `""` for null. */
export function signedPrice(value: number | null, reference: number, decimals = 0): string {
  if (value === null) return BLANK;
  const text = Math.abs(value).toFixed(decimals);
  if (value > reference) return `+${text}`;
  if (value < reference) return `-${text}`;
  return text;
}

/** A signed difference: `"+1400"`, `"-600"`, `"0"` (or `"+409.52"` with decimals). */
export function signedDelta(delta: number, decimals = 0): string {
  const text = Math.abs(delta).toFixed(decimals);
  if (Number(text) === 0) return text;
  return delta > 0 ? `+${text}` : `-${text}`;
}

/** A percentage with two decimals: `"+1.97"`, `"-0.09"`, `"0.00"`. */
export function signedPercent(percent: number): string {
  return signedDelta(percent, 2);
}

/** `(value − reference) / reference × 100`, or 0 without a reference. */
export function percentChange(value: number, reference: number): number {
  return reference === 0 ? 0 : ((value - reference) / reference) * 100;
}

/** An unsigned integer, or `""` for null. */
export function plain(value: number | null): string {
  return value === null ? BLANK : String(Math.round(value));
}

/** An unsigned decimal with a fixed number of places: `"132.45"`. */
export function decimal(value: number, places: number): string {
  return value.toFixed(places);
}

/** A non-negative integer padded with zeros to `width` digits: `"00075800"`. */
export function zeroPadded(value: number, width: number): string {
  return String(Math.max(0, Math.round(value))).padStart(width, '0');
}

/**
 * The sign code of `pre_sig`/`pred_pre_sig`: 1 at the upper limit, 2 up, 3 unchanged, 4 at the
 * lower limit, 5 down. Instruments without limits (indices) pass no limits.
 */
export function signCode(value: number, reference: number, upperLimit?: number, lowerLimit?: number): string {
  if (upperLimit !== undefined && value >= upperLimit && value > reference) return '1';
  if (lowerLimit !== undefined && value <= lowerLimit && value < reference) return '4';
  if (value > reference) return '2';
  if (value < reference) return '5';
  return '3';
}

/** KRW → 백만원 (millions), the unit of `trde_prica` and `amt_mn`. */
export function toMillionWon(krw: number): number {
  return Math.round(krw / 1_000_000);
}

/** KRW → 억원 (100 millions), the unit of `mac`, `cap` and the income fields. */
export function toEok(krw: number): number {
  return Math.round(krw / 100_000_000);
}

/** Shares → thousands of shares, the unit of `flo_stk`, `stkcnt` and `dstr_stk`. */
export function toThousands(shares: number): number {
  return Math.round(shares / 1_000);
}

/** `YYYYMMDD` of an instant in KST (UTC+9, no daylight saving). */
export function kstDate(at: Date): string {
  return kstCompact(at).slice(0, 8);
}

/** `HHMMSS` of an instant in KST. */
export function kstTime(at: Date): string {
  return kstCompact(at).slice(8);
}

/** `YYYYMMDDHHMMSS` of an instant in KST, the format of `expires_dt`. */
export function kstCompact(at: Date): string {
  const iso = new Date(at.getTime() + KST_OFFSET_MS).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** An instant as ISO-8601 with the KST offset: `2025-09-10T10:30:00.000+09:00`. */
export function kstIso(at: Date): string {
  return `${new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;
}

/** True for a real calendar date written `YYYYMMDD`. */
export function isYyyymmdd(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const date = new Date(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10).replace(/-/g, '') === text;
}
