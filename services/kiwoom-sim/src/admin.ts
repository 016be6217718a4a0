/**
 * The admin HTTP API, on paths Kiwoom never uses (kiwoom-rest.md §9 item 18). Every change
 * applies to the next request. Invalid input gets 400 with a JSON `{error, problems}` and changes
 * nothing.
 *
 * | method | path | effect |
 * |---|---|---|
 * | GET | /admin/health | liveness, mode, simulated time and session, counts |
 * | GET | /admin/faults | the active faults |
 * | PUT | /admin/faults | add one fault (object) or several (array) → 201 |
 * | DELETE | /admin/faults | clear every fault |
 * | DELETE | /admin/faults/<id> | remove one fault (404 when unknown) |
 * | POST | /admin/tokens/expire | expire every token now |
 * | GET | /admin/clock | the simulated clock |
 * | PUT | /admin/clock | `{"at": ISO}` stands still, `{"start": ISO, "speed": n}` runs, `{"advanceMs": n}` moves |
 * | GET | /admin/stats | requests per api-id, rate-limit refusals per api-id |
 * | DELETE | /admin/stats | zero the counters |
 */
import type { TokenStore } from './api/auth.js';
import { kstIso } from './api/format.js';
import type { SimMode } from './api/rate-limit.js';
import { parseInstant, type AdjustableClock, type ClockSetting } from './clock.js';
import { FaultInputError, type FaultSet } from './faults.js';
import type { SimMarket } from './market/model.js';
import type { RequestStats } from './stats.js';

export const ADMIN_PREFIX = '/admin/';

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface AdminOptions {
  readonly faults: FaultSet;
  readonly tokens: TokenStore;
  readonly clock: AdjustableClock;
  readonly market: SimMarket;
  readonly stats: RequestStats;
  readonly mode: SimMode;
}

export interface AdminApi {
  handle(method: string, path: string, body: Buffer): AdminResponse;
}

export function createAdminApi(options: AdminOptions): AdminApi {
  const { faults, tokens, clock, market, stats, mode } = options;

  const clockView = (): Record<string, unknown> => {
    const { now, speed } = clock.state();
    return {
      now: kstIso(now),
      epochMs: now.getTime(),
      speed,
      running: speed > 0,
      today: market.today(),
      session: market.session(),
      tradingDay: market.isTradingDay(),
    };
  };

  type Route = (body: Buffer) => AdminResponse;
  const routes: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
    '/admin/health': {
      GET: () =>
        ok({
          status: 'ok',
          mode,
          now: kstIso(clock.now()),
          session: market.session(),
          validTokens: tokens.validCount(),
          faults: faults.list().length,
        }),
    },
    '/admin/faults': {
      GET: () => ok({ faults: faults.list() }),
      PUT: (body) => {
        const input = parseJson(body);
        if (input === undefined) return badRequest('body must be JSON: a fault object or an array of them');
        try {
          return { status: 201, body: { added: faults.add(input) } };
        } catch (err) {
          if (err instanceof FaultInputError) return badRequest('invalid fault', err.problems);
          throw err;
        }
      },
      DELETE: () => ok({ cleared: faults.clear() }),
    },
    '/admin/tokens/expire': {
      POST: () => ok({ expired: tokens.expireAll() }),
    },
    '/admin/clock': {
      GET: () => ok(clockView()),
      PUT: (body) => {
        const parsed = parseClockChange(parseJson(body));
        if (typeof parsed === 'string') return badRequest(parsed);
        if ('advanceMs' in parsed) clock.advance(parsed.advanceMs);
        else clock.set(parsed);
        return ok(clockView());
      },
    },
    '/admin/stats': {
      GET: () => ok(stats.snapshot()),
      DELETE: () => {
        stats.reset();
        return ok(stats.snapshot());
      },
    },
  };

  return {
    handle(method, path, body) {
      const faultId = /^\/admin\/faults\/([^/]+)$/.exec(path)?.[1];
      if (faultId !== undefined) {
        if (method !== 'DELETE') return methodNotAllowed(['DELETE']);
        return faults.remove(faultId) ? ok({ removed: faultId }) : { status: 404, body: { error: `no fault with id ${faultId}` } };
      }
      const route = routes[path];
      if (route === undefined) return { status: 404, body: { error: `unknown admin path ${path}` } };
      const action = route[method];
      return action === undefined ? methodNotAllowed(Object.keys(route)) : action(body);
    },
  };
}

type ClockChange = ClockSetting | { readonly advanceMs: number };

/** Validates a PUT /admin/clock body; a string is the problem. */
function parseClockChange(input: unknown): ClockChange | string {
  const usage = 'body must be {"at": ISO-8601 with offset}, {"start": ISO-8601 with offset, "speed": number ≥ 0} or {"advanceMs": number}';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return usage;
  const raw = input as Record<string, unknown>;
  const keys = Object.keys(raw).sort().join(',');
  if (keys === 'at') {
    const at = parseInstant(raw['at']);
    return at === undefined ? `at: ${INSTANT_PROBLEM}` : { at };
  }
  if (keys === 'start' || keys === 'speed,start') {
    const start = parseInstant(raw['start']);
    if (start === undefined) return `start: ${INSTANT_PROBLEM}`;
    const speed = raw['speed'] ?? 1;
    if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0 || speed > 1e6) return 'speed must be a number from 0 to 1000000';
    return { start, speed };
  }
  if (keys === 'advanceMs') {
    const ms = raw['advanceMs'];
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return 'advanceMs must be a finite number of milliseconds';
    return { advanceMs: ms };
  }
  return usage;
}

const INSTANT_PROBLEM = 'expected an ISO-8601 instant with an explicit offset, e.g. 2025-09-10T15:25:00+09:00';

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    // Reported by the caller as a 400.
    return undefined;
  }
}

const ok = (body: unknown): AdminResponse => ({ status: 200, body });

function badRequest(error: string, problems?: readonly string[]): AdminResponse {
  return { status: 400, body: problems === undefined ? { error } : { error, problems } };
}

function methodNotAllowed(allowed: readonly string[]): AdminResponse {
  return { status: 405, body: { error: `method not allowed; use ${allowed.join(', ')}` } };
}
