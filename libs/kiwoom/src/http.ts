import { abortError, type Timers } from './clock.js';
import { KiwoomError } from './errors.js';

/** The subset of the global `fetch` the client uses; injected by tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Kiwoom's documented request content type (§3.1). */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface PostJsonRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Covers the whole exchange: connect, headers and body. */
  readonly timeoutMs: number;
  readonly timers: Timers;
  /** Names the call in errors (`ka10001`, `au10001`). */
  readonly apiId: string;
  readonly signal?: AbortSignal | undefined;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One POST with a JSON body and a deadline. Transport failures become `KiwoomError`s here:
 * the deadline → `KIWOOM_TIMEOUT`, the caller's signal → `KIWOOM_ABORTED`, anything else
 * (refused, reset mid-body, DNS) → `KIWOOM_UNAVAILABLE`. HTTP statuses are left to the caller.
 */
export async function postJson(fetchFn: FetchLike, request: PostJsonRequest): Promise<HttpReply> {
  const { signal, apiId, timeoutMs } = request;
  if (signal?.aborted === true) throw abortError(signal);
  const controller = new AbortController();
  let timedOut = false;
  const cancelDeadline = request.timers.schedule(() => {
    timedOut = true;
    controller.abort(new Error(`no response within ${timeoutMs} ms`));
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    const response = await fetchFn(request.url, {
      method: 'POST',
      headers: { ...request.headers },
      body: JSON.stringify(request.body),
      signal: controller.signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (err) {
    if (timedOut) {
      throw new KiwoomError('KIWOOM_TIMEOUT', `${apiId}: no complete response within ${timeoutMs} ms`, { apiId, cause: err });
    }
    // Our controller aborts only on the deadline (handled above) or on the caller's signal.
    if (signal !== undefined && controller.signal.aborted) throw abortError(signal);
    throw new KiwoomError('KIWOOM_UNAVAILABLE', `${apiId}: request failed (${describeCause(err)})`, { apiId, cause: err });
  } finally {
    cancelDeadline();
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** undici reports `fetch failed` with the socket error (ECONNRESET, ECONNREFUSED) as its cause. */
function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
    return `${err.message}: ${code}`;
  }
  return err.message;
}
