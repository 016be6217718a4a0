import { describe, expect, it } from 'vitest';
import { ConfigError, renderConfigTable } from '@repo/config';
import { createClockFromConfig } from '../src/app.js';
import { kiwoomSimConfigSchema, parseKiwoomSimConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseKiwoomSimConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseKiwoomSimConfig', () => {
  it('has documented defaults and derives the other mode’s key pair', () => {
    const config = parseKiwoomSimConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5116,
      mode: 'real',
      appKey: 'sim-app-key',
      secretKey: 'sim-secret-key',
      otherAppKey: 'sim-app-key-mock',
      otherSecretKey: 'sim-secret-key-mock',
      seed: 1,
      clock: 'session',
      speed: 1,
      pageSize: 600,
      rateLimits: {},
      totalRateLimit: 0,
      rateLimitStatus: '429',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(parseKiwoomSimConfig({ KIWOOM_SIM_MODE: 'mock' }).otherAppKey).toBe('sim-app-key-real');
  });

  it('parses rate limits, speeds and clock starts', () => {
    const config = parseKiwoomSimConfig({
      KIWOOM_SIM_RATE_LIMITS: 'ka10095:5, ka10001:0,*:2',
      KIWOOM_SIM_SPEED: '0.5',
      KIWOOM_SIM_CLOCK: '2025-09-10T15:25:00+09:00',
      KIWOOM_SIM_PORT: '0',
    });
    expect(config.rateLimits).toEqual({ ka10095: 5, ka10001: 0, '*': 2 });
    expect(config.speed).toBe(0.5);
    expect(config.port).toBe(0);
  });

  it('lists every bad value at once', () => {
    const problems = problemsOf({
      KIWOOM_SIM_MODE: 'paper',
      KIWOOM_SIM_RATE_LIMITS: 'ka10095=5,kx1:1',
      KIWOOM_SIM_CLOCK: 'tomorrow',
      KIWOOM_SIM_SPEED: '-1',
      KIWOOM_SIM_PAGE_SIZE: '0',
      KIWOOM_SIM_TYPO: 'x',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/KIWOOM_SIM_TYPO is not a known variable/);
  });

  it('refuses contradictory settings', () => {
    expect(problemsOf({ KIWOOM_SIM_OTHER_APP_KEY: 'sim-app-key' })).toEqual([
      'KIWOOM_SIM_OTHER_APP_KEY must differ from KIWOOM_SIM_APP_KEY',
    ]);
    expect(problemsOf({ KIWOOM_SIM_CLOCK: 'wall', KIWOOM_SIM_SPEED: '10' })).toEqual([
      'KIWOOM_SIM_SPEED must be 1 with KIWOOM_SIM_CLOCK=wall',
    ]);
  });

  it('renders a documentation table', () => {
    const table = renderConfigTable(kiwoomSimConfigSchema);
    expect(table).toContain('`KIWOOM_SIM_PORT` | integer 0–65535 | `5116`');
    expect(table).toContain('`KIWOOM_SIM_CLOCK`');
  });
});

describe('clock start', () => {
  it('starts at a configured instant with the configured speed', () => {
    let wall = 1_000_000;
    const clock = createClockFromConfig(
      parseKiwoomSimConfig({ KIWOOM_SIM_CLOCK: '2025-09-10T10:30:00+09:00', KIWOOM_SIM_SPEED: '2' }),
      () => wall,
    );
    wall += 1_000;
    expect(clock.now().toISOString()).toBe('2025-09-10T01:30:02.000Z');
  });

  it('session: starts at 10:00 KST of the latest trading day whose 10:00 has passed, and runs', () => {
    const config = parseKiwoomSimConfig({});
    const check = (wallIso: string, expected: string): void => {
      let wall = Date.parse(wallIso);
      const clock = createClockFromConfig(config, () => wall);
      expect(clock.now().toISOString()).toBe(new Date(expected).toISOString());
      wall += 60_000;
      expect(clock.now().getTime()).toBe(Date.parse(expected) + 60_000);
    };
    check('2025-09-10T13:00:00+09:00', '2025-09-10T10:00:00+09:00');
    check('2025-09-10T07:00:00+09:00', '2025-09-09T10:00:00+09:00');
    check('2025-09-14T12:00:00+09:00', '2025-09-12T10:00:00+09:00');
  });

  it('session with speed 0 stands still; wall follows the wall clock', () => {
    let wall = Date.parse('2025-09-14T12:00:00+09:00');
    const still = createClockFromConfig(parseKiwoomSimConfig({ KIWOOM_SIM_SPEED: '0' }), () => wall);
    const follows = createClockFromConfig(parseKiwoomSimConfig({ KIWOOM_SIM_CLOCK: 'wall' }), () => wall);
    wall += 5_000;
    expect(still.now().toISOString()).toBe('2025-09-12T01:00:00.000Z');
    expect(still.state().speed).toBe(0);
    expect(follows.now().getTime()).toBe(wall);
  });
});
