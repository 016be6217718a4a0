/**
 * Kiwoom dates and times are KST (UTC+9, no daylight saving, §3.4). These helpers never use the
 * machine's local time zone: every conversion goes through explicit UTC arithmetic.
 */

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function readDate(text: string): DateParts | undefined {
  if (!/^\d{8}$/.test(text)) return undefined;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Rejects 20250230 and 00000000 (ka10095 ELW fields send "00000000" for "no date").
  const isReal = probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  return isReal && year >= 1900 ? { year, month, day } : undefined;
}

function readTime(text: string): readonly [number, number, number] | undefined {
  if (!/^\d{6}$/.test(text)) return undefined;
  const h = Number(text.slice(0, 2));
  const m = Number(text.slice(2, 4));
  const s = Number(text.slice(4, 6));
  return h < 24 && m < 60 && s < 60 ? [h, m, s] : undefined;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `"20250910"` → `"2025-09-10"`; `null` for `""` or an impossible date. */
export function parseKstDate(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const date = readDate(raw.trim());
  return date === undefined ? null : `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** `"153220"` → `"15:32:20"`; `null` for anything that is not a time of day. */
export function parseKstTime(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const time = readTime(raw.trim());
  return time === undefined ? null : time.map(pad2).join(':');
}

/** `("20250910", "151957")` → `"2025-09-10T15:19:57+09:00"`, ISO-8601 with an explicit offset. */
export function kstDateTimeToIso(rawDate: unknown, rawTime: unknown): string | null {
  const date = parseKstDate(rawDate);
  const time = parseKstTime(rawTime);
  return date === null || time === null ? null : `${date}T${time}+09:00`;
}

/** `"20241107083713"` (KST) → epoch milliseconds, whatever the machine's time zone. */
export function parseKstTimestamp(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{14}$/.test(raw.trim())) return null;
  const text = raw.trim();
  const date = readDate(text.slice(0, 8));
  const time = readTime(text.slice(8, 14));
  if (date === undefined || time === undefined) return null;
  return Date.UTC(date.year, date.month - 1, date.day, time[0], time[1], time[2]) - KST_OFFSET_MS;
}

/** The KST calendar date of an instant as Kiwoom writes it: `"YYYYMMDD"`. */
export function kstCompactDate(epochMs: number): string {
  const kst = new Date(epochMs + KST_OFFSET_MS);
  return `${kst.getUTCFullYear()}${pad2(kst.getUTCMonth() + 1)}${pad2(kst.getUTCDate())}`;
}

/** Accepts `"YYYYMMDD"` or `"YYYY-MM-DD"` and returns Kiwoom's `"YYYYMMDD"`, or `null` if invalid. */
export function toCompactDate(input: string): string | null {
  const compact = /^\d{4}-\d{2}-\d{2}$/.test(input) ? input.replaceAll('-', '') : input;
  return readDate(compact) === undefined ? null : compact;
}
