import { ConfigError, bool, int, list, oneOf, parseConfig, str, url, type ConfigOf } from '@repo/config';
import { DEFAULT_WATCH_TICKERS } from '@repo/market';
import { isValidTicker } from '@repo/protocol';

export const DEFAULT_PORT = 8080;
export const DEFAULT_PING_INTERVAL_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 90_000;
export const DEFAULT_MAX_TOPICS = 200;
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024;
/** Below the 20,000 file descriptors a process may hold here, leaving room for NATS, Redis and logs. */
export const DEFAULT_MAX_CONNECTIONS = 19_000;
export const DEFAULT_MAX_BACKPRESSURE_BYTES = 256 * 1024;
/** A quarter of the hard cap: room for the ticks that arrive before the next sweep notices. */
export const DEFAULT_CONFLATE_BYTES = 64 * 1024;
export const DEFAULT_DRAIN_MS = 10_000;
/** Time the shutdown needs after the drain (closing NATS and Redis, flushing logs). */
const DRAIN_MARGIN_MS = 2_000;
/**
 * The seed's origin allow-list (seed-protocol.md §1). Pages served by the edge itself (same
 * origin as the Host header) are always allowed; `*` allows every origin.
 */
export const DEFAULT_ALLOWED_ORIGINS = [
  'http://localhost:5110',
  'http://127.0.0.1:5110',
  'http://localhost:3000',
  'http://127.0.0.1:3000',
  'https://ralphpark.com',
  'https://ralphpark.com:5110',
  'https://stock.ralphpark.com',
  'null',
];

/** Every knob of the edge: environment name, type, default and meaning. */
export const edgeConfigSchema = {
  host: str('EDGE_HOST', '127.0.0.1', 'Address to listen on (0.0.0.0 in a pod).'),
  port: int('PORT', DEFAULT_PORT, 'Port for WebSocket and HTTP; 0 picks a free one.', { min: 0, max: 65_535 }),
  portFile: str('EDGE_PORT_FILE', '', 'If set, the bound port is written to this file (tests, port 0).'),
  natsUrl: url('NATS_URL', ['nats:'], 'nats://127.0.0.1:4222', 'NATS server URL.'),
  redisUrl: url(
    'REDIS_URL',
    ['redis:', 'rediss:'],
    'redis://127.0.0.1:6379',
    'Redis for last values (lv:<topic>) and the legacy ws:broadcast:* relay.',
  ),
  redisKeyPrefix: str('EDGE_REDIS_KEY_PREFIX', '', 'Prefix for every Redis key and channel the edge uses.'),
  pingIntervalMs: int('EDGE_PING_INTERVAL_MS', DEFAULT_PING_INTERVAL_MS, 'Server heartbeat {"type":"ping"} period.', { min: 10 }),
  idleTimeoutMs: int(
    'EDGE_IDLE_TIMEOUT_MS',
    DEFAULT_IDLE_TIMEOUT_MS,
    'A client silent this long is closed with 4000 (must exceed the ping interval).',
    { min: 20 },
  ),
  maxTopicsPerConnection: int('EDGE_MAX_TOPICS', DEFAULT_MAX_TOPICS, 'Topics one connection may subscribe to.', { min: 1 }),
  maxTopicsPerEdge: int('EDGE_MAX_TOTAL_TOPICS', 50_000, 'Distinct topics with local subscribers on one edge.', { min: 1 }),
  maxFrameBytes: int('EDGE_MAX_FRAME_BYTES', DEFAULT_MAX_FRAME_BYTES, 'Largest client frame; larger closes with 1009.', { min: 64 }),
  maxConnections: int('EDGE_MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 'Open sockets per edge; upgrades beyond get 503.', { min: 1 }),
  maxBackpressureBytes: int(
    'EDGE_MAX_BACKPRESSURE_BYTES',
    DEFAULT_MAX_BACKPRESSURE_BYTES,
    'Per-socket hard cap: send buffer (plus backlog) beyond which the slow-client policy closes (1013) or drops.',
    { min: 1024 },
  ),
  slowClientPolicy: oneOf(
    'EDGE_SLOW_CLIENT_POLICY',
    ['conflate', 'close', 'drop'] as const,
    'conflate',
    'Slow readers: conflate price/index ticks past EDGE_CONFLATE_BYTES (signals kept) and close with 1013 at the hard cap; close at the hard cap only; or drop over it (counted).',
  ),
  conflateBytes: int(
    'EDGE_CONFLATE_BYTES',
    DEFAULT_CONFLATE_BYTES,
    'Send buffer past which a socket is served from its own backlog, ticks conflated per topic (policy conflate).',
    { min: 512 },
  ),
  backlogCheckMs: int(
    'EDGE_BACKLOG_CHECK_MS',
    100,
    'How often every send buffer is checked against EDGE_CONFLATE_BYTES (about 80 ns per socket: 1.5 ms at 19,000).',
    { min: 5 },
  ),
  fanoutSliceAbove: int(
    'EDGE_FANOUT_SLICE_ABOVE',
    512,
    'Topics with more local subscribers than this are fanned out one slice (1/16 of them) per event-loop turn, so a subscribe waits for a slice, not the whole pass.',
    { min: 0 },
  ),
  allowedOrigins: list(
    'EDGE_ALLOWED_ORIGINS',
    DEFAULT_ALLOWED_ORIGINS,
    "Allowed Origin headers (case-insensitive; https and http alike); `*` allows all. No Origin, and the edge's own origin, are always allowed.",
  ),
  drainMs: int('EDGE_DRAIN_MS', DEFAULT_DRAIN_MS, 'On SIGTERM, clients are closed with 1012 in jittered batches over this period.', {
    min: 0,
  }),
  badFrameLimit: int('EDGE_BAD_FRAME_LIMIT', 20, 'Invalid frames allowed per window before closing with 1008.', { min: 1 }),
  badFrameWindowMs: int('EDGE_BAD_FRAME_WINDOW_MS', 10_000, 'Window for EDGE_BAD_FRAME_LIMIT.', { min: 1 }),
  watchTickers: list('EDGE_WATCH_TICKERS', DEFAULT_WATCH_TICKERS, 'Tickers reported as default_tickers by /ws/tickers.', (t) =>
    isValidTicker(t) ? null : `invalid ticker ${String(t)}`,
  ),
  demandLeaseIntervalMs: int('EDGE_DEMAND_LEASE_MS', 10_000, 'Period of the full demand set on ctl.demand (valid for 3 periods).', {
    min: 10,
  }),
  legacyRelay: bool('EDGE_LEGACY_RELAY', true, 'Deliver Redis ws:broadcast:<topic> messages to local subscribers.'),
  shutdownDeadlineMs: int('EDGE_SHUTDOWN_DEADLINE_MS', 25_000, 'Hard exit if shutdown takes longer (keep under the pod grace period).', {
    min: 100,
  }),
  maxConnectionsPerIp: int(
    'EDGE_MAX_CONNECTIONS_PER_IP',
    0,
    'Open sockets per client address; upgrades beyond get 429. 0 = no limit (behind a proxy, set EDGE_CLIENT_IP_HEADER).',
    { min: 0 },
  ),
  clientIpHeader: str(
    'EDGE_CLIENT_IP_HEADER',
    '',
    'Header carrying the client address set by the reverse proxy (x-forwarded-for: its last entry, the one the proxy added); empty = the socket peer.',
  ),
  maxMessagesPerSecond: int(
    'EDGE_MAX_MESSAGES_PER_SECOND',
    50,
    'Client frames per second per connection (token bucket); beyond the burst the socket closes with 4002.',
    { min: 1 },
  ),
  messageBurst: int('EDGE_MESSAGE_BURST', 200, 'Frames a connection may send at once before EDGE_MAX_MESSAGES_PER_SECOND applies.', {
    min: 1,
  }),
  auth: oneOf(
    'EDGE_AUTH',
    ['off', 'hs256', 'jwks'] as const,
    'off',
    'Client authentication at the upgrade: off, a JWT signed with EDGE_AUTH_HS256_SECRET (hs256), or with the RS256 keys at EDGE_AUTH_JWKS_URL (jwks).',
  ),
  authHs256Secret: str('EDGE_AUTH_HS256_SECRET', '', 'Shared HS256 secret (at least 32 bytes) when EDGE_AUTH=hs256.'),
  authJwksUrl: str('EDGE_AUTH_JWKS_URL', '', 'JWKS URL of the RS256 public keys when EDGE_AUTH=jwks (cached and refreshed).'),
  authIssuer: str('EDGE_AUTH_ISSUER', '', 'Required iss claim, if set.'),
  authAudience: str('EDGE_AUTH_AUDIENCE', '', 'Required aud claim, if set.'),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

export type EdgeConfig = ConfigOf<typeof edgeConfigSchema>;

/** Parses the edge's environment; throws ConfigError listing every problem. */
export function parseEdgeConfig(env: Readonly<Record<string, string | undefined>>): EdgeConfig {
  const config = parseConfig(edgeConfigSchema, env, { service: 'edge', prefixes: ['EDGE_'] });
  const problems: string[] = [];
  if (config.idleTimeoutMs <= config.pingIntervalMs) {
    problems.push(`EDGE_IDLE_TIMEOUT_MS (${config.idleTimeoutMs}) must exceed EDGE_PING_INTERVAL_MS (${config.pingIntervalMs})`);
  }
  if (config.drainMs + DRAIN_MARGIN_MS > config.shutdownDeadlineMs) {
    problems.push(
      `EDGE_DRAIN_MS (${config.drainMs}) plus ${DRAIN_MARGIN_MS} ms for the rest of the shutdown must fit in EDGE_SHUTDOWN_DEADLINE_MS (${config.shutdownDeadlineMs})`,
    );
  }
  if (config.slowClientPolicy === 'conflate' && config.conflateBytes >= config.maxBackpressureBytes) {
    problems.push(
      `EDGE_CONFLATE_BYTES (${config.conflateBytes}) must be below EDGE_MAX_BACKPRESSURE_BYTES (${config.maxBackpressureBytes})`,
    );
  }
  if (config.auth === 'hs256' && Buffer.byteLength(config.authHs256Secret) < 32) {
    problems.push('EDGE_AUTH_HS256_SECRET must hold at least 32 bytes when EDGE_AUTH=hs256');
  }
  if (config.auth === 'jwks' && !/^https?:\/\//.test(config.authJwksUrl)) {
    problems.push('EDGE_AUTH_JWKS_URL must be an http(s) URL when EDGE_AUTH=jwks');
  }
  if (problems.length > 0) throw new ConfigError('edge', problems);
  return config;
}
