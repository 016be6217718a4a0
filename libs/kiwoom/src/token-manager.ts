import { silentLogger, type Logger } from '@repo/observability';
import { raceAbort, systemClock, systemTimers, type Clock, type Timers } from './clock.js';
import { KiwoomError, describeValue, isKiwoomError, parseKiwoomResponse } from './errors.js';
import { JSON_CONTENT_TYPE, postJson, type FetchLike } from './http.js';
import { parseKstTimestamp } from './kst.js';

/** Refresh this long before `expires_dt`. The official client uses 10 min; re-issue is free (§2.2). */
export const DEFAULT_REFRESH_MARGIN_MS = 10 * 60_000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
/**
 * The shortest gap between two refreshes of a still-valid token: after a failed early refresh
 * we keep using the current token for this long, and a token issued inside the margin is not
 * re-issued on every call.
 */
const MIN_REFRESH_INTERVAL_MS = 30_000;

export interface TokenManagerOptions {
  /** `https://api.kiwoom.com`, `https://mockapi.kiwoom.com` or the simulator, without a trailing path. */
  readonly baseUrl: string;
  readonly appKey: string;
  readonly secretKey: string;
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** @default DEFAULT_TOKEN_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default DEFAULT_REFRESH_MARGIN_MS */
  readonly refreshMarginMs?: number;
  readonly logger?: Logger;
}

/** Owns the one access token of an app key in this process (§2.4). Never logs the token. */
export interface TokenManager {
  /** A valid token: the cached one, or a fresh one from au10001 shared by concurrent callers. */
  getToken(signal?: AbortSignal): Promise<string>;
  /**
   * Runs `call` with a token. If it fails with `KIWOOM_TOKEN_REJECTED` (8005, 8031, 8103,
   * HTTP 401), re-issues once and runs it once more; a second rejection is `KIWOOM_AUTH_FAILED`.
   */
  withToken<T>(call: (token: string) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Revokes the current token with au10002; a no-op without one. */
  revoke(signal?: AbortSignal): Promise<void>;
  /** Epoch ms at which the current token expires, or undefined without one. */
  expiresAt(): number | undefined;
}

interface AccessToken {
  readonly token: string;
  /** Epoch milliseconds, from `expires_dt` read as KST. */
  readonly expiresAt: number;
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const logger = options.logger ?? silentLogger;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  let current: AccessToken | undefined;
  /** When the current token should be refreshed, even though it is still valid. */
  let refreshAt = Number.NEGATIVE_INFINITY;
  /** The in-flight au10001 request; every caller that needs a token awaits this one. */
  let issuing: Promise<AccessToken> | undefined;

  async function issue(): Promise<AccessToken> {
    const reply = await postJson(fetchFn, {
      url: `${baseUrl}/oauth2/token`,
      // Only Content-Type: au10001 needs neither api-id nor authorization (§2.1).
      headers: { 'content-type': JSON_CONTENT_TYPE },
      body: { grant_type: 'client_credentials', appkey: options.appKey, secretkey: options.secretKey },
      timeoutMs,
      timers,
      apiId: 'au10001',
    });
    const body = parseKiwoomResponse(reply.status, reply.text, 'au10001');
    const token = body['token'];
    const expiresAt = parseKstTimestamp(body['expires_dt']);
    const tokenType = body['token_type'];
    if (typeof token !== 'string' || token === '' || expiresAt === null) {
      throw new KiwoomError('KIWOOM_BAD_RESPONSE', 'au10001: the response lacks a token or a valid expires_dt', {
        apiId: 'au10001',
        httpStatus: reply.status,
      });
    }
    if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
      throw new KiwoomError('KIWOOM_BAD_RESPONSE', `au10001: unexpected token_type ${describeValue(tokenType)}`, {
        apiId: 'au10001',
      });
    }
    const issued: AccessToken = { token, expiresAt };
    const now = clock.now();
    current = issued;
    refreshAt = Math.max(expiresAt - marginMs, now + MIN_REFRESH_INTERVAL_MS);
    logger.debug({ expiresAt: new Date(expiresAt).toISOString() }, 'kiwoom token issued');
    return issued;
  }

  function issueShared(): Promise<AccessToken> {
    issuing ??= issue().finally(() => {
      issuing = undefined;
    });
    return issuing;
  }

  async function getToken(signal?: AbortSignal): Promise<string> {
    const now = clock.now();
    const held = current;
    if (held !== undefined && now < held.expiresAt && now < refreshAt) return held.token;
    try {
      // A caller that gives up must not cancel the issue the others are waiting on.
      return (await raceAbort(issueShared(), signal)).token;
    } catch (err) {
      const stillValid = held !== undefined && current === held && clock.now() < held.expiresAt;
      if (!stillValid || (isKiwoomError(err) && err.code === 'KIWOOM_ABORTED')) throw err;
      // An early refresh failed but the token has not expired: keep using it for a while.
      refreshAt = clock.now() + MIN_REFRESH_INTERVAL_MS;
      logger.warn({ err }, 'kiwoom token refresh failed; using the current token until it expires');
      return held.token;
    }
  }

  /** Forgets `rejected` if it is still the current token; a newer token is kept. */
  function invalidate(rejected: string): void {
    if (current?.token === rejected) {
      current = undefined;
      refreshAt = Number.NEGATIVE_INFINITY;
    }
  }

  return {
    getToken,
    async withToken(call, signal) {
      const token = await getToken(signal);
      try {
        return await call(token);
      } catch (err) {
        if (!isKiwoomError(err) || err.code !== 'KIWOOM_TOKEN_REJECTED') throw err;
        invalidate(token);
        logger.info({ apiId: err.apiId, kiwoomCode: err.kiwoomCode, httpStatus: err.httpStatus }, 'kiwoom token rejected; re-issuing once');
      }
      const fresh = await getToken(signal);
      try {
        return await call(fresh);
      } catch (err) {
        if (!isKiwoomError(err) || err.code !== 'KIWOOM_TOKEN_REJECTED') throw err;
        invalidate(fresh);
        throw new KiwoomError('KIWOOM_AUTH_FAILED', `${err.message} (still rejected after a token re-issue)`, {
          kiwoomCode: err.kiwoomCode,
          returnCode: err.returnCode,
          httpStatus: err.httpStatus,
          apiId: err.apiId,
          cause: err,
        });
      }
    },
    async revoke(signal) {
      if (issuing !== undefined) {
        try {
          await raceAbort(issuing, signal);
        } catch (err) {
          // A failed issue leaves no token to revoke; anything else (our abort) propagates.
          if (isKiwoomError(err) && err.code === 'KIWOOM_ABORTED') throw err;
        }
      }
      const held = current;
      if (held === undefined) return;
      const reply = await postJson(fetchFn, {
        url: `${baseUrl}/oauth2/revoke`,
        headers: { 'content-type': JSON_CONTENT_TYPE },
        body: { appkey: options.appKey, secretkey: options.secretKey, token: held.token },
        timeoutMs,
        timers,
        apiId: 'au10002',
        signal,
      });
      parseKiwoomResponse(reply.status, reply.text, 'au10002');
      invalidate(held.token);
      logger.debug('kiwoom token revoked');
    },
    expiresAt: () => current?.expiresAt,
  };
}
