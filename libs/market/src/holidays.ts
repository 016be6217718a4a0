/**
 * KRX closures and session overrides, 2023–2027 (kiwoom-rest.md §7.2–7.3), as published by KRX
 * (휴장일, open.krx.co.kr MKD01100305) and the government's yearly list of public and substitute
 * holidays. Substitute holidays are listed, never computed. Years outside the table fall back to
 * the fixed-date closures only (see `fallbackHolidays` in calendar.ts); ad-hoc closures announced
 * during a year go in through `createCalendar(extraHolidays)`.
 */

export type HolidayKind = 'public' | 'substitute' | 'krx' | 'election' | 'temporary';

/** A weekday on which KRX does not trade. */
export interface Holiday {
  readonly date: string;
  readonly name: string;
  readonly kind: HolidayKind;
}

export const HOLIDAY_TABLE_FIRST_YEAR = 2023;
export const HOLIDAY_TABLE_LAST_YEAR = 2027;

const p = (date: string, name: string): Holiday => ({ date, name, kind: 'public' });
const s = (date: string, name: string): Holiday => ({ date, name: `대체공휴일(${name})`, kind: 'substitute' });
const k = (date: string, name: string): Holiday => ({ date, name, kind: 'krx' });
const e = (date: string, name: string): Holiday => ({ date, name, kind: 'election' });
const t = (date: string, name: string): Holiday => ({ date, name, kind: 'temporary' });

/** Weekday closures only: holidays on a Saturday or Sunday are left out (the market is shut anyway). */
export const KRX_HOLIDAYS: readonly Holiday[] = [
  // 2023
  p('20230123', '설날'),
  s('20230124', '설날'),
  p('20230301', '삼일절'),
  k('20230501', '근로자의 날'),
  p('20230505', '어린이날'),
  s('20230529', '부처님오신날'),
  p('20230606', '현충일'),
  p('20230815', '광복절'),
  p('20230928', '추석'),
  p('20230929', '추석'),
  t('20231002', '임시공휴일'),
  p('20231003', '개천절'),
  p('20231009', '한글날'),
  p('20231225', '성탄절'),
  // Dec 31 was a Sunday: the year-end closure moved to the last weekday.
  k('20231229', '연말 휴장일'),
  // 2024
  p('20240101', '신정'),
  p('20240209', '설날'),
  s('20240212', '설날'),
  p('20240301', '삼일절'),
  e('20240410', '제22대 국회의원 선거'),
  k('20240501', '근로자의 날'),
  s('20240506', '어린이날'),
  p('20240515', '부처님오신날'),
  p('20240606', '현충일'),
  p('20240815', '광복절'),
  p('20240916', '추석'),
  p('20240917', '추석'),
  p('20240918', '추석'),
  t('20241001', '국군의 날 임시공휴일'),
  p('20241003', '개천절'),
  p('20241009', '한글날'),
  p('20241225', '성탄절'),
  k('20241231', '연말 휴장일'),
  // 2025
  p('20250101', '신정'),
  t('20250127', '임시공휴일'),
  p('20250128', '설날'),
  p('20250129', '설날'),
  p('20250130', '설날'),
  s('20250303', '삼일절'),
  k('20250501', '근로자의 날'),
  p('20250505', '어린이날·부처님오신날'),
  s('20250506', '어린이날·부처님오신날'),
  e('20250603', '제21대 대통령 선거'),
  p('20250606', '현충일'),
  p('20250815', '광복절'),
  p('20251003', '개천절'),
  p('20251006', '추석'),
  p('20251007', '추석'),
  s('20251008', '추석'),
  p('20251009', '한글날'),
  p('20251225', '성탄절'),
  k('20251231', '연말 휴장일'),
  // 2026
  p('20260101', '신정'),
  p('20260216', '설날'),
  p('20260217', '설날'),
  p('20260218', '설날'),
  s('20260302', '삼일절'),
  k('20260501', '근로자의 날'),
  p('20260505', '어린이날'),
  s('20260525', '부처님오신날'),
  e('20260603', '제9회 전국동시지방선거'),
  s('20260817', '광복절'),
  p('20260924', '추석'),
  p('20260925', '추석'),
  // 추석 2026 overlaps a Saturday, which does not earn a substitute day (only a Sunday does).
  s('20261005', '개천절'),
  p('20261009', '한글날'),
  p('20261225', '성탄절'),
  k('20261231', '연말 휴장일'),
  // 2027
  p('20270101', '신정'),
  p('20270208', '설날'),
  s('20270209', '설날'),
  p('20270301', '삼일절'),
  p('20270505', '어린이날'),
  p('20270513', '부처님오신날'),
  s('20270816', '광복절'),
  p('20270914', '추석'),
  p('20270915', '추석'),
  p('20270916', '추석'),
  s('20271004', '개천절'),
  s('20271011', '한글날'),
  s('20271227', '성탄절'),
  k('20271231', '연말 휴장일'),
];

/**
 * College entrance exam days (수능): KRX opens at 10:00 and closes at 16:30 (§7.2). The 2028
 * exam (November 2027) was not announced when this table was written: add it as a special day.
 */
export const CSAT_DAYS: readonly string[] = ['20231116', '20241114', '20251113', '20261119'];

/** Fixed-date closures used for years outside the table (no lunar or substitute holidays). */
export const FIXED_DATE_CLOSURES: readonly (readonly [string, string])[] = [
  ['0101', '신정'],
  ['0301', '삼일절'],
  ['0501', '근로자의 날'],
  ['0505', '어린이날'],
  ['0606', '현충일'],
  ['0815', '광복절'],
  ['1003', '개천절'],
  ['1009', '한글날'],
  ['1225', '성탄절'],
];
