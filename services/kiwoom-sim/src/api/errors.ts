/**
 * The wire error format of the Kiwoom REST API (kiwoom-rest.md §4.1, §9 item 7):
 * `{"return_code":<category>,"return_msg":"<category phrase>[<4-digit code>:<detail>]"}`.
 * `return_code` is the small category, never the 4-digit code; the code travels inside the
 * brackets. Every error the simulator sends is built here, so the catalogue stays in one place.
 */

/** `return_code` categories seen on the wire. */
export const ReturnCode = {
  Ok: 0,
  BadRequest: 1,
  InputError: 2,
  AuthFailed: 3,
  LimitExceeded: 5,
} as const;
export type ErrorCategory = 1 | 2 | 3 | 5;

export const OK_MESSAGE = '정상적으로 처리되었습니다';

const CATEGORY_PHRASE: Readonly<Record<ErrorCategory, string>> = {
  1: '잘못된 요청입니다',
  2: '입력 값 오류입니다',
  3: '인증에 실패했습니다',
  5: '허용된 요청 개수를 초과하였습니다',
};

/** One Kiwoom business error: the HTTP status, the category and the bracketed code and detail. */
export class KiwoomApiError extends Error {
  override readonly name = 'KiwoomApiError';

  constructor(
    readonly httpStatus: number,
    readonly category: ErrorCategory,
    /** The documented 4-digit code (8005, 1700, …). */
    readonly code: number,
    readonly detail: string,
  ) {
    super(`${CATEGORY_PHRASE[category]}[${code}:${detail}]`);
  }

  /** The JSON body exactly as Kiwoom sends it, `return_code` first. */
  toBody(): { return_code: number; return_msg: string } {
    return { return_code: this.category, return_msg: this.message };
  }

  /** A copy with another HTTP status (429 answered as 200, 8005 as 401). */
  withStatus(httpStatus: number): KiwoomApiError {
    return new KiwoomApiError(httpStatus, this.category, this.code, this.detail);
  }
}

const e = (status: number, category: ErrorCategory, code: number, detail: string): KiwoomApiError =>
  new KiwoomApiError(status, category, code, detail);

/**
 * The catalogue. Texts follow the spec table (§4.3) with the `{?}` placeholders filled in, and the
 * wire wording where a live capture differs (8020 `전달되지`).
 */
export const kiwoomErrors = {
  // Requests (return_code 1).
  missingApiId: () => e(200, 1, 1501, 'API ID가 Null이거나 값이 없습니다'),
  wrongPath: (apiId: string, path: string) => e(200, 1, 1504, `해당 URI에서는 지원하는 API ID가 아닙니다. API ID=${apiId}, URI=${path}`),
  unknownApiId: (apiId: string) => e(200, 1, 1505, `해당 API ID는 존재하지 않습니다. API ID=${apiId}`),
  /** Content-Type is not application/json*. HTTP 415: the request never reached a TR. */
  unreadableHeader: () => e(415, 1, 1512, 'Http header에 값이 설정되지 않았거나 읽을 수 없습니다'),
  /** A TR the route table knows but the simulator does not implement. HTTP 501. */
  notImplemented: (apiId: string) =>
    e(501, 1, 1999, `예기치 못한 에러가 발생했습니다. 실패사유=시뮬레이터에 구현되지 않은 API입니다. API ID=${apiId}`),
  internal: (reason: string) => e(500, 1, 1999, `예기치 못한 에러가 발생했습니다. 실패사유=${reason}`),

  // Input (return_code 2).
  missingField: (name: string) => e(200, 2, 1511, `필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=${name}`),
  missingAuthorization: () => e(200, 2, 1513, 'Http Header에 authorization 필드가 설정되어 있어야 합니다'),
  badAuthorization: () => e(200, 2, 1514, '입력으로 들어온 Http Header의 authorization 필드 형식이 맞지 않습니다'),
  badField: (name: string, reason: string) => e(200, 2, 1517, `입력 값 형식이 올바르지 않습니다. 파라미터=${name} 실패사유=${reason}`),
  /** Not POST. HTTP 405, with the 1517 body so the client still sees a Kiwoom-shaped error. */
  badMethod: (method: string) => e(405, 2, 1517, `입력 값 형식이 올바르지 않습니다. 파라미터=method 실패사유=${method}: POST만 허용됩니다`),
  unknownStock: (code: string) => e(200, 2, 1902, `종목 정보가 없습니다. 입력한 종목코드 값을 확인바랍니다. 종목코드=${code}`),
  unknownStockOnExchange: (exchange: string, code: string) =>
    e(200, 2, 1903, `종목 정보가 없습니다. 입력한 종목코드, 거래소구분 값을 확인바랍니다. 거래소구분=${exchange}, 종목코드=${code}`),
  missingGrantType: () => e(200, 2, 8011, '입력값에 grant_type이 들어오지 않았습니다'),
  badGrantType: () => e(200, 2, 8012, 'grant_type의 값이 맞지 않습니다'),
  missingRevokeToken: () => e(200, 2, 8016, '입력값에 Token이 들어오지 않았습니다'),
  missingKeys: () => e(200, 2, 8020, '입력파라미터로 appkey 또는 secretkey가 전달되지 않았습니다.'),
  otherModeKey: () => e(200, 2, 8030, '투자구분(실전/모의)이 달라서 Appkey를 사용할수가 없습니다'),
  mockUnsupported: () => e(200, 2, 8104, '모의투자에서 지원하지 않는 API 입니다.'),

  // Authentication (return_code 3).
  badCredentials: () => e(200, 3, 8001, 'App Key와 Secret Key 검증에 실패했습니다'),
  invalidToken: () => e(200, 3, 8005, 'Token이 유효하지 않습니다'),
  revokeFailed: () => e(200, 3, 8015, 'Access Token을 폐기하는데 실패했습니다'),

  // Limits (return_code 5).
  rateLimited: (apiId: string, quota: number) => e(429, 5, 1700, `허용된 API 요청 개수를 초과하였습니다. 유량=${quota}, API ID=${apiId}`),
  totalCap: (quota: number) => e(429, 5, 1701, `허용된 전체 요청 개수를 초과하였습니다. 총유량=${quota}`),
  /**
   * ka10095 with more than 100 codes. The one report gives the category and code only; HTTP 200
   * (not 429) is our choice, so a client that looks at the status first cannot mistake it for
   * throttling: 1634 must be split, never retried as is (§4.5).
   */
  batchTooLarge: (count: number, max: number) =>
    e(200, 5, 1634, `한 번에 조회할 수 있는 종목 수를 초과하였습니다. 요청 종목 수=${count}, 최대=${max}`),
} as const;
