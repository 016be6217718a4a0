/**
 * Test doubles for the Kiwoom host: a tiny node:http server on port 0 and a scripted `fetch`.
 * Both record every request so tests assert on headers, bodies and counts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchLike } from '../src/http.js';

/** A recorded Kiwoom response body from `src/fixtures/`, named `<tr>.<case>.json`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../src/fixtures/${name}.json`, import.meta.url), 'utf8');
}

export function fixtureJson(name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(fixture(name));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${name} is not an object`);
  return value as Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; an object as JSON. */
  readonly body?: string | object;
  /** `reset`: the socket closes mid-response; `hang`: never answers. */
  readonly fault?: 'reset' | 'hang';
}

export type FakeHandler = (request: RecordedRequest) => FakeReply;

export const OK_MSG = '정상적으로 처리되었습니다';

/** An au10001 success that expires `expiresDt` (KST `YYYYMMDDHHmmss`). */
export function tokenReply(token: string, expiresDt = '20991231235959'): FakeReply {
  return { body: { expires_dt: expiresDt, token_type: 'bearer', token, return_code: 0, return_msg: OK_MSG } };
}

export function kiwoomError(returnCode: number, code: number, detail: string, status = 200): FakeReply {
  const phrase: Record<number, string> = {
    1: '잘못된 요청입니다',
    2: '입력 값 오류입니다',
    3: '인증에 실패했습니다',
    5: '허용된 요청 개수를 초과하였습니다',
  };
  return { status, body: { return_code: returnCode, return_msg: `${phrase[returnCode] ?? '오류'}[${code}:${detail}]` } };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseBody(text: string): Record<string, unknown> {
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export interface FakeKiwoomServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Requests to TR paths only (not `/oauth2/*`). */
  trRequests(): RecordedRequest[];
  tokenRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a fake Kiwoom host on 127.0.0.1, port 0. Register `close` right after. */
export async function startFakeKiwoom(handler: FakeHandler): Promise<FakeKiwoomServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: flattenHeaders(req.headers),
        body: parseBody(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(recorded);
      const reply = handler(recorded);
      if (reply.fault === 'hang') return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      if (reply.fault === 'reset') {
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(text.length + 100) });
        res.write(text.slice(0, 5));
        res.socket?.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json;charset=UTF-8',
        ...(reply.headers ?? {}),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    trRequests: () => requests.filter((r) => !r.path.startsWith('/oauth2/')),
    tokenRequests: () => requests.filter((r) => r.path === '/oauth2/token'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}

export interface ScriptedCall {
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/**
 * A `fetch` that answers from `handler` without any I/O, so fake timers drive everything. A
 * `hang` reply stays pending until the request's signal aborts, like a silent server.
 */
export function scriptedFetch(handler: FakeHandler): { fetch: FetchLike; calls: ScriptedCall[] } {
  const calls: ScriptedCall[] = [];
  const fetchFn: FetchLike = (url, init) => {
    const path = new URL(url).pathname;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = parseBody(typeof init.body === 'string' ? init.body : '');
    const call: ScriptedCall = { url, path, headers, body };
    calls.push(call);
    const reply = handler({ method: init.method ?? 'GET', path, headers, body });
    const signal = init.signal;
    if (reply.fault === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')), {
          once: true,
        });
      });
    }
    if (reply.fault === 'reset') return Promise.reject(new TypeError('fetch failed', { cause: new Error('socket hang up') }));
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    return Promise.resolve(new Response(text, { status: reply.status ?? 200, headers: { ...(reply.headers ?? {}) } }));
  };
  return { fetch: fetchFn, calls };
}
