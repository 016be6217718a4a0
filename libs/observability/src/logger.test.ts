import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, createLogger, silentLogger } from './logger.js';

/** A pino destination that keeps each written line. */
function sink(): { lines: string[]; records: () => Record<string, unknown>[]; write: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    write: (line) => {
      lines.push(line);
    },
  };
}

describe('createLogger', () => {
  it('writes one JSON line with name, message and an ISO-8601 UTC time', () => {
    const out = sink();
    createLogger({ name: 'edge' }, out).info({ ticker: '005930' }, 'subscribed');
    expect(out.lines).toHaveLength(1);
    const [record] = out.records();
    expect(record).toMatchObject({ name: 'edge', msg: 'subscribed', ticker: '005930', level: 30 });
    expect(record?.['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('redacts the Kiwoom token, app key and secret key at the top level and one level down', () => {
    const out = sink();
    const log = createLogger({ name: 'price-ingest' }, out);
    log.info({ token: 'tok-1', appkey: 'app-1', secretkey: 'sec-1' }, 'top level');
    log.info({ body: { token: 'tok-2', appkey: 'app-2', secretkey: 'sec-2' } }, 'nested');
    const [top, nested] = out.records();
    expect(top).toMatchObject({ token: REDACTED, appkey: REDACTED, secretkey: REDACTED });
    expect(nested?.['body']).toEqual({ token: REDACTED, appkey: REDACTED, secretkey: REDACTED });
    expect(out.lines.join('')).not.toMatch(/tok-|app-|sec-/);
  });

  it('redacts authorization headers in either case', () => {
    const out = sink();
    const log = createLogger({ name: 'price-ingest' }, out);
    log.info({ authorization: 'Bearer a' }, 'bare');
    log.info({ headers: { authorization: 'Bearer b', 'api-id': 'ka10095' } }, 'headers');
    log.info({ req: { headers: { Authorization: 'Bearer c' } } }, 'request');
    expect(out.lines.join('')).not.toContain('Bearer');
    const [bare, headers, request] = out.records();
    expect(bare?.['authorization']).toBe(REDACTED);
    expect(headers?.['headers']).toEqual({ authorization: REDACTED, 'api-id': 'ka10095' });
    expect(request?.['req']).toEqual({ headers: { Authorization: REDACTED } });
  });

  it('keeps redacting in child loggers and their bindings', () => {
    const out = sink();
    const child = createLogger({ name: 'price-ingest' }, out).child({ component: 'kiwoom.token', token: 'tok-3' });
    child.info({ appkey: 'app-3' }, 'token issued');
    expect(out.lines.join('')).not.toMatch(/tok-3|app-3/);
    expect(out.records()[0]).toMatchObject({ component: 'kiwoom.token', appkey: REDACTED });
  });

  it('serialises errors under err with type, message and stack', () => {
    const out = sink();
    createLogger({ name: 'edge' }, out).error({ err: new TypeError('boom') }, 'failed');
    expect(out.records()[0]?.['err']).toMatchObject({
      type: 'TypeError',
      message: 'boom',
      stack: expect.stringContaining('boom') as unknown,
    });
  });

  it('defaults to info and honours a given level', () => {
    const infoOut = sink();
    const info = createLogger({ name: 'edge' }, infoOut);
    info.debug('hidden');
    expect(infoOut.lines).toEqual([]);
    const debugOut = sink();
    createLogger({ name: 'edge', level: 'debug' }, debugOut).debug('shown');
    expect(debugOut.records()[0]).toMatchObject({ level: 20, msg: 'shown' });
  });

  it('throws on an unknown level', () => {
    expect(() => createLogger({ name: 'edge', level: 'loud' }, sink())).toThrow(/loud/);
  });
});

describe('silentLogger', () => {
  it('has every level disabled, children included', () => {
    expect(silentLogger.level).toBe('silent');
    expect(silentLogger.isLevelEnabled('fatal')).toBe(false);
    expect(silentLogger.child({ component: 'x' }).isLevelEnabled('fatal')).toBe(false);
  });
});

describe('createLogger with pretty', () => {
  it('writes one human-readable line per event, redacted, with the fields after the message', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ name: 'standalone', pretty: true }, out);
    log.info({ port: 8080, token: 'tok-secret' }, 'standalone ready');
    log.warn('second');
    const text = stripVTControlCharacters(lines.join(''));
    const rows = text.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: standalone ready \{.*"port":8080.*\}$/);
    expect(rows[0]).toContain(REDACTED);
    expect(text).not.toContain('tok-secret');
    expect(rows[1]).toMatch(/WARN: second$/);
    expect(() => JSON.parse(rows[0] ?? '')).toThrow();
  });
});
