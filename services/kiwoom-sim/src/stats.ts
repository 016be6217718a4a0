import { KNOWN_API_IDS } from './api/routes.js';

/** Requests bucketed under an api-id the simulator does not know (bounded map keys). */
export const OTHER_API_ID = 'other';

export interface StatsSnapshot {
  /** Requests received per api-id (OAuth ones as au10001/au10002), whatever the outcome. */
  readonly requests: Readonly<Record<string, number>>;
  /** Requests refused by a rate limit (1700/1701, real or injected) per api-id. */
  readonly rateLimited: Readonly<Record<string, number>>;
  readonly total: number;
}

/**
 * Request counters for `/admin/stats`: tests use them to prove that polling stopped or started.
 * Keys come from the closed set of known api-ids, so the maps stay bounded.
 */
export interface RequestStats {
  count(apiId: string): void;
  countRateLimited(apiId: string): void;
  snapshot(): StatsSnapshot;
  reset(): void;
}

export function createRequestStats(): RequestStats {
  const known = new Set(KNOWN_API_IDS);
  let requests = new Map<string, number>();
  let rateLimited = new Map<string, number>();
  let total = 0;
  const bump = (map: Map<string, number>, apiId: string): void => {
    const key = known.has(apiId) ? apiId : OTHER_API_ID;
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  return {
    count(apiId) {
      total += 1;
      bump(requests, apiId);
    },
    countRateLimited: (apiId) => bump(rateLimited, apiId),
    snapshot: () => ({
      requests: Object.fromEntries([...requests].sort(([a], [b]) => a.localeCompare(b))),
      rateLimited: Object.fromEntries([...rateLimited].sort(([a], [b]) => a.localeCompare(b))),
      total,
    }),
    reset() {
      requests = new Map();
      rateLimited = new Map();
      total = 0;
    },
  };
}
