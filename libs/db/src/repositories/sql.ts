// Helpers the repositories share. Values always travel as parameters; only fixed column lists
// and placeholder numbers are spliced into SQL text.
import type { Db } from '../db.js';

/** Rows per multi-row INSERT: 500 rows × 16 columns = 8,000 parameters, far below PostgreSQL's limit of 65,535. */
export const MAX_ROWS_PER_INSERT = 500;

/**
 * `($1, $2), ($3, $4)` for `rowCount` rows. Each column is a template in which `?` stands for
 * the parameter, e.g. `coalesce(?::timestamptz, now())`.
 */
export function valuesList(rowCount: number, columns: readonly string[]): string {
  const rows: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) {
    rows.push(`(${columns.map((template) => template.replace('?', `$${++n}`)).join(', ')})`);
  }
  return rows.join(',\n');
}

/**
 * Keeps the last row for each key: one INSERT … ON CONFLICT DO UPDATE cannot touch a row twice,
 * and for an upsert the later input is the newer value.
 */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

/**
 * Calls `write` for each chunk of at most MAX_ROWS_PER_INSERT rows. With more than one chunk they
 * run in one transaction (a savepoint when `db` is already one), so a failed chunk leaves nothing
 * half-written.
 */
export async function writeInChunks<T>(db: Db, rows: readonly T[], write: (q: Db, chunk: readonly T[]) => Promise<void>): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length <= MAX_ROWS_PER_INSERT) {
    await write(db, rows);
    return;
  }
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
      await write(tx, rows.slice(i, i + MAX_ROWS_PER_INSERT));
    }
  });
}

/** JSON text for a `jsonb` parameter. `pg` would send a JS array as a Postgres array, so JSON is always stringified here. */
export function jsonParam(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  return text;
}

/** A row count for LIMIT: a positive integer. */
export function assertRowCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
}

// ISO-8601 date-time with an explicit offset: `Z`, `+09:00`, `+0900` or `+09`.
const TIMESTAMP_WITH_OFFSET = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$/i;

/**
 * Rejects a timestamp without an offset. PostgreSQL would read `2026-01-28T15:35:00` in the
 * session time zone (UTC), so a KST wall-clock time would be stored 9 hours off, the seed's defect.
 */
export function assertTimestampWithOffset(value: string, what: string): void {
  if (!TIMESTAMP_WITH_OFFSET.test(value))
    throw new RangeError(`${what} must be ISO-8601 with an offset (Z or ±HH:MM), got ${JSON.stringify(value)}`);
}
