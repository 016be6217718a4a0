/**
 * One Kiwoom request → one response, without sockets: the order of checks of kiwoom-rest.md §9
 * items 5–9, faults at the point where each kind applies, then the TR. The HTTP layer (app.ts)
 * only reads the request and writes what this returns, honouring `delay` and `reset`.
 *
 * Order of checks on a TR call (where the doc is silent, the order is our choice):
 * transport faults (reset, 5xx, slow) → method → Content-Type → api-id (1501, 1505, 1504) →
 * authorization (1513, 1514, 8005, early-expiry fault) → 8104 → not simulated (501) →
 * rate-limit faults → rate limiter (1700, 1701) → body JSON (1517) → paging headers (1517) →
 * the TR (1511, 1517, 1634, 1902, …).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@repo/observability';
import type { FaultKind, FaultSet } from '../faults.js';
import type { SimMarket } from '../market/model.js';
import type { RequestStats } from '../stats.js';
import type { TokenStore } from './auth.js';
import { KiwoomApiError, OK_MESSAGE, ReturnCode, kiwoomErrors } from './errors.js';
import { kstCompact } from './format.js';
import { readPageRequest } from './paging.js';
import type { RateLimiter, SimMode } from './rate-limit.js';
import {
  MOCK_UNSUPPORTED_API_IDS,
  REVOKE_API_ID,
  REVOKE_PATH,
  TOKEN_API_ID,
  TOKEN_PATH,
  isImplemented,
  isKnownApiId,
  pathOf,
} from './routes.js';
import { tickerOf } from './trs/common.js';
import { TR_HANDLERS } from './trs/index.js';
import type { TrResponse } from './trs/types.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
/** 총유량 shown by an injected 1701 when no total cap is configured (any plausible number). */
export const DEFAULT_REPORTED_TOTAL_QUOTA = 20;

export interface KiwoomRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Node lower-cases header names, which makes every lookup case-insensitive. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface KiwoomResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The api-id the request counts under (au10001/au10002 for OAuth, `""` when none was sent). */
  readonly apiId: string;
  /** `return_code` of the body, when it is a Kiwoom body. */
  readonly returnCode: number | undefined;
  /** Wall-clock ms to hold the response back, or never send it (slow fault). */
  readonly delay?: number | 'never';
  /** Close the socket halfway through the body (connection_reset fault). */
  readonly reset?: boolean;
}

export interface KiwoomApiOptions {
  readonly market: SimMarket;
  readonly mode: SimMode;
  readonly seed: number;
  readonly pageSize: number;
  readonly tokens: TokenStore;
  readonly limiter: RateLimiter;
  /** HTTP status of rate-limit refusals (1700, 1701): 429, or 200 as one report saw. */
  readonly rateLimitStatus: 200 | 429;
  readonly faults: FaultSet;
  readonly stats: RequestStats;
  readonly logger: Logger;
}

export interface KiwoomApi {
  handle(request: KiwoomRequest): KiwoomResponse;
}

export function createKiwoomApi(options: KiwoomApiOptions): KiwoomApi {
  const { market, mode, seed, pageSize, tokens, limiter, faults, stats } = options;
  const log = options.logger;

  function handle(request: KiwoomRequest): KiwoomResponse {
    const oauthApiId = request.path === TOKEN_PATH ? TOKEN_API_ID : request.path === REVOKE_PATH ? REVOKE_API_ID : undefined;
    const apiId = oauthApiId ?? headerOf(request.headers, 'api-id').trim();
    stats.count(apiId);
    const parsed = parseJsonObject(request.body);
    const tickers = requestTickers(parsed);
    const take = (kind: FaultKind) => faults.take(kind, { apiId, tickers });
    const baseHeaders: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE };
    if (apiId !== '') baseHeaders['api-id'] = apiId;
    if (oauthApiId === undefined) Object.assign(baseHeaders, { 'cont-yn': 'N', 'next-key': '' });

    if (take('connection_reset') !== undefined) {
      return { ...errorResponse(kiwoomErrors.internal('connection reset'), baseHeaders, apiId), reset: true };
    }
    const serverError = take('http_5xx');
    if (serverError !== undefined) return serverErrorResponse(serverError.httpStatus ?? 503, apiId);
    const slow = take('slow');
    const delayed = (response: KiwoomResponse): KiwoomResponse =>
      slow?.delayMs === undefined ? response : { ...response, delay: slow.delayMs };

    try {
      checkTransport(request);
      const response = oauthApiId === undefined ? handleTr(request, apiId, parsed, take) : handleOAuth(oauthApiId, parsed);
      return delayed(successResponse(response, baseHeaders, apiId));
    } catch (err) {
      if (err instanceof KiwoomApiError) {
        if (err.code === 1700 || err.code === 1701) stats.countRateLimited(apiId);
        return delayed(errorResponse(err, baseHeaders, apiId));
      }
      log.error({ err, apiId, path: request.path }, 'request failed inside the simulator');
      return errorResponse(kiwoomErrors.internal('simulator error'), baseHeaders, apiId);
    }
  }

  function handleOAuth(apiId: string, parsed: Record<string, unknown> | undefined): TrResponse {
    if (parsed === undefined) throw kiwoomErrors.badField('body', 'JSON 객체가 아닙니다');
    if (apiId === REVOKE_API_ID) {
      tokens.revoke(parsed);
      return { body: {} };
    }
    const issued = tokens.issue(parsed);
    return { body: { expires_dt: kstCompact(issued.expiresAt), token_type: 'bearer', token: issued.token } };
  }

  function handleTr(
    request: KiwoomRequest,
    apiId: string,
    parsed: Record<string, unknown> | undefined,
    take: (kind: FaultKind) => ReturnType<FaultSet['take']>,
  ): TrResponse {
    if (apiId === '') throw kiwoomErrors.missingApiId();
    if (!isKnownApiId(apiId)) throw kiwoomErrors.unknownApiId(apiId);
    if (pathOf(apiId) !== request.path) throw kiwoomErrors.wrongPath(apiId, request.path);

    const authorization = headerOf(request.headers, 'authorization').trim();
    if (authorization === '') throw kiwoomErrors.missingAuthorization();
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer === null) throw kiwoomErrors.badAuthorization();
    const token = bearer[1] as string;
    if (!tokens.isValid(token)) throw kiwoomErrors.invalidToken();
    const early = take('token_expiry');
    if (early !== undefined) {
      // The token really ends here, so a re-issue gets a new one (as after a real early expiry).
      tokens.expire(token);
      throw kiwoomErrors.invalidToken().withStatus(early.httpStatus ?? 200);
    }

    if (mode === 'mock' && MOCK_UNSUPPORTED_API_IDS.has(apiId)) throw kiwoomErrors.mockUnsupported();
    if (!isImplemented(apiId)) throw kiwoomErrors.notImplemented(apiId);

    const configuredQuota = limiter.quota(apiId);
    const totalCap = take('total_cap_1701');
    if (totalCap !== undefined) {
      const quota = totalCap.quota ?? (limiter.totalPerSecond > 0 ? limiter.totalPerSecond : DEFAULT_REPORTED_TOTAL_QUOTA);
      throw kiwoomErrors.totalCap(quota).withStatus(options.rateLimitStatus);
    }
    for (const kind of ['rate_limit_429', 'rate_limit_200'] as const) {
      const burst = take(kind);
      if (burst !== undefined) {
        const quota = burst.quota ?? (configuredQuota > 0 ? configuredQuota : 1);
        throw kiwoomErrors.rateLimited(apiId, quota).withStatus(kind === 'rate_limit_429' ? 429 : 200);
      }
    }
    const decision = limiter.take(token, apiId);
    if (!decision.allowed) {
      const error = decision.code === 1700 ? kiwoomErrors.rateLimited(apiId, decision.quota) : kiwoomErrors.totalCap(decision.quota);
      throw error.withStatus(options.rateLimitStatus);
    }

    if (parsed === undefined) throw kiwoomErrors.badField('body', 'JSON 객체가 아닙니다');
    const page = readPageRequest(headerOf(request.headers, 'cont-yn'), headerOf(request.headers, 'next-key'), apiId, parsed);
    const handler = TR_HANDLERS[apiId];
    return handler({
      apiId,
      market,
      mode,
      seed,
      body: parsed,
      page,
      pageSize,
      fault: (kind, scopeTickers) => faults.take(kind, { apiId, tickers: scopeTickers }),
    });
  }

  return { handle };
}

function checkTransport(request: KiwoomRequest): void {
  if (request.method !== 'POST') throw kiwoomErrors.badMethod(request.method);
  const contentType = headerOf(request.headers, 'content-type').trim().toLowerCase();
  if (!contentType.startsWith('application/json')) throw kiwoomErrors.unreadableHeader();
}

function successResponse(response: TrResponse, baseHeaders: Readonly<Record<string, string>>, apiId: string): KiwoomResponse {
  const headers = { ...baseHeaders };
  if (response.nextKey !== undefined) Object.assign(headers, { 'cont-yn': 'Y', 'next-key': response.nextKey });
  const body = JSON.stringify({ ...response.body, return_code: ReturnCode.Ok, return_msg: OK_MESSAGE });
  return { status: 200, headers, body, apiId, returnCode: ReturnCode.Ok };
}

function errorResponse(error: KiwoomApiError, baseHeaders: Readonly<Record<string, string>>, apiId: string): KiwoomResponse {
  const headers: Record<string, string> = { ...baseHeaders };
  if (error.httpStatus === 405) headers['allow'] = 'POST';
  return { status: error.httpStatus, headers, body: JSON.stringify(error.toBody()), apiId, returnCode: error.category };
}

/** What a failing gateway in front of the API sends: a small HTML page, not a Kiwoom body. */
function serverErrorResponse(status: number, apiId: string): KiwoomResponse {
  const reason = status === 500 ? 'Internal Server Error' : status === 502 ? 'Bad Gateway' : 'Service Unavailable';
  const body = `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=UTF-8' }, body, apiId, returnCode: undefined };
}

function headerOf(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: reported as 1517 once the request gets that far.
    return undefined;
  }
}

/** Tickers a request names in `stk_cd` (split on `|`, exchange suffix dropped), for fault scopes. */
function requestTickers(body: Record<string, unknown> | undefined): readonly string[] {
  const codes = body?.['stk_cd'];
  return typeof codes === 'string' && codes !== '' ? codes.split('|').map(tickerOf) : [];
}
