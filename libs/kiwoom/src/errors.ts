/**
 * The one catalogue of Kiwoom client errors (kiwoom-rest.md §4). Every failure the client
 * surfaces is a `KiwoomError` with a stable `code`; the 4-digit Kiwoom code, the `return_code`
 * category and the HTTP status travel with it so callers never match on message text.
 */
export type KiwoomErrorCode =
  /** Credentials, IP or mode misconfigured (8001, 8010, 8020, 8030, …), or a token still rejected after one re-issue. Fatal for the client. */
  | 'KIWOOM_AUTH_FAILED'
  /** The token was rejected (8005, 8031, 8103, HTTP 401): re-issue once and retry once. */
  | 'KIWOOM_TOKEN_REJECTED'
  /** HTTP 429 or 1700/1701/1702/1687: back off at least 1.3 s, then retry. */
  | 'KIWOOM_RATE_LIMITED'
  /** More than 100 codes in one ka10095 call (checked before sending), or 1634. Split, never retry as is. */
  | 'KIWOOM_BATCH_TOO_LARGE'
  /** Our request is wrong (1501–1517 except the rate codes, other HTTP 4xx, invalid input). Programmer error. */
  | 'KIWOOM_BAD_REQUEST'
  /** 1901, 1902, 1903: the ticker does not exist. Drop it from polling and report it. */
  | 'KIWOOM_UNKNOWN_TICKER'
  /** 8104, 8200: this TR is not available on this host or account. Fatal for that TR. */
  | 'KIWOOM_NOT_SUPPORTED'
  /** 1999, HTTP 5xx, connection refused or reset: server trouble, retried with backoff. */
  | 'KIWOOM_UNAVAILABLE'
  /** No complete response within `timeoutMs`. Retried with backoff. */
  | 'KIWOOM_TIMEOUT'
  /** A body that is not the JSON Kiwoom documents (HTML, truncated, missing fields, a paging loop). */
  | 'KIWOOM_BAD_RESPONSE'
  /** A non-zero `return_code` whose code and category we do not know. */
  | 'KIWOOM_UNKNOWN_ERROR'
  /** The caller's `AbortSignal` fired. */
  | 'KIWOOM_ABORTED'
  /** The rate limiter's wait queue for this api-id is full: the caller asks faster than the quota. */
  | 'KIWOOM_QUEUE_FULL';

/** Every code, once (a Record so that a code added to the type must be added here). */
const EVERY_CODE: Readonly<Record<KiwoomErrorCode, true>> = {
  KIWOOM_AUTH_FAILED: true,
  KIWOOM_TOKEN_REJECTED: true,
  KIWOOM_RATE_LIMITED: true,
  KIWOOM_BATCH_TOO_LARGE: true,
  KIWOOM_BAD_REQUEST: true,
  KIWOOM_UNKNOWN_TICKER: true,
  KIWOOM_NOT_SUPPORTED: true,
  KIWOOM_UNAVAILABLE: true,
  KIWOOM_TIMEOUT: true,
  KIWOOM_BAD_RESPONSE: true,
  KIWOOM_UNKNOWN_ERROR: true,
  KIWOOM_ABORTED: true,
  KIWOOM_QUEUE_FULL: true,
};
export const KIWOOM_ERROR_CODES: readonly KiwoomErrorCode[] = Object.keys(EVERY_CODE) as KiwoomErrorCode[];

const RETRYABLE_CODES: ReadonlySet<KiwoomErrorCode> = new Set(['KIWOOM_RATE_LIMITED', 'KIWOOM_UNAVAILABLE', 'KIWOOM_TIMEOUT']);

export interface KiwoomErrorDetails {
  /** The documented 4-digit code, e.g. 8005 or 1700. */
  readonly kiwoomCode?: number | undefined;
  /** The `return_code` category of the body (1, 2, 3, 5, …). */
  readonly returnCode?: number | undefined;
  readonly httpStatus?: number | undefined;
  readonly apiId?: string | undefined;
  /** The per-second quota announced by a 1700 message (`유량=N`). */
  readonly quotaPerSecond?: number | undefined;
  /** Overrides the default for the code (rate limits, 5xx and timeouts are retryable). */
  readonly retryable?: boolean | undefined;
  readonly cause?: unknown;
}

export class KiwoomError extends Error {
  override readonly name = 'KiwoomError';
  readonly code: KiwoomErrorCode;
  readonly kiwoomCode?: number;
  readonly returnCode?: number;
  readonly httpStatus?: number;
  readonly apiId?: string;
  readonly quotaPerSecond?: number;
  /** True when sending the same request again later can succeed. */
  readonly retryable: boolean;

  constructor(code: KiwoomErrorCode, message: string, details: KiwoomErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? RETRYABLE_CODES.has(code);
    if (details.kiwoomCode !== undefined) this.kiwoomCode = details.kiwoomCode;
    if (details.returnCode !== undefined) this.returnCode = details.returnCode;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.apiId !== undefined) this.apiId = details.apiId;
    if (details.quotaPerSecond !== undefined) this.quotaPerSecond = details.quotaPerSecond;
  }
}

export function isKiwoomError(value: unknown): value is KiwoomError {
  return value instanceof KiwoomError;
}

/** The 4-digit code inside `return_msg`: `"인증에 실패했습니다[8005:Token이 …]"` → 8005 (§4.2). */
export function parseKiwoomCode(returnMsg: string): number | undefined {
  const match = /\[(\d{4}):/.exec(returnMsg);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The quota of a 1700 message: `"… 유량=5, API ID=ka10081]"` → 5 (per second, per api-id). */
export function parseQuota(returnMsg: string): number | undefined {
  const match = /유량\s*=\s*(\d+)/.exec(returnMsg);
  const quota = match?.[1] === undefined ? undefined : Number(match[1]);
  return quota !== undefined && quota > 0 ? quota : undefined;
}

/** `return_code` as a number: live bodies send `0`, some fixtures `"0"` (§2.1). */
export function readReturnCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

const CODE_CLASSES: ReadonlyArray<readonly [KiwoomErrorCode, readonly number[]]> = [
  ['KIWOOM_TOKEN_REJECTED', [8005, 8031, 8103]],
  ['KIWOOM_RATE_LIMITED', [1687, 1700, 1701, 1702]],
  ['KIWOOM_BATCH_TOO_LARGE', [1634]],
  // 1513–1516 are a missing or malformed authorization header: our bug, like the input codes.
  ['KIWOOM_BAD_REQUEST', [1501, 1504, 1505, 1511, 1512, 1513, 1514, 1515, 1516, 1517]],
  ['KIWOOM_UNKNOWN_TICKER', [1901, 1902, 1903]],
  // 8003/8006/8009 (token lookup or issue failed) and 8015/8016 (revoke) are not in §4.5; we
  // treat them as authentication failures rather than retrying them blindly.
  ['KIWOOM_AUTH_FAILED', [8001, 8002, 8003, 8006, 8009, 8010, 8011, 8012, 8015, 8016, 8020, 8030, 8040, 8050]],
  ['KIWOOM_NOT_SUPPORTED', [8104, 8200]],
  ['KIWOOM_UNAVAILABLE', [1999]],
];

const CODE_TO_CLASS: ReadonlyMap<number, KiwoomErrorCode> = new Map(
  CODE_CLASSES.flatMap(([errorCode, kiwoomCodes]) => kiwoomCodes.map((k) => [k, errorCode] as const)),
);

/** The class of a documented 4-digit code per §4.5, or undefined for a code we do not know. */
export function classifyKiwoomCode(kiwoomCode: number): KiwoomErrorCode | undefined {
  return CODE_TO_CLASS.get(kiwoomCode);
}

/** The class of a `return_code` category when the 4-digit code is unknown or absent (§4.1). */
function classifyCategory(returnCode: number): KiwoomErrorCode {
  switch (returnCode) {
    case 1:
    case 2:
      return 'KIWOOM_BAD_REQUEST';
    case 3:
      return 'KIWOOM_AUTH_FAILED';
    case 5:
      return 'KIWOOM_RATE_LIMITED';
    default:
      return 'KIWOOM_UNKNOWN_ERROR';
  }
}

function classifyHttpStatus(status: number): KiwoomErrorCode {
  if (status >= 500) return 'KIWOOM_UNAVAILABLE';
  if (status === 429) return 'KIWOOM_RATE_LIMITED';
  if (status === 401) return 'KIWOOM_TOKEN_REJECTED';
  if (status === 403) return 'KIWOOM_AUTH_FAILED';
  if (status === 408) return 'KIWOOM_TIMEOUT';
  if (status >= 400) return 'KIWOOM_BAD_REQUEST';
  return 'KIWOOM_BAD_RESPONSE';
}

/** A parsed success body: every data field Kiwoom sends, still under Kiwoom's names. */
export type KiwoomBody = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    // Not JSON (an HTML error page, a truncated body): the caller classifies by HTTP status.
    return undefined;
  }
}

const MAX_BODY_IN_MESSAGE = 120;
const MAX_VALUE_IN_MESSAGE = 40;

/**
 * A response value for an error message: a string quoted and cut short, a number or literal as
 * written, anything else by its kind. Never JSON.stringify on a body value: a field nested a few
 * thousand levels deep overflows its recursion, and a huge one floods the log line.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_VALUE_IN_MESSAGE ? `${value.slice(0, MAX_VALUE_IN_MESSAGE)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? `an array of ${value.length}` : `an ${typeof value}`;
}

/**
 * Turns an HTTP status and body text into the success body, or throws the classified
 * `KiwoomError` (§4.1–4.5). Order: HTTP 5xx is server trouble whatever the body says; otherwise
 * a known 4-digit code decides; otherwise HTTP 429/401/4xx; otherwise the `return_code` category.
 */
export function parseKiwoomResponse(httpStatus: number, bodyText: string, apiId?: string): KiwoomBody {
  const body = parseJsonObject(bodyText);
  const returnCode = body === undefined ? undefined : readReturnCode(body['return_code']);
  const returnMsg = body !== undefined && typeof body['return_msg'] === 'string' ? body['return_msg'] : undefined;
  const isSuccessStatus = httpStatus >= 200 && httpStatus < 300;
  if (isSuccessStatus && body !== undefined && returnCode === 0) return body;

  const bracketCode = returnMsg === undefined ? undefined : parseKiwoomCode(returnMsg);
  // §4.2 step 3: without a bracket, a 4-digit return_code is itself the table code.
  const kiwoomCode = bracketCode ?? (returnCode !== undefined && returnCode >= 1000 ? returnCode : undefined);
  const quotaPerSecond = returnMsg === undefined ? undefined : parseQuota(returnMsg);
  const prefix = apiId ?? 'kiwoom';
  const describe = (): string => {
    if (returnMsg !== undefined) return `${prefix}: ${returnMsg}`;
    const snippet = bodyText.slice(0, MAX_BODY_IN_MESSAGE).replace(/\s+/g, ' ');
    return `${prefix}: HTTP ${httpStatus}${snippet === '' ? '' : ` ${snippet}`}`;
  };
  const details = { kiwoomCode, returnCode, httpStatus, apiId, quotaPerSecond };

  if (httpStatus >= 500) return throwError('KIWOOM_UNAVAILABLE', describe(), details);
  const byCode = kiwoomCode === undefined ? undefined : classifyKiwoomCode(kiwoomCode);
  if (byCode !== undefined) return throwError(byCode, describe(), details);
  if (!isSuccessStatus) return throwError(classifyHttpStatus(httpStatus), describe(), details);
  if (body === undefined) {
    return throwError('KIWOOM_BAD_RESPONSE', `${prefix}: the body is not a JSON object`, details);
  }
  if (returnCode === undefined) {
    return throwError('KIWOOM_BAD_RESPONSE', `${prefix}: the body has no return_code`, details);
  }
  return throwError(classifyCategory(returnCode), describe(), details);
}

function throwError(code: KiwoomErrorCode, message: string, details: KiwoomErrorDetails): never {
  throw new KiwoomError(code, message, details);
}
