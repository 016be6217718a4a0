/**
 * createKiwoomSim: the Kiwoom REST simulator over node:http, built from what it is given, so the
 * standalone process, other services' tests and this package's tests can embed it on loopback.
 * One listener serves both the Kiwoom paths and the admin API (`/admin/*`).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@repo/observability';
import { ADMIN_PREFIX, createAdminApi } from './admin.js';
import { createTokenStore, type TokenStore } from './api/auth.js';
import { createKiwoomApi, type KiwoomResponse } from './api/pipeline.js';
import { createRateLimiter } from './api/rate-limit.js';
import { adaptSimClock, parseInstant, type AdjustableClock } from './clock.js';
import type { KiwoomSimConfig } from './config.js';
import { createFaultSet, type FaultSet } from './faults.js';
import type { SimMarket } from './market/model.js';
import { createSimClock, sessionStart } from './market/sim-clock.js';
import { createSimMarket } from './market/sim-market.js';
import { createRequestStats, type RequestStats } from './stats.js';

/** Largest request body read; Kiwoom bodies are a few hundred bytes (100 codes ≈ 2 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export type KiwoomSimOptions = Pick<
  KiwoomSimConfig,
  | 'host'
  | 'port'
  | 'adminToken'
  | 'mode'
  | 'appKey'
  | 'secretKey'
  | 'otherAppKey'
  | 'otherSecretKey'
  | 'seed'
  | 'clock'
  | 'speed'
  | 'pageSize'
  | 'rateLimits'
  | 'totalRateLimit'
  | 'rateLimitStatus'
  | 'tokenLifetimeMs'
>;

export interface KiwoomSimDeps {
  readonly config: KiwoomSimOptions;
  readonly logger: Logger;
  /**
   * The simulated clock; built from `config.clock`/`config.speed` when absent. Pass it together
   * with `market` when the market is given, so admin clock changes reach the market.
   */
  readonly clock?: AdjustableClock;
  /** The simulated market; `createSimMarket({ seed: config.seed, clock })` when absent. */
  readonly market?: SimMarket;
  /** The wall clock in epoch ms, for `session`/`wall` starts. @default Date.now */
  readonly wallNow?: () => number;
}

export interface KiwoomSim {
  start(): Promise<void>;
  /** Closes the listener and every open connection (pending slow responses included); idempotent. */
  stop(): Promise<void>;
  /** The bound port, after start. */
  readonly port: number;
  /** `http://<host>:<port>`, after start. */
  readonly url: string;
  readonly faults: FaultSet;
  readonly clock: AdjustableClock;
  readonly market: SimMarket;
  readonly tokens: TokenStore;
  readonly stats: RequestStats;
}

export function createKiwoomSim(deps: KiwoomSimDeps): KiwoomSim {
  const { config, logger } = deps;
  const log = logger.child({ component: 'kiwoom-sim' });
  const wallNow = deps.wallNow ?? Date.now;
  const clock = deps.clock ?? createClockFromConfig(config, wallNow);
  const market = deps.market ?? createSimMarket({ seed: config.seed, clock });
  const nowMs = (): number => clock.now().getTime();

  const tokens = createTokenStore({
    keys: { appKey: config.appKey, secretKey: config.secretKey },
    otherModeKeys: { appKey: config.otherAppKey, secretKey: config.otherSecretKey },
    now: () => clock.now(),
    seed: config.seed,
    lifetimeMs: config.tokenLifetimeMs,
  });
  const limiter = createRateLimiter({
    mode: config.mode,
    overrides: config.rateLimits,
    totalPerSecond: config.totalRateLimit,
    now: nowMs,
  });
  const faults = createFaultSet({ seed: config.seed, now: nowMs });
  const stats = createRequestStats();
  const api = createKiwoomApi({
    market,
    mode: config.mode,
    seed: config.seed,
    pageSize: config.pageSize,
    tokens,
    limiter,
    rateLimitStatus: config.rateLimitStatus === '200' ? 200 : 429,
    faults,
    stats,
    logger: log,
  });
  const admin = createAdminApi({ faults, tokens, clock, market, stats, mode: config.mode });

  // Responses held back by a slow fault; cleared on stop.
  const delayTimers = new Set<NodeJS.Timeout>();
  let server: Server | undefined;
  let port = 0;
  let stopping: Promise<void> | undefined;

  /** /admin/health stays open (probes); the rest needs the token when one is configured. */
  function adminAllowed(path: string, authorization: string | undefined): boolean {
    if (config.adminToken === '' || path === `${ADMIN_PREFIX}health`) return true;
    const expected = Buffer.from(`Bearer ${config.adminToken}`);
    const given = Buffer.from(authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (body === 'aborted') {
      log.debug({ method, path }, 'request aborted by the client');
      return;
    }
    if (body === 'too_large') {
      sendRaw(res, 413, { 'content-type': 'application/json' }, JSON.stringify({ error: `body over ${MAX_BODY_BYTES} bytes` }));
      return;
    }
    if (path.startsWith(ADMIN_PREFIX)) {
      if (!adminAllowed(path, req.headers.authorization)) {
        sendRaw(res, 401, { 'content-type': 'application/json;charset=UTF-8' }, JSON.stringify({ error: 'admin token required' }));
        return;
      }
      const result = admin.handle(method, path, body);
      sendRaw(res, result.status, { 'content-type': 'application/json;charset=UTF-8' }, JSON.stringify(result.body));
      log.debug({ method, path, status: result.status }, 'admin request');
      return;
    }
    const response = api.handle({ method, path, headers: req.headers, body });
    deliver(res, response);
    log.debug(
      {
        path,
        apiId: response.apiId,
        status: response.status,
        returnCode: response.returnCode,
        delay: response.delay,
        reset: response.reset,
        durationMs: Math.round(performance.now() - started),
      },
      'kiwoom request',
    );
  }

  function deliver(res: ServerResponse, response: KiwoomResponse): void {
    if (response.reset === true) {
      resetMidBody(res, response);
      return;
    }
    if (response.delay === 'never') return; // held until the client gives up or stop() closes it
    if (response.delay === undefined || response.delay === 0) {
      sendRaw(res, response.status, response.headers, response.body);
      return;
    }
    const timer = setTimeout(() => {
      delayTimers.delete(timer);
      if (!res.destroyed) sendRaw(res, response.status, response.headers, response.body);
    }, response.delay);
    delayTimers.add(timer);
  }

  return {
    market,
    clock,
    faults,
    tokens,
    stats,
    get port() {
      return port;
    },
    get url() {
      return `http://${urlHost(config.host)}:${port}`;
    },
    async start() {
      if (server !== undefined) throw new Error('kiwoom-sim already started');
      // Builds the market's caches for the current session day now, so the first client call is
      // not the one that pays for them (about a second for the full universe).
      const first = market.universe()[0];
      if (first !== undefined) market.quote(first.ticker);
      market.index('001');
      const created = createServer((req, res) => {
        onRequest(req, res).catch((err: unknown) => {
          log.error({ err }, 'request handling failed');
          if (!res.headersSent) sendRaw(res, 500, { 'content-type': 'text/plain' }, 'internal error');
          else res.destroy();
        });
      });
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(config.port, config.host, () => {
          created.off('error', reject);
          resolve();
        });
      });
      port = (created.address() as AddressInfo).port;
    },
    stop() {
      stopping ??= (async () => {
        for (const timer of delayTimers) clearTimeout(timer);
        delayTimers.clear();
        const current = server;
        if (current === undefined) return;
        const closed = new Promise<void>((resolve) => current.close(() => resolve()));
        // Idle keep-alive sockets and never-answered requests would otherwise hold close() open.
        current.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
}

/**
 * The clock `KIWOOM_SIM_CLOCK` and `KIWOOM_SIM_SPEED` describe, on the market's SimClock:
 * `session` starts at 10:00 KST of the latest trading day whose 10:00 has passed (inside a
 * session even at night or on a weekend, so prices move at any hour), `wall` follows the wall
 * clock, an instant starts there; speed 0 stands still.
 */
export function createClockFromConfig(
  config: Pick<KiwoomSimOptions, 'clock' | 'speed'>,
  wallNow: () => number = Date.now,
): AdjustableClock {
  const instant = parseInstant(config.clock);
  const deps = { realNow: wallNow };
  if (config.clock === 'wall') return adaptSimClock(createSimClock({ start: 'now', speed: 1 }, deps));
  if (config.speed === 0) return adaptSimClock(createSimClock({ fixed: instant ?? sessionStart(wallNow()) }, deps));
  return adaptSimClock(createSimClock({ start: instant ?? 'session', speed: config.speed }, deps));
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The request body, or why there is none: over MAX_BODY_BYTES, or the client went away. */
async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large' | 'aborted'> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      // Keep reading past the limit so the client gets the 413 instead of a broken pipe.
      if (size <= MAX_BODY_BYTES) chunks.push(buffer);
    }
  } catch {
    // The stream fails only when the client aborts; there is no one left to answer.
    return 'aborted';
  }
  return size > MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks);
}

function sendRaw(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

/** Sends the headers and half the body, then resets the socket: the client sees a socket error. */
function resetMidBody(res: ServerResponse, response: KiwoomResponse): void {
  const bytes = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
    res.socket?.resetAndDestroy();
  });
}
