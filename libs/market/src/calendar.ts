import {
  CSAT_DAYS,
  FIXED_DATE_CLOSURES,
  HOLIDAY_TABLE_FIRST_YEAR,
  HOLIDAY_TABLE_LAST_YEAR,
  KRX_HOLIDAYS,
  type Holiday,
} from './holidays.js';
import { MarketError, MarketErrorCode } from './errors.js';
import { dateFromDayNumber, dayNumber } from './kst.js';

/** Session boundaries of one trading day, in minutes after KST midnight (kiwoom-rest.md §7.1). */
export interface SessionSchedule {
  /** Opening call auction starts; orders accumulate, one price at `open`. */
  readonly preOpenAuctionStart: number;
  /** Continuous trading starts. */
  readonly open: number;
  /** Closing call auction starts; one price at `close`. */
  readonly closingAuctionStart: number;
  /** The close (종가) is fixed. */
  readonly close: number;
  /** After-hours single-price trading ends; the day is over. */
  readonly afterHoursEnd: number;
}

const hm = (hour: number, minute: number): number => hour * 60 + minute;

/** 08:30 auction, 09:00–15:20 continuous, 15:20–15:30 closing auction, after hours to 18:00. */
export const REGULAR_SCHEDULE: SessionSchedule = Object.freeze({
  preOpenAuctionStart: hm(8, 30),
  open: hm(9, 0),
  closingAuctionStart: hm(15, 20),
  close: hm(15, 30),
  afterHoursEnd: hm(18, 0),
});

/**
 * The first trading day of the year opens at 10:00 and closes at 15:30 (§7.2). The opening
 * auction moving one hour with it (09:30–10:00) is our choice; the sources give only the open.
 */
export const LATE_OPEN_SCHEDULE: SessionSchedule = Object.freeze({ ...REGULAR_SCHEDULE, preOpenAuctionStart: hm(9, 30), open: hm(10, 0) });

/** 수능 day: everything up to the close moves one hour later; after hours still ends at 18:00 (§7.2). */
export const CSAT_SCHEDULE: SessionSchedule = Object.freeze({
  preOpenAuctionStart: hm(9, 30),
  open: hm(10, 0),
  closingAuctionStart: hm(16, 20),
  close: hm(16, 30),
  afterHoursEnd: hm(18, 0),
});

export type SpecialDayKind = 'first_trading_day' | 'csat' | 'custom';

/** A trading day with a session other than the regular one. */
export interface SpecialDay {
  readonly date: string;
  readonly name: string;
  readonly kind: SpecialDayKind;
  readonly schedule: SessionSchedule;
}

/** Trading days and session overrides; dates are KST calendar dates, YYYYMMDD. */
export interface TradingCalendar {
  isTradingDay(date: string): boolean;
  /** The weekday closure on `date`, if any (weekends are not listed). */
  holiday(date: string): Holiday | undefined;
  /** The latest trading day strictly before `date`. */
  previousTradingDay(date: string): string;
  /** The earliest trading day strictly after `date`. */
  nextTradingDay(date: string): string;
  /** Trading days from `from` to `to`, both inclusive, oldest first; empty when `from > to`. */
  tradingDaysBetween(from: string, to: string): string[];
  /** The session override of a trading day (late opening, 수능), if any. */
  specialDay(date: string): SpecialDay | undefined;
  /** The session boundaries of `date`; undefined on a non-trading day. */
  schedule(date: string): SessionSchedule | undefined;
}

/** A search for a trading day gives up after this many calendar days (a table closing a decade). */
const MAX_SEARCH_DAYS = 3_660;

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** Fixed-date closures plus the year-end closure on the year's last weekday, for untabled years. */
function fallbackHolidays(year: number): Holiday[] {
  const out: Holiday[] = [];
  const y = String(year).padStart(4, '0');
  for (const [mmdd, name] of FIXED_DATE_CLOSURES) {
    const date = `${y}${mmdd}`;
    if (!isWeekend(dayNumber(date))) out.push({ date, name, kind: 'public' });
  }
  let last = dayNumber(`${y}1231`);
  while (isWeekend(last)) last -= 1;
  out.push({ date: dateFromDayNumber(last), name: '연말 휴장일', kind: 'krx' });
  return out;
}

function isWeekend(day: number): boolean {
  // Day 0 (1970-01-01) was a Thursday: weekday = (day + 4) mod 7.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

function toHoliday(entry: string | Holiday): Holiday {
  if (typeof entry !== 'string') return entry;
  return { date: entry, name: '임시휴장', kind: 'temporary' };
}

/**
 * A calendar from the built-in table, with closures added or removed at run time (ad-hoc closures,
 * election days announced during the year) and extra session overrides.
 * @example createCalendar(['20271118'], [], [{ date: '20271118', name: '수능', kind: 'csat', schedule: CSAT_SCHEDULE }])
 */
export function createCalendar(
  extraHolidays: Iterable<string | Holiday> = [],
  removed: Iterable<string> = [],
  specialDays: Iterable<SpecialDay> = [],
): TradingCalendar {
  const extra = new Map<string, Holiday>();
  for (const entry of extraHolidays) {
    const h = toHoliday(entry);
    dayNumber(h.date);
    extra.set(h.date, h);
  }
  const removedSet = new Set<string>();
  for (const date of removed) {
    dayNumber(date);
    removedSet.add(date);
  }
  const overrides = new Map<string, SpecialDay>();
  for (const csat of CSAT_DAYS) overrides.set(csat, { date: csat, name: '수능', kind: 'csat', schedule: CSAT_SCHEDULE });
  for (const day of specialDays) overrides.set(day.date, day);

  // Per-year holiday maps, built on first use; a calendar spans a handful of years.
  const byYear = new Map<number, Map<string, Holiday>>();
  const firstTradingDays = new Map<number, string>();

  function holidaysOf(year: number): Map<string, Holiday> {
    let map = byYear.get(year);
    if (map !== undefined) return map;
    const base =
      year >= HOLIDAY_TABLE_FIRST_YEAR && year <= HOLIDAY_TABLE_LAST_YEAR
        ? KRX_HOLIDAYS.filter((h) => yearOf(h.date) === year)
        : fallbackHolidays(year);
    map = new Map();
    for (const h of base) if (!removedSet.has(h.date)) map.set(h.date, h);
    for (const h of extra.values()) if (yearOf(h.date) === year) map.set(h.date, h);
    byYear.set(year, map);
    return map;
  }

  function holiday(date: string): Holiday | undefined {
    const day = dayNumber(date);
    if (isWeekend(day)) return undefined;
    return holidaysOf(yearOf(date)).get(date);
  }

  function isTradingDay(date: string): boolean {
    const day = dayNumber(date);
    return !isWeekend(day) && !holidaysOf(yearOf(date)).has(date);
  }

  function step(date: string, direction: 1 | -1): string {
    let day = dayNumber(date);
    for (let i = 0; i < MAX_SEARCH_DAYS; i += 1) {
      day += direction;
      const candidate = dateFromDayNumber(day);
      if (isTradingDay(candidate)) return candidate;
    }
    throw new MarketError(MarketErrorCode.InvalidDate, `no trading day within ${MAX_SEARCH_DAYS} days of ${date}`);
  }

  function firstTradingDayOf(year: number): string {
    let first = firstTradingDays.get(year);
    if (first === undefined) {
      const jan1 = `${String(year).padStart(4, '0')}0101`;
      first = isTradingDay(jan1) ? jan1 : step(jan1, 1);
      firstTradingDays.set(year, first);
    }
    return first;
  }

  function specialDay(date: string): SpecialDay | undefined {
    if (!isTradingDay(date)) return undefined;
    const override = overrides.get(date);
    if (override !== undefined) return override;
    if (firstTradingDayOf(yearOf(date)) === date) {
      return { date, name: '연초 개장일', kind: 'first_trading_day', schedule: LATE_OPEN_SCHEDULE };
    }
    return undefined;
  }

  return {
    isTradingDay,
    holiday,
    previousTradingDay: (date) => step(date, -1),
    nextTradingDay: (date) => step(date, 1),
    tradingDaysBetween(from, to) {
      const out: string[] = [];
      const end = dayNumber(to);
      for (let day = dayNumber(from); day <= end; day += 1) {
        const date = dateFromDayNumber(day);
        if (isTradingDay(date)) out.push(date);
      }
      return out;
    },
    specialDay,
    schedule(date) {
      if (!isTradingDay(date)) return undefined;
      return specialDay(date)?.schedule ?? REGULAR_SCHEDULE;
    },
  };
}

/** The built-in table with no run-time changes. */
export const defaultCalendar: TradingCalendar = createCalendar();

/** True when KRX trades on `date` (YYYYMMDD) by the default calendar. */
export function isTradingDay(date: string): boolean {
  return defaultCalendar.isTradingDay(date);
}

/** The latest trading day strictly before `date`, by the default calendar. */
export function previousTradingDay(date: string): string {
  return defaultCalendar.previousTradingDay(date);
}

/** The earliest trading day strictly after `date`, by the default calendar. */
export function nextTradingDay(date: string): string {
  return defaultCalendar.nextTradingDay(date);
}

/** Trading days in `[from, to]`, oldest first, by the default calendar. */
export function tradingDaysBetween(from: string, to: string): string[] {
  return defaultCalendar.tradingDaysBetween(from, to);
}
