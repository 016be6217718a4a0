/**
 * au10001 (issue) and au10002 (revoke), kiwoom-rest.md §2 and §9 items 3–5. A token lives
 * `lifetimeMs` on the simulated clock; issuing again while it is valid returns the same token and
 * expiry. Tokens are derived from the seed, so two simulators with the same seed issue the same
 * tokens in the same order.
 */
import { createHash } from 'node:crypto';
import { kiwoomErrors } from './errors.js';

export interface KeyPair {
  readonly appKey: string;
  readonly secretKey: string;
}

export interface TokenStoreOptions {
  /** The pair of the simulated host's mode. */
  readonly keys: KeyPair;
  /** The other mode's pair: its app key gets 8030. */
  readonly otherModeKeys: KeyPair;
  readonly now: () => Date;
  readonly seed: number;
  readonly lifetimeMs: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface TokenStore {
  /** au10001; throws KiwoomApiError (8020, 8030, 8011, 8012, 8001). */
  issue(body: Readonly<Record<string, unknown>>): IssuedToken;
  /** au10002; throws KiwoomApiError (8020, 8001, 8016, 8015). */
  revoke(body: Readonly<Record<string, unknown>>): void;
  isValid(token: string): boolean;
  /** Invalidates one token at once (the early-expiry fault). */
  expire(token: string): void;
  /** Invalidates every token (admin); returns how many were valid. */
  expireAll(): number;
  /** Tokens issued and still valid. */
  validCount(): number;
}

export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 3_600_000;

interface TokenEntry {
  readonly appKey: string;
  readonly expiresAtMs: number;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { keys, otherModeKeys, now, seed, lifetimeMs } = options;
  // At most one entry per app key: a token is replaced only once it is invalid, and invalid ones
  // are deleted, so this stays as small as the number of key pairs.
  const tokens = new Map<string, TokenEntry>();
  let issued = 0;

  const isLive = (token: string): TokenEntry | undefined => {
    const entry = tokens.get(token);
    if (entry === undefined) return undefined;
    if (now().getTime() >= entry.expiresAtMs) {
      tokens.delete(token);
      return undefined;
    }
    return entry;
  };

  const checkKeys = (body: Readonly<Record<string, unknown>>): string => {
    const appKey = nonEmptyString(body['appkey']);
    const secretKey = nonEmptyString(body['secretkey']);
    if (appKey === undefined || secretKey === undefined) throw kiwoomErrors.missingKeys();
    if (appKey === otherModeKeys.appKey && appKey !== keys.appKey) throw kiwoomErrors.otherModeKey();
    return appKey;
  };

  const checkSecret = (appKey: string, body: Readonly<Record<string, unknown>>): void => {
    if (appKey !== keys.appKey || body['secretkey'] !== keys.secretKey) throw kiwoomErrors.badCredentials();
  };

  return {
    issue(body) {
      const appKey = checkKeys(body);
      const grantType = body['grant_type'];
      if (grantType === undefined || grantType === null || grantType === '') throw kiwoomErrors.missingGrantType();
      if (grantType !== 'client_credentials') throw kiwoomErrors.badGrantType();
      checkSecret(appKey, body);
      for (const [token, entry] of tokens) {
        if (entry.appKey === appKey && isLive(token) !== undefined) return { token, expiresAt: new Date(entry.expiresAtMs) };
      }
      issued += 1;
      // 64 bytes in base64url are exactly 86 characters of [A-Za-z0-9_-], the observed length.
      const token = createHash('sha512').update(`kiwoom-sim:${seed}:${appKey}:${issued}`).digest('base64url');
      const expiresAtMs = now().getTime() + lifetimeMs;
      tokens.set(token, { appKey, expiresAtMs });
      return { token, expiresAt: new Date(expiresAtMs) };
    },

    revoke(body) {
      const appKey = checkKeys(body);
      checkSecret(appKey, body);
      const token = nonEmptyString(body['token']);
      if (token === undefined) throw kiwoomErrors.missingRevokeToken();
      const entry = tokens.get(token);
      // Revoking a token that is already invalid succeeds (as OAuth revocation does, RFC 7009);
      // only another app key's live token is refused.
      if (entry !== undefined && entry.appKey !== appKey) throw kiwoomErrors.revokeFailed();
      tokens.delete(token);
    },

    isValid: (token) => isLive(token) !== undefined,

    expire(token) {
      tokens.delete(token);
    },

    expireAll() {
      let valid = 0;
      for (const token of [...tokens.keys()]) if (isLive(token) !== undefined) valid += 1;
      tokens.clear();
      return valid;
    },

    validCount() {
      let valid = 0;
      for (const token of [...tokens.keys()]) if (isLive(token) !== undefined) valid += 1;
      return valid;
    },
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
