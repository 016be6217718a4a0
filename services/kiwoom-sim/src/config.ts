import { ConfigError, int, list, oneOf, parseConfig, str, type ConfigOf, type Field } from '@repo/config';
import { parseInstant } from './clock.js';
import { DEFAULT_TOKEN_LIFETIME_MS } from './api/auth.js';
import { isKnownApiId } from './api/routes.js';

export const DEFAULT_PORT = 5116;
export const DEFAULT_APP_KEY = 'sim-app-key';
export const DEFAULT_SECRET_KEY = 'sim-secret-key';
export const DEFAULT_SEED = 1;
/** Rows per ka10081/ka10086/ka10099 page; about 600 on the real host (kiwoom-rest.md §6.3). */
export const DEFAULT_PAGE_SIZE = 600;
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 5_000;

/** A number ≥ 0 that may have decimals (`0.5`, `60`). */
function nonNegativeNumber(env: string, defaultValue: number, doc: string): Field<number> {
  return {
    env,
    doc,
    default: defaultValue,
    type: 'number ≥ 0',
    parse(raw) {
      const value = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error('expected a number ≥ 0');
      return value;
    },
  };
}

function clockStart(env: string, doc: string): Field<string> {
  return {
    env,
    doc,
    default: 'session',
    type: 'session \\| wall \\| ISO-8601 instant',
    parse(raw) {
      if (raw === 'session' || raw === 'wall' || parseInstant(raw) !== undefined) return raw;
      throw new Error('expected session, wall, or an ISO-8601 instant with an offset (2025-09-10T10:30:00+09:00)');
    },
  };
}

const checkRateLimit = (item: string): string | null => {
  const match = /^([a-z0-9*]+):(\d+)$/.exec(item);
  if (match === null) return `"${item}" is not <api-id>:<calls per second>`;
  const apiId = match[1] as string;
  return apiId === '*' || isKnownApiId(apiId) ? null : `unknown api-id ${apiId}`;
};

/**
 * Every knob of the simulator. The mode defaults to `real`: production polls the real host
 * (api.kiwoom.com), whose limits (5/s) and `_NX`/`_AL` codes are what the ingest client must
 * handle; `mock` reproduces mockapi.kiwoom.com (KRX only, 1/s per TR) for tests of that host.
 */
export const kiwoomSimConfigSchema = {
  host: str('KIWOOM_SIM_HOST', '127.0.0.1', 'Address to listen on (plain HTTP; keep it on loopback).'),
  port: int('KIWOOM_SIM_PORT', DEFAULT_PORT, 'Port; 0 picks a free one (see KIWOOM_SIM_PORT_FILE).', { min: 0, max: 65_535 }),
  adminToken: str(
    'KIWOOM_SIM_ADMIN_TOKEN',
    '',
    'If set, /admin/* (except /admin/health) needs Authorization: Bearer <token>; required when KIWOOM_SIM_HOST is not loopback.',
  ),
  portFile: str('KIWOOM_SIM_PORT_FILE', '', 'If set, the bound port is written to this file.'),
  mode: oneOf('KIWOOM_SIM_MODE', ['real', 'mock'] as const, 'real', 'Which host to behave like: real (api) or mock (mockapi).'),
  appKey: str('KIWOOM_SIM_APP_KEY', DEFAULT_APP_KEY, "App key of the simulated mode's account."),
  secretKey: str('KIWOOM_SIM_SECRET_KEY', DEFAULT_SECRET_KEY, "Secret key of the simulated mode's account."),
  otherAppKey: str('KIWOOM_SIM_OTHER_APP_KEY', '', 'App key of the other mode (gets 8030); empty = <app key>-<other mode>.'),
  otherSecretKey: str('KIWOOM_SIM_OTHER_SECRET_KEY', '', 'Secret key of the other mode; empty = <secret key>-<other mode>.'),
  seed: int('KIWOOM_SIM_SEED', DEFAULT_SEED, 'Seed of the market and of every derived value; same seed + clock = same bytes.'),
  clock: clockStart(
    'KIWOOM_SIM_CLOCK',
    'Start of the simulated clock: session (10:00 KST of the latest trading day), wall (the wall clock), or an instant.',
  ),
  speed: nonNegativeNumber('KIWOOM_SIM_SPEED', 1, 'Simulated ms per wall ms (0 stands still); not with KIWOOM_SIM_CLOCK=wall.'),
  pageSize: int('KIWOOM_SIM_PAGE_SIZE', DEFAULT_PAGE_SIZE, 'Rows per page of ka10081, ka10086 and ka10099.', { min: 1, max: 10_000 }),
  rateLimits: list(
    'KIWOOM_SIM_RATE_LIMITS',
    [],
    'Calls per second per token, e.g. ka10095:5,ka10001:5 (* = every other api-id; 0 = unlimited). Default: real 5, mock 1 (charts 5).',
    checkRateLimit,
  ),
  totalRateLimit: int('KIWOOM_SIM_TOTAL_RATE_LIMIT', 0, 'Calls per second per token across all api-ids before 1701; 0 = off.', { min: 0 }),
  rateLimitStatus: oneOf('KIWOOM_SIM_RATE_LIMIT_STATUS', ['429', '200'] as const, '429', 'HTTP status of 1700/1701 refusals.'),
  tokenLifetimeMs: int('KIWOOM_SIM_TOKEN_LIFETIME_MS', DEFAULT_TOKEN_LIFETIME_MS, 'Token lifetime on the simulated clock.', { min: 1 }),
  shutdownDeadlineMs: int('KIWOOM_SIM_SHUTDOWN_DEADLINE_MS', DEFAULT_SHUTDOWN_DEADLINE_MS, 'Hard exit if shutdown takes longer.', {
    min: 100,
  }),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info', 'pino log level.'),
};

type RawConfig = ConfigOf<typeof kiwoomSimConfigSchema>;

export type KiwoomSimConfig = Readonly<Omit<RawConfig, 'rateLimits'>> & {
  /** Per-api-id overrides of the mode's default, `*` for every other api-id. */
  readonly rateLimits: Readonly<Record<string, number>>;
};

/** Parses the simulator's environment; throws ConfigError listing every problem. */
export function parseKiwoomSimConfig(env: Readonly<Record<string, string | undefined>>): KiwoomSimConfig {
  const raw = parseConfig(kiwoomSimConfigSchema, env, { service: 'kiwoom-sim', prefixes: ['KIWOOM_SIM_'] });
  const otherMode = raw.mode === 'real' ? 'mock' : 'real';
  const config: KiwoomSimConfig = {
    ...raw,
    otherAppKey: raw.otherAppKey === '' ? `${raw.appKey}-${otherMode}` : raw.otherAppKey,
    otherSecretKey: raw.otherSecretKey === '' ? `${raw.secretKey}-${otherMode}` : raw.otherSecretKey,
    rateLimits: Object.fromEntries(
      raw.rateLimits.map((item) => {
        const [apiId, perSecond] = item.split(':') as [string, string];
        return [apiId, Number(perSecond)];
      }),
    ),
  };
  const problems: string[] = [];
  if (config.otherAppKey === config.appKey) problems.push('KIWOOM_SIM_OTHER_APP_KEY must differ from KIWOOM_SIM_APP_KEY');
  if (config.clock === 'wall' && config.speed !== 1) problems.push('KIWOOM_SIM_SPEED must be 1 with KIWOOM_SIM_CLOCK=wall');
  // The admin API injects faults and moves the clock: off loopback, only with a token.
  if (!isLoopbackHost(config.host) && config.adminToken === '') {
    problems.push(`KIWOOM_SIM_ADMIN_TOKEN must be set when KIWOOM_SIM_HOST (${config.host}) is not a loopback address`);
  }
  if (problems.length > 0) throw new ConfigError('kiwoom-sim', problems);
  return Object.freeze(config);
}

/** 127.0.0.0/8, ::1 and localhost. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
