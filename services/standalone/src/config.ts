import { oneOf, parseConfig, str, type ConfigOf } from '@repo/config';

/**
 * The few knobs of the embedded default. Every EDGE_* variable (and PORT) applies too, through
 * the edge's own schema; NATS_URL and REDIS_URL switch from the in-process bus and last-value
 * store to the real servers.
 */
export const standaloneConfigSchema = {
  natsUrl: str('NATS_URL', '', 'If set, use this NATS server instead of the in-process bus.'),
  redisUrl: str('REDIS_URL', '', 'If set, keep last values in this Redis instead of in process.'),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

export type StandaloneConfig = ConfigOf<typeof standaloneConfigSchema>;

export function parseStandaloneConfig(env: Readonly<Record<string, string | undefined>>): StandaloneConfig {
  return parseConfig(standaloneConfigSchema, env, { service: 'standalone', prefixes: ['STANDALONE_'] });
}
