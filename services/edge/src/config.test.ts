import { describe, expect, it } from 'vitest';
import { ConfigError } from '@repo/config';
import { DEFAULT_ALLOWED_ORIGINS, parseEdgeConfig } from './config.js';

describe('parseEdgeConfig', () => {
  it('has the documented defaults', () => {
    const config = parseEdgeConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      pingIntervalMs: 30_000,
      idleTimeoutMs: 90_000,
      maxTopicsPerConnection: 200,
      maxFrameBytes: 16_384,
    });
    expect(config.allowedOrigins).toEqual(DEFAULT_ALLOWED_ORIGINS);
  });

  it('checks values that only make sense together, listing every problem', () => {
    let error: unknown;
    try {
      parseEdgeConfig({ EDGE_PING_INTERVAL_MS: '5000', EDGE_IDLE_TIMEOUT_MS: '5000', EDGE_DRAIN_MS: '30000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'EDGE_IDLE_TIMEOUT_MS (5000) must exceed EDGE_PING_INTERVAL_MS (5000)',
      'EDGE_DRAIN_MS (30000) plus 2000 ms for the rest of the shutdown must fit in EDGE_SHUTDOWN_DEADLINE_MS (25000)',
    ]);
  });

  it('rejects an invalid watch-list ticker', () => {
    expect(() => parseEdgeConfig({ EDGE_WATCH_TICKERS: '005930,12345' })).toThrow(/invalid ticker 12345/);
  });
});
