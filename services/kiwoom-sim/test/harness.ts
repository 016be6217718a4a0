/**
 * Starts the simulator on loopback port 0 over the fake market, with the clock standing still at
 * a known KST instant unless a test says otherwise, and registers its stop right away.
 */
import { onTestFinished } from 'vitest';
import { silentLogger } from '@repo/observability';
import { createClockFromConfig, createKiwoomSim, type KiwoomSim } from '../src/app.js';
import type { AdjustableClock } from '../src/clock.js';
import { parseKiwoomSimConfig, type KiwoomSimConfig } from '../src/config.js';
import type { SimMarket } from '../src/market/model.js';
import { createFakeMarket } from './fake-market.js';

/** Wednesday 2025-09-10 10:30 KST: continuous trading. */
export const IN_SESSION = '2025-09-10T10:30:00+09:00';
export const APP_KEY = 'sim-app-key';
export const SECRET_KEY = 'sim-secret-key';

export type Json = Record<string, unknown>;
export type Row = Record<string, string>;

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Json;
}

export interface TestSim {
  readonly sim: KiwoomSim;
  readonly config: KiwoomSimConfig;
  readonly clock: AdjustableClock;
  readonly market: SimMarket;
  readonly url: string;
  /** POSTs JSON to a Kiwoom path with the given headers. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** A TR call with a valid token (issued on first use). */
  tr(apiId: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Issues (or re-issues) a token with the default keys. */
  issueToken(): Promise<string>;
  admin(method: string, path: string, body?: unknown): Promise<Reply>;
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  readonly historyDays?: number;
}

export async function startTestSim(options: StartOptions = {}): Promise<TestSim> {
  const config = parseKiwoomSimConfig({
    KIWOOM_SIM_PORT: '0',
    KIWOOM_SIM_CLOCK: IN_SESSION,
    KIWOOM_SIM_SPEED: '0',
    ...options.env,
  });
  const clock = createClockFromConfig(config, Date.now);
  const market = createFakeMarket({ clock, historyDays: options.historyDays ?? 60 });
  const sim = createKiwoomSim({ config, logger: silentLogger, market, clock });
  await sim.start();
  onTestFinished(() => sim.stop());
  let token: string | undefined;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    reply(
      await fetch(`${sim.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const issueToken = async (): Promise<string> => {
    const r = await post('/oauth2/token', { grant_type: 'client_credentials', appkey: config.appKey, secretkey: config.secretKey });
    if (typeof r.json['token'] !== 'string') throw new Error(`no token: ${r.text}`);
    token = r.json['token'];
    return token;
  };
  return {
    sim,
    config,
    clock,
    market,
    url: sim.url,
    post,
    issueToken,
    async tr(apiId, body, headers = {}) {
      const bearer = token ?? (await issueToken());
      return post(pathFor(apiId), body, { 'api-id': apiId, authorization: `Bearer ${bearer}`, ...headers });
    },
    async admin(method, path, body) {
      return reply(
        await fetch(`${sim.url}${path}`, {
          method,
          ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        }),
      );
    },
  };
}

export function pathFor(apiId: string): string {
  const category: Record<string, string> = {
    ka10001: 'stkinfo',
    ka10095: 'stkinfo',
    ka10099: 'stkinfo',
    ka10081: 'chart',
    ka10086: 'mrkcond',
    ka10007: 'mrkcond',
    ka10004: 'mrkcond',
    ka20001: 'sect',
  };
  return `/api/dostk/${category[apiId] ?? 'stkinfo'}`;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: Json = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) json = parsed as Json;
  } catch {
    // Not JSON (a 5xx page); tests look at `text`.
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The rows under a list key, typed for assertions. */
export function rowsOf(json: Json, key: string): Row[] {
  const rows = json[key];
  if (!Array.isArray(rows)) throw new Error(`no list ${key} in ${JSON.stringify(json).slice(0, 200)}`);
  return rows as Row[];
}

/** The 4-digit code inside `return_msg` brackets (kiwoom-rest.md §4.2). */
export function codeOf(json: Json): number | undefined {
  const message = json['return_msg'];
  const match = /\[(\d{4}):/.exec(typeof message === 'string' ? message : '');
  return match === null ? undefined : Number(match[1]);
}

/**
 * A request through node:http, which keeps header names exactly as written (fetch lower-cases
 * them), for the case-insensitivity checks.
 */
export async function rawRequest(
  url: string,
  options: { readonly method: string; readonly headers: Record<string, string>; readonly body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: Json }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? {} : (JSON.parse(text) as Json) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
