import { int, list, oneOf, parseConfig, str, url, type ConfigOf } from '@repo/config';
import { isValidTicker } from '@repo/protocol';

export const signalEngineConfigSchema = {
  natsUrl: url('NATS_URL', ['nats:'], 'nats://127.0.0.1:4222', 'NATS server URL.'),
  redisUrl: url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379', 'Redis for last values.'),
  redisKeyPrefix: str('SIGNALS_REDIS_KEY_PREFIX', '', 'Prefix for every Redis key (must match the edges’ EDGE_REDIS_KEY_PREFIX).'),
  databaseUrl: str(
    'DATABASE_URL',
    'postgres://postgres@127.0.0.1:5432/postgres',
    'PostgreSQL (or pglite:<dir>) with daily_prices, signals and market_status.',
  ),
  vcpEveryMs: int('SIGNALS_VCP_EVERY_MS', 300_000, 'VCP recomputation period during the session (5 min).', { min: 1_000 }),
  gateEveryMs: int('SIGNALS_GATE_EVERY_MS', 60_000, 'Market gate recomputation period (also on every index quote).', { min: 1_000 }),
  tickMs: int('SIGNALS_TICK_MS', 5_000, 'How often the scheduler checks which jobs are due.', { min: 50 }),
  sectorEtfs: list(
    'SIGNALS_SECTOR_ETFS',
    ['반도체:091160', '2차전지:305720', '자동차:091180', '바이오:244580', '은행:091170'],
    'Market-gate sector ETFs as name:ticker.',
    (item) => {
      const [name, ticker] = item.split(':');
      return name !== undefined && name !== '' && isValidTicker(ticker) ? null : `expected name:ticker, got ${item}`;
    },
  ),
  capitalKrw: int('SIGNALS_CAPITAL_KRW', 10_000_000, 'Capital for closing-bet position sizes.', { min: 1 }),
  opsHost: str('SIGNALS_OPS_HOST', '127.0.0.1', 'Address of /health, /ready and /metrics.'),
  opsPort: int('SIGNALS_OPS_PORT', 9102, 'Port of /health, /ready and /metrics (0 = any free port).', { min: 0, max: 65_535 }),
  shutdownDeadlineMs: int('SIGNALS_SHUTDOWN_DEADLINE_MS', 15_000, 'Hard exit if shutdown takes longer.', { min: 100 }),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

export type SignalEngineConfig = ConfigOf<typeof signalEngineConfigSchema>;

export function parseSignalEngineConfig(env: Readonly<Record<string, string | undefined>>): SignalEngineConfig {
  return parseConfig(signalEngineConfigSchema, env, { service: 'signal-engine', prefixes: ['SIGNALS_'] });
}

/** `name:ticker` entries as sector ETFs. */
export function sectorEtfsOf(items: readonly string[]): { name: string; ticker: string }[] {
  return items.map((item) => {
    const [name = '', ticker = ''] = item.split(':');
    return { name, ticker };
  });
}
