import { bool, int, oneOf, parseConfig, str, type ConfigOf } from '@repo/config';

/**
 * The knobs of the embedded default. Every EDGE_* variable (and PORT) applies too, through the
 * edge's own schema. NATS_URL, REDIS_URL and DATABASE_URL switch from the in-process bus, the
 * in-process last-value store and PGlite to the real servers.
 */
export const standaloneConfigSchema = {
  natsUrl: str('NATS_URL', '', 'If set, use this NATS server instead of the in-process bus.'),
  redisUrl: str('REDIS_URL', '', 'If set, keep last values in this Redis instead of in process.'),
  databaseUrl: str('DATABASE_URL', '', 'If set (postgres://…), use this PostgreSQL instead of PGlite in STANDALONE_DATA_DIR.'),
  dataDir: str('STANDALONE_DATA_DIR', '.data/pglite', 'PGlite data directory, kept between runs (history is backfilled once).'),
  fresh: bool('STANDALONE_FRESH', false, 'Start from an empty database (the data directory is wiped and backfilled again).'),
  historyDays: int('STANDALONE_HISTORY_DAYS', 300, 'Trading days of history backfilled from the simulator on a fresh start.', { min: 1 }),
  simClock: oneOf(
    'STANDALONE_CLOCK',
    ['closing', 'session', 'wall'] as const,
    'closing',
    'closing: the simulated market starts at 15:00 KST of the latest trading day and runs in real time (the closing-bet window, the closing auction and the final sets within 30 minutes); session: starts at 10:00; wall: the real KRX clock.',
  ),
  simSeed: str('STANDALONE_SIM_SEED', '20261125', 'Seed of the simulated market.'),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

export type StandaloneConfig = ConfigOf<typeof standaloneConfigSchema>;

export function parseStandaloneConfig(env: Readonly<Record<string, string | undefined>>): StandaloneConfig {
  return parseConfig(standaloneConfigSchema, env, { service: 'standalone', prefixes: ['STANDALONE_'] });
}
