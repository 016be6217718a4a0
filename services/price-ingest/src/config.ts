import { ConfigError, bool, int, list, oneOf, parseConfig, str, url, type ConfigOf } from '@repo/config';
import { DEFAULT_WATCH_TICKERS } from '@repo/market';
import { isValidTicker } from '@repo/protocol';

export const ingestConfigSchema = {
  natsUrl: url('NATS_URL', ['nats:'], 'nats://127.0.0.1:4222', 'NATS server URL.'),
  redisUrl: url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379', 'Redis for last values and the poller lease.'),
  redisKeyPrefix: str('INGEST_REDIS_KEY_PREFIX', '', 'Prefix for every Redis key (must match the edges’ EDGE_REDIS_KEY_PREFIX).'),
  databaseUrl: str(
    'DATABASE_URL',
    'postgres://postgres@127.0.0.1:5432/postgres',
    'PostgreSQL (or pglite:<dir>) with daily_prices for the fallback.',
  ),
  kiwoomBaseUrl: url(
    'KIWOOM_BASE_URL',
    ['http:', 'https:'],
    'http://127.0.0.1:5116',
    'Kiwoom REST host (https://api.kiwoom.com in production; the simulator by default).',
  ),
  kiwoomAppKey: str('KIWOOM_APP_KEY', 'sim-app-key', 'Kiwoom app key.'),
  kiwoomSecretKey: str('KIWOOM_SECRET_KEY', 'sim-secret-key', 'Kiwoom secret key.'),
  kiwoomTimeoutMs: int('KIWOOM_TIMEOUT_MS', 5_000, 'Per-request timeout.', { min: 100 }),
  pollIntervalMs: int('INGEST_POLL_INTERVAL_MS', 2_000, 'Pause between poll cycles during a KRX session.', { min: 100 }),
  kiwoomDeadlineMs: int(
    'INGEST_KIWOOM_DEADLINE_MS',
    2_000,
    'Longest a poll cycle waits for one Kiwoom call, retries included; past it that batch is served from the database.',
    { min: 100 },
  ),
  offHoursIntervalMs: int('INGEST_OFF_HOURS_INTERVAL_MS', 60_000, 'Pause between poll cycles outside the session.', { min: 100 }),
  watchTickers: list('INGEST_WATCH_TICKERS', DEFAULT_WATCH_TICKERS, 'Tickers polled even without demand.', (t) =>
    isValidTicker(t) ? null : `invalid ticker ${String(t)}`,
  ),
  breakerFailures: int('INGEST_BREAKER_FAILURES', 3, 'Consecutive Kiwoom failures that open the circuit breaker.', { min: 1 }),
  breakerCooldownMs: int('INGEST_BREAKER_COOLDOWN_MS', 10_000, 'First cooldown of an open breaker (doubles per failed probe).', {
    min: 100,
  }),
  breakerMaxCooldownMs: int('INGEST_BREAKER_MAX_COOLDOWN_MS', 120_000, 'Longest cooldown.', { min: 100 }),
  leaseTtlMs: int('INGEST_LEASE_TTL_MS', 10_000, 'Poller lease TTL: a standby takes over within this after the leader dies.', { min: 300 }),
  dailySync: bool('INGEST_DAILY_SYNC', true, 'After the close, upsert today’s bar of every stock into daily_prices.'),
  opsHost: str('INGEST_OPS_HOST', '127.0.0.1', 'Address of /health, /ready and /metrics.'),
  opsPort: int('INGEST_OPS_PORT', 9101, 'Port of /health, /ready and /metrics (0 = any free port).', { min: 0, max: 65_535 }),
  shutdownDeadlineMs: int('INGEST_SHUTDOWN_DEADLINE_MS', 15_000, 'Hard exit if shutdown takes longer.', { min: 100 }),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

export type IngestConfig = ConfigOf<typeof ingestConfigSchema>;

export function parseIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const config = parseConfig(ingestConfigSchema, env, { service: 'price-ingest', prefixes: ['INGEST_', 'KIWOOM_'] });
  if (config.breakerMaxCooldownMs < config.breakerCooldownMs) {
    throw new ConfigError('price-ingest', [
      `INGEST_BREAKER_MAX_COOLDOWN_MS (${config.breakerMaxCooldownMs}) must be at least INGEST_BREAKER_COOLDOWN_MS (${config.breakerCooldownMs})`,
    ]);
  }
  return config;
}
