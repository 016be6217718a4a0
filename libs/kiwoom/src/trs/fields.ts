import { KiwoomError, type KiwoomBody } from '../errors.js';
import { toCompactDate } from '../kst.js';
import { isValidRequestCode } from '../tickers.js';

/**
 * Reads fields of a Kiwoom object by the names of its raw type, so a misspelt Kiwoom field name
 * is a compile error. Values stay `unknown`: the body is untrusted until parsed.
 */
export type FieldName<Raw> = Extract<keyof Raw, string>;
export type FieldReader<Raw> = (name: FieldName<Raw>) => unknown;

export function fieldsOf<Raw>(record: KiwoomBody): FieldReader<Raw> {
  return (name) => record[name];
}

/** A string field, trimmed; `""` when absent or not a string. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The list under `key` (`atn_stk_infr`, `list`, …); absent means no rows (a blank notice, §4.4). */
export function listOf(body: KiwoomBody, key: string, apiId: string): KiwoomBody[] {
  const value = body[key];
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) {
    throw new KiwoomError('KIWOOM_BAD_RESPONSE', `${apiId}: ${key} is not a list`, { apiId });
  }
  return value.map((item: unknown, index) => {
    if (!isRecord(item)) {
      throw new KiwoomError('KIWOOM_BAD_RESPONSE', `${apiId}: ${key}[${index}] is not an object`, { apiId });
    }
    return item;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when every field of the row is `""` (or the row has no fields): ka10095's unknown-ticker row (§4.4). */
export function isBlankRow(row: KiwoomBody): boolean {
  return Object.values(row).every((value) => value === '' || value === null || value === undefined);
}

export function badResponse(apiId: string, message: string): KiwoomError {
  return new KiwoomError('KIWOOM_BAD_RESPONSE', `${apiId}: ${message}`, { apiId });
}

/** Checks the code before sending: a malformed code is our bug, not Kiwoom's. */
export function requireRequestCode(apiId: string, code: string): string {
  if (!isValidRequestCode(code)) {
    throw new KiwoomError('KIWOOM_BAD_REQUEST', `${apiId}: invalid stock code ${JSON.stringify(code)}`, { apiId });
  }
  return code;
}

/** A request date (`YYYYMMDD` or `YYYY-MM-DD`) as Kiwoom's `YYYYMMDD`; a bad one is our bug. */
export function requireRequestDate(apiId: string, field: string, date: string): string {
  const compact = toCompactDate(date);
  if (compact === null) throw new KiwoomError('KIWOOM_BAD_REQUEST', `${apiId}: invalid ${field} ${JSON.stringify(date)}`, { apiId });
  return compact;
}
