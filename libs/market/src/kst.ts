import { MarketError, MarketErrorCode } from './errors.js';

/** Korea has no daylight saving time, so KST is always UTC+9. */
const KST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;

/** An instant broken down in KST. */
export interface KstParts {
  /** Calendar date, YYYYMMDD. */
  readonly date: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Whole seconds since KST midnight, 0–86,399. */
  readonly secondOfDay: number;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Days since 1970-01-01 of a YYYYMMDD date; throws MARKET_INVALID_DATE for anything else. */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null) throw new MarketError(MarketErrorCode.InvalidDate, `not a YYYYMMDD date: ${JSON.stringify(date)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new MarketError(MarketErrorCode.InvalidDate, `no such calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

/** The YYYYMMDD date of a day number (days since 1970-01-01). */
export function dateFromDayNumber(days: number): string {
  const d = new Date(days * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
}

/** True for a real calendar date written as YYYYMMDD. */
export function isValidDate(date: string): boolean {
  try {
    dayNumber(date);
    return true;
  } catch {
    // dayNumber only throws MarketError for a malformed date, which is the answer here.
    return false;
  }
}

/** `date` shifted by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return dateFromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

function assertInstant(instant: Date): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new MarketError(MarketErrorCode.InvalidInstant, 'invalid Date');
  return ms;
}

/** The instant broken down in KST. */
export function kstParts(instant: Date): KstParts {
  const shifted = new Date(assertInstant(instant) + KST_OFFSET_MS);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  const hour = shifted.getUTCHours();
  const minute = shifted.getUTCMinutes();
  const second = shifted.getUTCSeconds();
  return {
    date: `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`,
    year,
    month,
    day,
    weekday: shifted.getUTCDay(),
    hour,
    minute,
    second,
    secondOfDay: hour * 3600 + minute * 60 + second,
  };
}

/** The KST calendar date (YYYYMMDD) of an instant. */
export function kstDate(instant: Date): string {
  return kstParts(instant).date;
}

/** The instant at `secondOfDay` seconds after KST midnight of `date` (fractions allowed). */
export function kstInstant(date: string, secondOfDay = 0): Date {
  return new Date(dayNumber(date) * DAY_MS - KST_OFFSET_MS + secondOfDay * 1000);
}

/** ISO-8601 with an explicit +09:00 offset, e.g. `2026-11-25T10:00:00+09:00` (whole seconds). */
export function kstIso(instant: Date): string {
  const p = kstParts(instant);
  return (
    `${p.date.slice(0, 4)}-${p.date.slice(4, 6)}-${p.date.slice(6, 8)}` + `T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}+09:00`
  );
}
