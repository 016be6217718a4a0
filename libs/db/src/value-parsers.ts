// How both drivers turn Postgres text values into JS values. Without this, `pg` returns
// numeric/bigint as strings and date/timestamptz as Date objects, and PGlite returns numeric as a
// string and date/timestamptz as Date objects; the repositories promise numbers and strings.

/** Type OIDs we parse ourselves (`pg_type.oid`, the same in every PostgreSQL). */
export const PgTypeOid = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  TIMESTAMPTZ: 1184,
  INT8_ARRAY: 1016,
  NUMERIC_ARRAY: 1231,
  DATE_ARRAY: 1182,
  TIMESTAMPTZ_ARRAY: 1185,
} as const;

export type ValueParser = (text: string) => string | number;

/**
 * `bigint` and `numeric` as JS numbers. Exact for every integer up to 2^53 (≈ 9e15; KRW trading
 * values stay below 1e14) and for prices with up to 15 significant digits.
 */
export function parseNumeric(text: string): number {
  return Number(text);
}

/** `date` stays the server's text, `YYYY-MM-DD` under `DateStyle=ISO` (both drivers' default, and pinned for `pg`). */
export function parseDate(text: string): string {
  return text;
}

// DateStyle ISO output of timestamptz: `2026-01-28 10:48:55.123456+09`, offset `±HH[:MM[:SS]]`.
const TIMESTAMPTZ_TEXT = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/**
 * `timestamptz` as ISO-8601 in UTC with millisecond precision (`2026-01-28T01:48:55.123Z`), the
 * same whatever the session's TimeZone. Microseconds are truncated. `infinity`, `-infinity` and
 * BC dates do not match and are returned unchanged.
 */
export function parseTimestamptz(text: string): string {
  const m = TIMESTAMPTZ_TEXT.exec(text);
  if (m === null) return text;
  const [, year, month, day, hour, minute, second, fraction = '', sign, offH, offM = '0', offS = '0'] = m;
  const wallClockMs = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}Z`);
  const offsetMs = (Number(offH) * 3600 + Number(offM) * 60 + Number(offS)) * 1000 * (sign === '-' ? -1 : 1);
  const date = new Date(wallClockMs - offsetMs);
  return date.toISOString();
}

/** The scalar parsers, keyed by type OID, in the shape PGlite's `parsers` option takes. */
export const scalarParsers: Readonly<Record<number, ValueParser>> = Object.freeze({
  [PgTypeOid.INT8]: parseNumeric,
  [PgTypeOid.NUMERIC]: parseNumeric,
  [PgTypeOid.DATE]: parseDate,
  [PgTypeOid.TIMESTAMPTZ]: parseTimestamptz,
});

/** Array OID → element OID, for drivers that need array parsers spelled out. */
export const arrayElementOid: Readonly<Record<number, number>> = Object.freeze({
  [PgTypeOid.INT8_ARRAY]: PgTypeOid.INT8,
  [PgTypeOid.NUMERIC_ARRAY]: PgTypeOid.NUMERIC,
  [PgTypeOid.DATE_ARRAY]: PgTypeOid.DATE,
  [PgTypeOid.TIMESTAMPTZ_ARRAY]: PgTypeOid.TIMESTAMPTZ,
});
