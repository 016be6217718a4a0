import { describe, expect, it } from 'vitest';
import { ConfigError, bool, int, list, oneOf, parseConfig, renderConfigTable, str, url } from './schema.js';

const schema = {
  port: int('PORT', 8080, 'Port.', { min: 0, max: 65_535 }),
  name: str('SVC_NAME', 'svc', 'Name.'),
  secret: str('SVC_SECRET', undefined, 'Required secret.'),
  mode: oneOf('SVC_MODE', ['a', 'b'] as const, 'a', 'Mode.'),
  verbose: bool('SVC_VERBOSE', false, 'Verbose.'),
  tickers: list('SVC_TICKERS', ['005930'], 'Tickers.', (t) => (/^\d{6}$/.test(t) ? null : `bad ${t}`)),
  nats: url('NATS_URL', ['nats:'], 'nats://127.0.0.1:4222', 'NATS.'),
};
const opts = { service: 'svc', prefixes: ['SVC_'] };

describe('parseConfig', () => {
  it('applies defaults, parses every type and freezes the result', () => {
    const config = parseConfig(schema, { SVC_SECRET: 's', SVC_VERBOSE: 'yes', SVC_TICKERS: ' 000660, ,035420 ', SVC_MODE: 'b' }, opts);
    expect(config).toEqual({
      port: 8080,
      name: 'svc',
      secret: 's',
      mode: 'b',
      verbose: true,
      tickers: ['000660', '035420'],
      nats: 'nats://127.0.0.1:4222',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every problem at once, including unknown prefixed variables', () => {
    const env = {
      PORT: '70000',
      SVC_MODE: 'c',
      SVC_VERBOSE: 'maybe',
      SVC_TICKERS: 'abc',
      NATS_URL: 'http://x',
      SVC_NAMME: 'typo',
      OTHER: 'ignored',
    };
    let error: unknown;
    try {
      parseConfig(schema, env, opts);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/PORT="70000": expected an integer from 0 to 65535/);
    expect(problems.join('\n')).toMatch(/SVC_SECRET is required/);
    expect(problems.join('\n')).toMatch(/SVC_MODE="c": expected one of a, b/);
    expect(problems.join('\n')).toMatch(/SVC_VERBOSE="maybe": expected true or false/);
    expect(problems.join('\n')).toMatch(/SVC_TICKERS="abc": bad abc/);
    expect(problems.join('\n')).toMatch(/NATS_URL="http:\/\/x": expected a nats: URL/);
    expect(problems.join('\n')).toMatch(/SVC_NAMME is not a known variable/);
  });

  it('rejects non-integers and non-URLs', () => {
    expect(() => parseConfig(schema, { SVC_SECRET: 's', PORT: '80.5' }, opts)).toThrow(/expected an integer/);
    expect(() => parseConfig(schema, { SVC_SECRET: 's', NATS_URL: 'not a url' }, opts)).toThrow(/expected a URL/);
  });

  it('renders a Markdown table with required and empty defaults', () => {
    const table = renderConfigTable({ a: str('A', '', 'Empty.'), b: str('B', undefined, 'Needed.'), c: int('C', 1, 'One.', { min: 1 }) });
    expect(table.split('\n')).toEqual([
      '| variable | type | default | meaning |',
      '| --- | --- | --- | --- |',
      '| `A` | string | (empty) | Empty. |',
      '| `B` | string | (required) | Needed. |',
      '| `C` | integer ≥ 1 | `1` | One. |',
    ]);
  });
});
