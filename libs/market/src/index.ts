export { MarketError, MarketErrorCode } from './errors.js';
export { isOnTick, roundToTick, tickDown, tickSize, tickUp } from './tick-size.js';
export type { InstrumentKind, RoundingMode } from './tick-size.js';
export { priceLimits } from './price-limits.js';
export type { PriceLimits } from './price-limits.js';
export {
  CSAT_SCHEDULE,
  LATE_OPEN_SCHEDULE,
  REGULAR_SCHEDULE,
  createCalendar,
  defaultCalendar,
  isTradingDay,
  nextTradingDay,
  previousTradingDay,
  tradingDaysBetween,
} from './calendar.js';
export type { SessionSchedule, SpecialDay, SpecialDayKind, TradingCalendar } from './calendar.js';
export { CSAT_DAYS, HOLIDAY_TABLE_FIRST_YEAR, HOLIDAY_TABLE_LAST_YEAR, KRX_HOLIDAYS } from './holidays.js';
export type { Holiday, HolidayKind } from './holidays.js';
export { addDays, isValidDate, kstDate, kstInstant, kstIso, kstParts, weekdayOf } from './kst.js';
export type { KstParts } from './kst.js';
export { lastCompletedTradingDay, phaseAt, sessionPhase, sessionTimes } from './sessions.js';
export type { SessionPhase, SessionTimes } from './sessions.js';
export { isValidTicker, normalizeTicker, DEFAULT_WATCH_TICKERS } from './tickers.js';
