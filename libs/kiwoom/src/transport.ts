import type { Clock } from './clock.js';
import { KiwoomError, type KiwoomBody } from './errors.js';

/** One TR call as Kiwoom sees it: `api-id` header, category path, JSON body of strings (§3.1). */
export interface KiwoomRequest {
  readonly apiId: string;
  /** The category path, e.g. `/api/dostk/stkinfo`; each TR is accepted on exactly one (§1.2). */
  readonly path: string;
  readonly body: Readonly<Record<string, string>>;
  /** The previous page's `next-key`; sends `cont-yn: Y` with it (§3.3). */
  readonly nextKey?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** One successful response page. */
export interface KiwoomPage {
  readonly body: KiwoomBody;
  /** The response header `cont-yn` was `Y`: another page exists. */
  readonly hasMore: boolean;
  /** The response header `next-key`, opaque; `null` when absent or empty. */
  readonly nextKey: string | null;
}

/** What a TR needs from the client: one paced, authenticated, retried call per page. */
export interface KiwoomTransport {
  call(request: KiwoomRequest): Promise<KiwoomPage>;
  readonly clock: Clock;
}

export interface PagingOptions<Row> {
  /** Stop after this many pages even if `cont-yn` is `Y`. */
  readonly maxPages?: number | undefined;
  /** Stop once this many rows are collected; the result is cut to exactly this many. */
  readonly maxRows?: number | undefined;
  /** Called after each page is decoded, e.g. to store rows as they arrive. */
  readonly onPage?: ((rows: readonly Row[], pageIndex: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface PagedRows<Row> {
  readonly rows: Row[];
  /** True when we stopped at `maxPages`/`maxRows` while Kiwoom still had more. */
  readonly hasMore: boolean;
  readonly pages: number;
}

/** A bound on every paged walk, so a server that always says `cont-yn: Y` cannot loop us forever. */
export const DEFAULT_MAX_PAGES = 20;

/**
 * Follows `cont-yn`/`next-key` (§3.3): the same body again with the response's `next-key`, until
 * `cont-yn` is not `Y` or a bound is reached. A `Y` without a key, or a key seen before, is a
 * `KIWOOM_BAD_RESPONSE` rather than an endless loop.
 */
export async function collectPages<Row>(
  transport: KiwoomTransport,
  request: KiwoomRequest,
  decodePage: (page: KiwoomPage) => Row[],
  options: PagingOptions<Row> = {},
): Promise<PagedRows<Row>> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError(`maxPages must be an integer >= 1, got ${maxPages}`);
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be >= 1, got ${maxRows}`);
  const rows: Row[] = [];
  const seenKeys = new Set<string>();
  let nextKey: string | undefined;
  for (let pageIndex = 0; ; pageIndex++) {
    const page = await transport.call({ ...request, nextKey, signal: options.signal });
    const pageRows = decodePage(page);
    rows.push(...pageRows);
    options.onPage?.(pageRows, pageIndex);
    const pages = pageIndex + 1;
    if (rows.length >= maxRows) {
      return { rows: rows.slice(0, maxRows), hasMore: page.hasMore || rows.length > maxRows, pages };
    }
    if (!page.hasMore) return { rows, hasMore: false, pages };
    if (pages >= maxPages) return { rows, hasMore: true, pages };
    if (page.nextKey === null || seenKeys.has(page.nextKey)) {
      throw new KiwoomError('KIWOOM_BAD_RESPONSE', `${request.apiId}: cont-yn Y with a missing or repeated next-key`, {
        apiId: request.apiId,
      });
    }
    seenKeys.add(page.nextKey);
    nextKey = page.nextKey;
  }
}
