import { defaultCalendar, type SessionSchedule, type SpecialDay, type TradingCalendar } from './calendar.js';
import { kstInstant, kstParts } from './kst.js';

/** KRX session phases in KST (kiwoom-rest.md §7.1); the simulator's `SessionPhase` is this type. */
export type SessionPhase =
  | 'closed' // weekend, holiday, night
  | 'pre_open_auction' // 08:30–09:00 call auction (expected price shown)
  | 'continuous' // 09:00–15:20
  | 'closing_auction' // 15:20–15:30 (expected price shown)
  | 'after_hours'; // 15:30–18:00 (close fixed, no continuous trading)

/** The session boundaries of one trading day as instants. */
export interface SessionTimes {
  readonly date: string;
  /** Set on a late-opening day (first trading day of the year, 수능). */
  readonly special: SpecialDay | undefined;
  readonly preOpenAuctionStart: Date;
  readonly open: Date;
  readonly closingAuctionStart: Date;
  readonly close: Date;
  readonly afterHoursEnd: Date;
}

/** The phase at `secondOfDay` seconds after KST midnight of a trading day with `schedule`. */
export function phaseAt(schedule: SessionSchedule, secondOfDay: number): SessionPhase {
  const minute = secondOfDay / 60;
  if (minute < schedule.preOpenAuctionStart) return 'closed';
  if (minute < schedule.open) return 'pre_open_auction';
  if (minute < schedule.closingAuctionStart) return 'continuous';
  if (minute < schedule.close) return 'closing_auction';
  if (minute < schedule.afterHoursEnd) return 'after_hours';
  return 'closed';
}

/** The KRX session phase at an instant, honouring holidays and special days. */
export function sessionPhase(instant: Date, calendar: TradingCalendar = defaultCalendar): SessionPhase {
  const parts = kstParts(instant);
  const schedule = calendar.schedule(parts.date);
  return schedule === undefined ? 'closed' : phaseAt(schedule, parts.secondOfDay);
}

/** The session boundaries of `date` (YYYYMMDD) in KST; undefined on a non-trading day. */
export function sessionTimes(date: string, calendar: TradingCalendar = defaultCalendar): SessionTimes | undefined {
  const schedule = calendar.schedule(date);
  if (schedule === undefined) return undefined;
  const at = (minute: number): Date => kstInstant(date, minute * 60);
  return {
    date,
    special: calendar.specialDay(date),
    preOpenAuctionStart: at(schedule.preOpenAuctionStart),
    open: at(schedule.open),
    closingAuctionStart: at(schedule.closingAuctionStart),
    close: at(schedule.close),
    afterHoursEnd: at(schedule.afterHoursEnd),
  };
}

/** The latest trading day whose close (15:30, or the special day's close) is at or before `instant`. */
export function lastCompletedTradingDay(instant: Date, calendar: TradingCalendar = defaultCalendar): string {
  const parts = kstParts(instant);
  const schedule = calendar.schedule(parts.date);
  if (schedule !== undefined && parts.secondOfDay >= schedule.close * 60) return parts.date;
  return calendar.previousTradingDay(parts.date);
}
