/**
 * Continuation by headers (kiwoom-rest.md §3.3): a response says `cont-yn: Y` and an opaque
 * `next-key`; the client sends the same body again with request headers `cont-yn: Y` and that
 * `next-key`. The key is base64url of `<api-id>:<body hash>:<cursor>`, so it is valid only for the
 * same TR and body; anything else is refused with 1517. Cursors are positions the TR chooses (a
 * date for the daily TRs, so a page boundary does not move when the clock adds today's candle).
 */
import { createHash } from 'node:crypto';
import { kiwoomErrors } from './errors.js';

export const MAX_NEXT_KEY_LENGTH = 50;

export interface PageRequest {
  /** The TR-defined position to continue from; undefined on the first page. */
  readonly cursor: string | undefined;
}

/** Reads `cont-yn`/`next-key` request headers. `cont-yn: N` with an empty key is a first page. */
export function readPageRequest(
  contYn: string | undefined,
  nextKey: string | undefined,
  apiId: string,
  body: Readonly<Record<string, unknown>>,
): PageRequest {
  const cont = (contYn ?? '').trim().toUpperCase();
  const key = (nextKey ?? '').trim();
  if (cont !== '' && cont !== 'Y' && cont !== 'N') throw kiwoomErrors.badField('cont-yn', 'Y 또는 N이어야 합니다');
  if (cont !== 'Y') {
    if (key !== '') throw kiwoomErrors.badField('next-key', 'cont-yn이 Y가 아닌데 next-key가 있습니다');
    return { cursor: undefined };
  }
  if (key === '') throw kiwoomErrors.badField('next-key', 'cont-yn이 Y인데 next-key가 없습니다');
  const cursor = decodeNextKey(key, apiId, body);
  if (cursor === undefined) throw kiwoomErrors.badField('next-key', '유효하지 않은 연속조회키입니다');
  return { cursor };
}

export function encodeNextKey(apiId: string, body: Readonly<Record<string, unknown>>, cursor: string): string {
  if (!/^[0-9A-Za-z]+$/.test(cursor)) throw new RangeError(`cursor must be alphanumeric, got ${JSON.stringify(cursor)}`);
  const key = Buffer.from(`${apiId}:${bodyHash(apiId, body)}:${cursor}`).toString('base64url');
  if (key.length > MAX_NEXT_KEY_LENGTH) throw new RangeError(`next-key of ${key.length} characters exceeds ${MAX_NEXT_KEY_LENGTH}`);
  return key;
}

function decodeNextKey(key: string, apiId: string, body: Readonly<Record<string, unknown>>): string | undefined {
  if (key.length > MAX_NEXT_KEY_LENGTH || !/^[A-Za-z0-9_-]+$/.test(key)) return undefined;
  const parts = Buffer.from(key, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3) return undefined;
  const [keyApiId, hash, cursor] = parts as [string, string, string];
  if (keyApiId !== apiId || hash !== bodyHash(apiId, body) || !/^[0-9A-Za-z]+$/.test(cursor)) return undefined;
  return cursor;
}

/** Eight hex digits over the api-id and the body with its keys sorted (whitespace-independent). */
function bodyHash(apiId: string, body: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(
    Object.keys(body)
      .sort()
      .map((k) => [k, body[k]]),
  );
  return createHash('sha256').update(`${apiId}\u0000${canonical}`).digest('hex').slice(0, 8);
}

/** One page of `rows` after `cursor`, with the cursor of the next page when more remain. */
export interface Page<T> {
  readonly rows: readonly T[];
  readonly nextCursor: string | undefined;
}

/**
 * Pages a list that is already in response order. `after(row, cursor)` says whether a row comes
 * after the cursor; `cursorOf(row)` names the position of a page's last row.
 */
export function pageOf<T>(
  all: readonly T[],
  request: PageRequest,
  pageSize: number,
  after: (row: T, cursor: string) => boolean,
  cursorOf: (row: T) => string,
): Page<T> {
  const cursor = request.cursor;
  const remaining = cursor === undefined ? all : all.filter((row) => after(row, cursor));
  const rows = remaining.slice(0, pageSize);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: remaining.length > rows.length && last !== undefined ? cursorOf(last) : undefined };
}
