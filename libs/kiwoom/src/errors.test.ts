import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fake-kiwoom.js';
import {
  KiwoomError,
  classifyKiwoomCode,
  parseKiwoomCode,
  parseKiwoomResponse,
  parseQuota,
  readReturnCode,
  type KiwoomErrorCode,
} from './errors.js';

function errorOf(status: number, body: string, apiId = 'ka10001'): KiwoomError {
  try {
    parseKiwoomResponse(status, body, apiId);
  } catch (err) {
    if (err instanceof KiwoomError) return err;
    throw err;
  }
  throw new Error('expected a KiwoomError');
}

const msg = (returnCode: number, code: number, detail = 'detail'): string =>
  JSON.stringify({ return_code: returnCode, return_msg: `오류입니다[${code}:${detail}]` });

describe('parseKiwoomResponse', () => {
  it('returns the body of a success, with return_code as a number or the string "0"', () => {
    expect(parseKiwoomResponse(200, fixture('ka10001.success'))['stk_cd']).toBe('005930');
    expect(parseKiwoomResponse(200, '{"return_code":"0","x":"1"}')['x']).toBe('1');
  });

  it('treats return_code 0 with a notice as a success (§4.4)', () => {
    const body = parseKiwoomResponse(200, '{"return_code":0,"return_msg":"최근 2개월 이내 조회만 가능합니다","list":[]}');
    expect(body['list']).toEqual([]);
  });

  it.each<[string, number, string, KiwoomErrorCode, number | undefined, boolean]>([
    // [case, HTTP status, body, code, kiwoomCode, retryable]
    ['live 8005 (token)', 200, fixture('ka10001.error-8005'), 'KIWOOM_TOKEN_REJECTED', 8005, false],
    ['live 8030 (mode)', 200, fixture('au10001.error-8030'), 'KIWOOM_AUTH_FAILED', 8030, false],
    ['live 8020 (keys missing)', 200, fixture('au10001.error-8020'), 'KIWOOM_AUTH_FAILED', 8020, false],
    ['live 1700 with HTTP 429', 429, fixture('ka10001.error-1700'), 'KIWOOM_RATE_LIMITED', 1700, true],
    ['1700 answered with HTTP 200', 200, fixture('ka10001.error-1700'), 'KIWOOM_RATE_LIMITED', 1700, true],
    ['HTTP 429 with a non-JSON body', 429, 'Too Many Requests', 'KIWOOM_RATE_LIMITED', undefined, true],
    ['1701 total cap', 200, msg(5, 1701), 'KIWOOM_RATE_LIMITED', 1701, true],
    ['1702 group cap', 200, msg(5, 1702), 'KIWOOM_RATE_LIMITED', 1702, true],
    ['1687 recursion', 200, msg(5, 1687), 'KIWOOM_RATE_LIMITED', 1687, true],
    ['1634 batch too large', 429, msg(5, 1634), 'KIWOOM_BATCH_TOO_LARGE', 1634, false],
    ['live 1504 wrong path', 200, fixture('ka10001.error-1504'), 'KIWOOM_BAD_REQUEST', 1504, false],
    ['1511 required field', 200, fixture('ka10081.error-1511'), 'KIWOOM_BAD_REQUEST', 1511, false],
    ['1501 api-id missing', 200, msg(1, 1501), 'KIWOOM_BAD_REQUEST', 1501, false],
    ['1505 api-id unknown', 200, msg(1, 1505), 'KIWOOM_BAD_REQUEST', 1505, false],
    ['1512 header unreadable', 200, msg(1, 1512), 'KIWOOM_BAD_REQUEST', 1512, false],
    ['1513 authorization missing', 200, msg(2, 1513), 'KIWOOM_BAD_REQUEST', 1513, false],
    ['1516 token missing in header', 200, msg(2, 1516), 'KIWOOM_BAD_REQUEST', 1516, false],
    ['1517 malformed field', 200, msg(2, 1517), 'KIWOOM_BAD_REQUEST', 1517, false],
    ['1901 market code', 200, msg(2, 1901), 'KIWOOM_UNKNOWN_TICKER', 1901, false],
    ['1902 unknown stock', 200, msg(2, 1902), 'KIWOOM_UNKNOWN_TICKER', 1902, false],
    ['1903 unknown stock on exchange', 200, msg(2, 1903), 'KIWOOM_UNKNOWN_TICKER', 1903, false],
    ['1999 unexpected server error', 200, msg(1, 1999), 'KIWOOM_UNAVAILABLE', 1999, true],
    ['8001 key check failed', 200, msg(3, 8001), 'KIWOOM_AUTH_FAILED', 8001, false],
    ['8010 IP mismatch', 200, msg(3, 8010), 'KIWOOM_AUTH_FAILED', 8010, false],
    ['8031 token of the other mode', 200, msg(2, 8031), 'KIWOOM_TOKEN_REJECTED', 8031, false],
    ['8103 token or device auth', 200, msg(3, 8103), 'KIWOOM_TOKEN_REJECTED', 8103, false],
    ['8050 device', 200, msg(3, 8050), 'KIWOOM_AUTH_FAILED', 8050, false],
    ['8104 not on the mock host', 200, msg(2, 8104), 'KIWOOM_NOT_SUPPORTED', 8104, false],
    ['8200 not for corporate accounts', 200, msg(2, 8200), 'KIWOOM_NOT_SUPPORTED', 8200, false],
    ['HTTP 500 with an HTML page', 500, '<html>Internal Server Error</html>', 'KIWOOM_UNAVAILABLE', undefined, true],
    ['HTTP 502 with an empty body', 502, '', 'KIWOOM_UNAVAILABLE', undefined, true],
    ['HTTP 503 with a Kiwoom body', 503, msg(1, 1999), 'KIWOOM_UNAVAILABLE', 1999, true],
    ['HTTP 401 without a body', 401, '', 'KIWOOM_TOKEN_REJECTED', undefined, false],
    ['HTTP 401 with 8005', 401, fixture('ka10001.error-8005'), 'KIWOOM_TOKEN_REJECTED', 8005, false],
    ['HTTP 403', 403, 'Forbidden', 'KIWOOM_AUTH_FAILED', undefined, false],
    ['HTTP 404', 404, 'Not Found', 'KIWOOM_BAD_REQUEST', undefined, false],
    ['HTTP 408', 408, '', 'KIWOOM_TIMEOUT', undefined, true],
    ['HTTP 200 with HTML', 200, '<html>maintenance</html>', 'KIWOOM_BAD_RESPONSE', undefined, false],
    ['HTTP 200 with a JSON array', 200, '[]', 'KIWOOM_BAD_RESPONSE', undefined, false],
    ['HTTP 200 with a truncated body', 200, '{"return_code":0,"stk', 'KIWOOM_BAD_RESPONSE', undefined, false],
    ['HTTP 200 without return_code', 200, '{"stk_cd":"005930"}', 'KIWOOM_BAD_RESPONSE', undefined, false],
    [
      'table-code form (official client)',
      200,
      '{"return_code":8005,"return_msg":"Token이 유효하지 않습니다"}',
      'KIWOOM_TOKEN_REJECTED',
      8005,
      false,
    ],
    ['unknown code, input category', 200, msg(2, 1234), 'KIWOOM_BAD_REQUEST', 1234, false],
    ['unknown code, auth category', 200, msg(3, 8999), 'KIWOOM_AUTH_FAILED', 8999, false],
    ['unknown code, limit category', 200, msg(5, 1799), 'KIWOOM_RATE_LIMITED', 1799, true],
    ['unknown category without a bracket', 200, '{"return_code":4,"return_msg":"?"}', 'KIWOOM_UNKNOWN_ERROR', undefined, false],
  ])('classifies %s', (_case, status, body, code, kiwoomCode, retryable) => {
    const err = errorOf(status, body);
    expect(err.code).toBe(code);
    expect(err.kiwoomCode).toBe(kiwoomCode);
    expect(err.retryable).toBe(retryable);
    expect(err.httpStatus).toBe(status);
    expect(err.apiId).toBe('ka10001');
  });

  it('carries the category, the quota and the message of a 1700', () => {
    const err = errorOf(429, fixture('ka10001.error-1700'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('KiwoomError');
    expect(err.returnCode).toBe(5);
    expect(err.quotaPerSecond).toBe(1);
    expect(err.message).toContain('ka10001: 허용된 요청 개수를 초과하였습니다');
  });

  it('names the status and a short body snippet when there is no return_msg', () => {
    expect(errorOf(502, '<html>\n  Bad Gateway\n</html>').message).toBe('ka10001: HTTP 502 <html> Bad Gateway </html>');
  });
});

describe('code parsing helpers', () => {
  it('takes the 4-digit code from the bracket, never from the text', () => {
    expect(parseKiwoomCode('인증에 실패했습니다[8005:Token이 유효하지 않습니다]')).toBe(8005);
    expect(parseKiwoomCode('no bracket 8005')).toBeUndefined();
    expect(parseKiwoomCode('[12345:five digits]')).toBeUndefined();
  });

  it('reads 유량=N', () => {
    expect(parseQuota('[1700:허용된 API 요청 개수를 초과하였습니다. 유량=5, API ID=ka10081]')).toBe(5);
    expect(parseQuota('[1700:허용된 요청 개수를 초과하였습니다. API ID=ka10001]')).toBeUndefined();
    expect(parseQuota('유량=0')).toBeUndefined();
  });

  it('reads return_code as a number or a numeric string', () => {
    expect(readReturnCode(0)).toBe(0);
    expect(readReturnCode('0')).toBe(0);
    expect(readReturnCode('3')).toBe(3);
    expect(readReturnCode('x')).toBeUndefined();
    expect(readReturnCode(undefined)).toBeUndefined();
  });

  it('knows every code of the §4.5 table', () => {
    expect(classifyKiwoomCode(8005)).toBe('KIWOOM_TOKEN_REJECTED');
    expect(classifyKiwoomCode(1700)).toBe('KIWOOM_RATE_LIMITED');
    expect(classifyKiwoomCode(4242)).toBeUndefined();
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new KiwoomError('KIWOOM_UNAVAILABLE', 'x', { cause }).cause).toBe(cause);
    expect(new KiwoomError('KIWOOM_UNAVAILABLE', 'x', { retryable: false }).retryable).toBe(false);
  });
});
