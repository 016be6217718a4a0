// Optional client authentication at the WebSocket upgrade (off by default): a JWT in `?token=` or
// in `Sec-WebSocket-Protocol: bearer, <jwt>`, verified with a shared HS256 secret or with the
// RS256 keys of a JWKS URL (jose caches and refreshes them). A `topics` claim may restrict what
// the client can subscribe to; `exp` closes the socket with 4001 when it passes.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { EdgeConfig } from './config.js';

export type AuthMode = 'off' | 'hs256' | 'jwks';

export interface AuthOptions {
  readonly mode: AuthMode;
  /** HS256 shared secret (mode hs256). */
  readonly hs256Secret: string;
  /** JWKS document URL with the RS256 public keys (mode jwks). */
  readonly jwksUrl: string;
  /** Required `iss`, when not empty. */
  readonly issuer: string;
  /** Required `aud`, when not empty. */
  readonly audience: string;
}

/** What a verified token allows. */
export interface Grant {
  readonly subject: string | undefined;
  /** When the token expires (epoch ms); undefined for a token without `exp`. */
  readonly expiresAtMs: number | undefined;
  allows(topic: string): boolean;
}

/** A refusal: 401 for the client's token, 503 when the keys could not be fetched (not the client's fault). */
export type AuthResult =
  { readonly ok: true; readonly grant: Grant } | { readonly ok: false; readonly status: 401 | 503; readonly reason: string };

/** Verifies one token; never throws. */
export type Authenticator = (token: string | undefined) => Promise<AuthResult>;

/** The subprotocol that carries a token: `Sec-WebSocket-Protocol: bearer, <jwt>`; the server answers `bearer`. */
export const TOKEN_SUBPROTOCOL = 'bearer';

/** The token of an upgrade request, and the subprotocol to answer with when it came in the header. */
export function extractToken(query: string, protocolHeader: string): { token: string | undefined; protocol: string | undefined } {
  const fromQuery = new URLSearchParams(query).get('token');
  if (fromQuery !== null && fromQuery !== '') return { token: fromQuery, protocol: undefined };
  const offered = protocolHeader
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const at = offered.indexOf(TOKEN_SUBPROTOCOL);
  const token = at >= 0 ? offered[at + 1] : undefined;
  return token === undefined ? { token: undefined, protocol: undefined } : { token, protocol: TOKEN_SUBPROTOCOL };
}

/** A topic pattern of the `topics` claim: exact (`market-gate`) or a prefix ending in `*` (`price:*`). */
function topicMatcher(patterns: readonly string[]): (topic: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (topic) => exact.has(topic) || prefixes.some((prefix) => topic.startsWith(prefix));
}

function grantOf(payload: JWTPayload): Grant | string {
  const claim = payload['topics'];
  if (claim !== undefined && (!Array.isArray(claim) || !claim.every((t) => typeof t === 'string'))) {
    return 'the topics claim must be an array of strings';
  }
  const allows = claim === undefined ? () => true : topicMatcher(claim);
  return { subject: payload.sub, expiresAtMs: payload.exp === undefined ? undefined : payload.exp * 1000, allows };
}

/** The authenticator for `options`, or undefined when authentication is off. */
export function createAuthenticator(options: AuthOptions): Authenticator | undefined {
  if (options.mode === 'off') return undefined;
  const key: Uint8Array | JWTVerifyGetKey =
    options.mode === 'hs256' ? new TextEncoder().encode(options.hs256Secret) : createRemoteJWKSet(new URL(options.jwksUrl));
  const verifyOptions = {
    algorithms: [options.mode === 'hs256' ? 'HS256' : 'RS256'],
    ...(options.issuer !== '' ? { issuer: options.issuer } : {}),
    ...(options.audience !== '' ? { audience: options.audience } : {}),
  };
  return async (token) => {
    if (token === undefined) return { ok: false, status: 401, reason: 'missing token' };
    try {
      const { payload } =
        typeof key === 'function' ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
      const grant = grantOf(payload);
      return typeof grant === 'string' ? { ok: false, status: 401, reason: grant } : { ok: true, grant };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, status: 401, reason: 'token expired' };
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
        return { ok: false, status: 503, reason: 'token keys unavailable' };
      }
      return { ok: false, status: 401, reason: `invalid token (${err.code})` };
    }
  };
}

/** The authenticator options of the edge's config (EDGE_AUTH_*). */
export function authOptions(
  config: Pick<EdgeConfig, 'auth' | 'authHs256Secret' | 'authJwksUrl' | 'authIssuer' | 'authAudience'>,
): AuthOptions {
  return {
    mode: config.auth,
    hs256Secret: config.authHs256Secret,
    jwksUrl: config.authJwksUrl,
    issuer: config.authIssuer,
    audience: config.authAudience,
  };
}
