/**
 * Paths and the api-ids each accepts (kiwoom-rest.md §1.2–1.3). The path only picks the category;
 * the `api-id` header picks the TR, and each TR is accepted on exactly one path.
 */

export const TOKEN_PATH = '/oauth2/token';
export const REVOKE_PATH = '/oauth2/revoke';
/** The api-ids the OAuth endpoints count under in `/admin/stats` and fault scopes. */
export const TOKEN_API_ID = 'au10001';
export const REVOKE_API_ID = 'au10002';

/** Domestic-stock categories; every one is a real path, even those without a simulated TR. */
export const CATEGORIES = [
  'acnt',
  'chart',
  'crdordr',
  'elw',
  'etf',
  'frgnistt',
  'stkinfo',
  'mrkcond',
  'ordr',
  'rkinfo',
  'sect',
  'slb',
  'shsa',
  'thme',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The TRs the simulator answers. */
export const IMPLEMENTED_API_IDS = ['ka10001', 'ka10095', 'ka10099', 'ka10081', 'ka10086', 'ka20001'] as const;
export type ImplementedApiId = (typeof IMPLEMENTED_API_IDS)[number];

const ROUTES: Readonly<Record<string, Category>> = {
  ka10001: 'stkinfo',
  ka10095: 'stkinfo',
  ka10099: 'stkinfo',
  ka10003: 'stkinfo',
  ka10059: 'stkinfo',
  ka10079: 'chart',
  ka10080: 'chart',
  ka10081: 'chart',
  ka10082: 'chart',
  ka10083: 'chart',
  ka10094: 'chart',
  ka10086: 'mrkcond',
  ka10004: 'mrkcond',
  ka10007: 'mrkcond',
  ka20001: 'sect',
  ka10027: 'rkinfo',
  ka10032: 'rkinfo',
};

/** Chart TRs: 5/s on the mock host where every other TR gets 1/s (kiwoom-rest.md §5). */
export const CHART_API_IDS: ReadonlySet<string> = new Set(['ka10079', 'ka10080', 'ka10081', 'ka10082', 'ka10083', 'ka10094']);

/**
 * TRs the mock host refuses with 8104 (choice: ka10007 serves the unified SOR book, and the mock
 * host is KRX-only).
 */
export const MOCK_UNSUPPORTED_API_IDS: ReadonlySet<string> = new Set(['ka10007']);

/** Every api-id the simulator knows: the TRs above plus the two OAuth ones. */
export const KNOWN_API_IDS: readonly string[] = [TOKEN_API_ID, REVOKE_API_ID, ...Object.keys(ROUTES)];

export function pathOf(apiId: string): string | undefined {
  const category = ROUTES[apiId];
  return category === undefined ? undefined : `/api/dostk/${category}`;
}

export function isKnownApiId(apiId: string): boolean {
  return ROUTES[apiId] !== undefined;
}

export function isImplemented(apiId: string): apiId is ImplementedApiId {
  return (IMPLEMENTED_API_IDS as readonly string[]).includes(apiId);
}
