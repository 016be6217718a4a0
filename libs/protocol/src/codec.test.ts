import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeEnvelope, encodeEnvelope, isIsoWithOffset, makeEnvelope } from './codec.js';
import { ProtocolDecodeError } from './errors.js';
import type { BusEnvelope, ClientCommand, PriceUpdate } from './messages.js';

function decodeOk(frame: string | ArrayBuffer | Uint8Array): ClientCommand {
  const result = decodeClientFrame(frame);
  if (!result.ok) throw new Error(`expected a command, got ${result.error.code}: ${result.error.message}`);
  return result.command;
}

function decodeError(frame: string | ArrayBuffer | Uint8Array, isBinary = false): ProtocolDecodeError {
  const result = decodeClientFrame(frame, isBinary);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.command)}`);
  return result.error;
}

function envelopeError(payload: string | Uint8Array): ProtocolDecodeError {
  try {
    decodeEnvelope(payload);
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return err;
    throw err;
  }
  throw new Error('expected decodeEnvelope to throw');
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeClientFrame: subscribe', () => {
  it('decodes a subscribe with a topic', () => {
    expect(decodeOk('{"type":"subscribe","topic":"price:005930"}')).toEqual({ type: 'subscribe', topic: 'price:005930' });
    expect(decodeOk('{"type":"subscribe","topic":"market-gate"}')).toEqual({ type: 'subscribe', topic: 'market-gate' });
    expect(decodeOk('{"type":"subscribe","topic":"signal:daytrading"}')).toEqual({ type: 'subscribe', topic: 'signal:daytrading' });
  });

  it('turns the ticker shorthand into its price topic', () => {
    expect(decodeOk('{"type":"subscribe","ticker":"005930"}')).toEqual({ type: 'subscribe', topic: 'price:005930' });
    expect(decodeOk('{"type":"subscribe","ticker":"0015N0"}')).toEqual({ type: 'subscribe', topic: 'price:0015N0' });
  });

  it('prefers topic over ticker, and falls back to ticker when topic is empty or null', () => {
    expect(decodeOk('{"type":"subscribe","topic":"market:kospi","ticker":"005930"}')).toEqual({ type: 'subscribe', topic: 'market:kospi' });
    expect(decodeOk('{"type":"subscribe","topic":"","ticker":"005930"}')).toEqual({ type: 'subscribe', topic: 'price:005930' });
    expect(decodeOk('{"type":"subscribe","topic":null,"ticker":"005930"}')).toEqual({ type: 'subscribe', topic: 'price:005930' });
  });

  it.each(['12345', 'ABCDEF', '1234567', '삼성전자12', '00593a'])('answers INVALID_TOPIC for the invalid ticker shorthand %j', (ticker) => {
    const error = decodeError(JSON.stringify({ type: 'subscribe', ticker }));
    expect(error.code).toBe('INVALID_TOPIC');
    expect(error.message).toBe(`Invalid topic: price:${ticker}`);
  });

  it('answers INVALID_TOPIC for a numeric ticker shorthand', () => {
    const error = decodeError('{"type":"subscribe","ticker":5930}');
    expect(error.code).toBe('INVALID_TOPIC');
    expect(error.message).toMatch(/^Invalid topic: .*5930$/);
  });

  it.each([
    '{"type":"subscribe"}',
    '{"type":"subscribe","topic":""}',
    '{"type":"subscribe","topic":null}',
    '{"type":"subscribe","ticker":""}',
  ])('answers INVALID_TOPIC when %s names no topic', (frame) => {
    expect(decodeError(frame)).toMatchObject({ code: 'INVALID_TOPIC', message: 'subscribe needs a "topic" or a "ticker"' });
  });

  it.each([
    ['price:12345', 'Invalid topic: price:12345'],
    ['market:nasdaq', 'Invalid topic: market:nasdaq'],
    ['vcp:signals', 'Invalid topic: vcp:signals'],
    ['signal:', 'Invalid topic: signal:'],
    ['price:005930.>', 'Invalid topic: price:005930.>'],
  ])('answers INVALID_TOPIC for the topic %j', (topic, message) => {
    expect(decodeError(JSON.stringify({ type: 'subscribe', topic }))).toMatchObject({ code: 'INVALID_TOPIC', message });
  });

  it('describes a non-string topic as JSON', () => {
    expect(decodeError('{"type":"subscribe","topic":5}').message).toBe('Invalid topic: 5');
    expect(decodeError('{"type":"subscribe","topic":{"a":1}}').message).toBe('Invalid topic: {"a":1}');
  });

  it('cuts a long invalid topic to 80 characters in the message', () => {
    const topic = `price:${'9'.repeat(200)}`;
    expect(decodeError(JSON.stringify({ type: 'subscribe', topic })).message).toBe(`Invalid topic: ${topic.slice(0, 80)}…`);
  });

  // Known bug (see the report on codec.ts `commandTopic`): a non-string ticker is coerced with
  // String(), so ["005930"] subscribes price:005930. Turn into `it` once the ticker must be a string.
  it('rejects a non-string ticker shorthand', () => {
    expect(decodeError('{"type":"subscribe","ticker":["005930"]}').code).toBe('INVALID_TOPIC');
  });

  // Known bug: String() on an object whose toString/valueOf are not functions throws, so this
  // frame makes decodeClientFrame throw instead of returning an error. Turn into `it` once fixed.
  it('answers INVALID_TOPIC, without throwing, for a ticker object with a non-callable toString', () => {
    expect(decodeError('{"type":"subscribe","ticker":{"toString":1}}').code).toBe('INVALID_TOPIC');
  });
});

describe('decodeClientFrame: unsubscribe', () => {
  it.each(['price:005930', 'vcp:signals', 'anything at all', 'price:12345'])('accepts any string topic, here %j', (topic) => {
    expect(decodeOk(JSON.stringify({ type: 'unsubscribe', topic }))).toEqual({ type: 'unsubscribe', topic });
  });

  it('turns the ticker shorthand into its price topic', () => {
    expect(decodeOk('{"type":"unsubscribe","ticker":"005930"}')).toEqual({ type: 'unsubscribe', topic: 'price:005930' });
  });

  it.each(['{"type":"unsubscribe"}', '{"type":"unsubscribe","topic":""}', '{"type":"unsubscribe","topic":null}'])(
    'keeps the seed behaviour for a missing topic: %s is an unsubscribe of null',
    (frame) => {
      expect(decodeOk(frame)).toEqual({ type: 'unsubscribe', topic: null });
    },
  );

  it('answers INVALID_TOPIC for a topic that is not a string', () => {
    expect(decodeError('{"type":"unsubscribe","topic":7}')).toMatchObject({ code: 'INVALID_TOPIC', message: 'Invalid topic: 7' });
  });
});

describe('decodeClientFrame: ping, pong and unknown types', () => {
  it('decodes ping and pong, ignoring extra fields', () => {
    expect(decodeOk('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(decodeOk('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(decodeOk('{"type":"ping","timestamp":"2025-01-01T00:00:00Z","id":1}')).toEqual({ type: 'ping' });
  });

  it('names an unknown type exactly as the seed does', () => {
    const error = decodeError('{"type":"foo"}');
    expect(error.message).toBe('Unknown message type: foo');
    expect(error.code).toBe('UNKNOWN_TYPE');
  });

  it.each([
    ['{}', 'Unknown message type: None'],
    ['{"action":"subscribe","topic":"price:005930"}', 'Unknown message type: None'],
    ['{"type":null}', 'Unknown message type: None'],
    ['{"type":5}', 'Unknown message type: 5'],
    ['{"type":1.5}', 'Unknown message type: 1.5'],
    ['{"type":""}', 'Unknown message type: '],
    ['{"type":"Subscribe"}', 'Unknown message type: Subscribe'],
  ])('answers %s with %j', (frame, message) => {
    expect(decodeError(frame)).toMatchObject({ code: 'UNKNOWN_TYPE', message });
  });
});

describe('decodeClientFrame: bad frames', () => {
  it.each(['{"type":"ping"', 'not json', '', "{'type':'ping'}", '{"type":"ping"}}'])(
    'answers BAD_FRAME for the malformed JSON %j',
    (frame) => {
      const error = decodeError(frame);
      expect(error).toMatchObject({ code: 'BAD_FRAME', message: 'Invalid JSON' });
      expect(error.cause).toBeInstanceOf(SyntaxError);
    },
  );

  it.each(['[]', '[{"type":"ping"}]', '"ping"', '42', 'true', 'null'])('answers BAD_FRAME for the non-object JSON %s', (frame) => {
    expect(decodeError(frame)).toMatchObject({ code: 'BAD_FRAME', message: 'Frame must be a JSON object' });
  });

  it('answers BAD_FRAME for any binary frame, even one holding valid JSON', () => {
    const bytes = utf8('{"type":"ping"}');
    expect(decodeError(bytes, true)).toMatchObject({ code: 'BAD_FRAME', message: 'Binary frames are not supported; send JSON text' });
    expect(decodeError(bytes.slice().buffer, true).code).toBe('BAD_FRAME');
    expect(decodeError('{"type":"ping"}', true).code).toBe('BAD_FRAME');
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['an invalid byte', [0x7b, 0xff, 0x7d]],
    ['a truncated sequence', [0x22, 0xe1, 0x80]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
  ])('answers BAD_FRAME for text bytes with %s', (_label, bytes) => {
    const error = decodeError(new Uint8Array(bytes));
    expect(error).toMatchObject({ code: 'BAD_FRAME', message: 'Frame is not valid UTF-8' });
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('returns a ProtocolDecodeError', () => {
    const error = decodeError('nope');
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolDecodeError');
  });
});

describe('decodeClientFrame: text frames as bytes', () => {
  it('decodes a Uint8Array, a Buffer and an ArrayBuffer', () => {
    const bytes = utf8('{"type":"subscribe","topic":"price:005930"}');
    const expected = { type: 'subscribe', topic: 'price:005930' };
    expect(decodeOk(bytes)).toEqual(expected);
    expect(decodeOk(Buffer.from(bytes))).toEqual(expected);
    expect(decodeOk(bytes.slice().buffer)).toEqual(expected);
  });

  it('decodes a view into a larger buffer by its own bytes only', () => {
    const padded = utf8('xx{"type":"ping"}yy');
    expect(decodeOk(padded.subarray(2, padded.length - 2))).toEqual({ type: 'ping' });
  });

  it('keeps multi-byte characters intact in error messages', () => {
    expect(decodeError(utf8('{"type":"subscribe","topic":"price:삼성전자"}')).message).toBe('Invalid topic: price:삼성전자');
  });

  it('decodes the same way again after a frame with invalid UTF-8', () => {
    decodeError(new Uint8Array([0x22, 0xe1, 0x80]));
    expect(decodeOk(utf8('{"type":"pong"}'))).toEqual({ type: 'pong' });
  });
});

const QUOTE: PriceUpdate = {
  type: 'price_update',
  ticker: '005930',
  data: { price: 72400, change: 1400, change_rate: 1.97, volume: 13527412, bid_price: 72400, ask_price: 72500 },
  timestamp: '2025-09-10T06:19:57Z',
  source: 'kiwoom_rest',
};

/** A valid envelope as plain JSON fields, for breaking one field at a time. */
function envelopeFields(): Record<string, unknown> {
  return { v: 1, topic: 'price:005930', seq: 1842, ts: '2025-09-10T06:19:57.123Z', src: 'price-ingest-1', data: QUOTE };
}

describe('makeEnvelope', () => {
  it('builds a v1 envelope with an ISO timestamp', () => {
    const envelope = makeEnvelope('price:005930', 1842, 'price-ingest-1', QUOTE, new Date('2025-09-10T06:19:57.123Z'));
    expect(envelope).toEqual({
      v: 1,
      topic: 'price:005930',
      seq: 1842,
      ts: '2025-09-10T06:19:57.123Z',
      src: 'price-ingest-1',
      data: QUOTE,
    });
  });

  it('stamps the current time by default', () => {
    const before = Date.now();
    const { ts } = makeEnvelope('market-gate', 0, 'signal-engine', { type: 'market_gate_update' });
    expect(isIsoWithOffset(ts)).toBe(true);
    expect(Date.parse(ts)).toBeGreaterThanOrEqual(before);
  });

  it.each(['price:12345', 'market:nasdaq', 'vcp:signals', ''])('rejects the invalid topic %j with INVALID_TOPIC', (topic) => {
    expect(() => makeEnvelope(topic, 1, 'src', QUOTE)).toThrow(
      expect.objectContaining({ code: 'INVALID_TOPIC', name: 'ProtocolDecodeError' }),
    );
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects the seq %d with BAD_ENVELOPE', (seq) => {
    expect(() => makeEnvelope('price:005930', seq, 'src', QUOTE)).toThrow(
      expect.objectContaining({ code: 'BAD_ENVELOPE', message: `invalid seq: ${seq}` }),
    );
  });

  it('accepts seq 0', () => {
    expect(makeEnvelope('signal:vcp', 0, 'src', { type: 'signal_update' }).seq).toBe(0);
  });
});

describe('encodeEnvelope and decodeEnvelope', () => {
  it('round-trips an envelope through bytes', () => {
    const envelope = makeEnvelope('price:005930', 1842, 'price-ingest-1', QUOTE, new Date('2025-09-10T06:19:57Z'));
    const bytes = encodeEnvelope(envelope);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decodeEnvelope(bytes)).toEqual(envelope);
  });

  it('decodes the JSON string form kept in the last-value store', () => {
    const envelope: BusEnvelope = makeEnvelope('signal:jongga_v2', 3, 'signal-engine', {
      type: 'signal_update',
      data: { signal_type: 'JONGGA_V2', signals: [], count: 0, timestamp: '2025-01-01T09:00:00+09:00' },
    });
    expect(decodeEnvelope(JSON.stringify(envelope))).toEqual(envelope);
  });

  it('encodes as UTF-8 JSON with the fields in order v, topic, seq, ts, src, data', () => {
    const envelope = makeEnvelope('market:kospi', 7, '인제스트', { type: 'index_update' }, new Date('2025-01-01T00:00:00Z'));
    expect(new TextDecoder().decode(encodeEnvelope(envelope))).toBe(
      '{"v":1,"topic":"market:kospi","seq":7,"ts":"2025-01-01T00:00:00.000Z","src":"인제스트","data":{"type":"index_update"}}',
    );
  });

  it('accepts a legacy payload that only has a string type', () => {
    const fields = { ...envelopeFields(), topic: 'market-gate', data: { type: 'market_gate_update', anything: [1, 2] } };
    expect(decodeEnvelope(JSON.stringify(fields)).data).toEqual({ type: 'market_gate_update', anything: [1, 2] });
  });

  it.each([
    ['v is missing', { v: undefined }, 'v must be 1'],
    ['v is 2', { v: 2 }, 'v must be 1'],
    ['v is the string "1"', { v: '1' }, 'v must be 1'],
    ['topic is missing', { topic: undefined }, 'topic is not a known topic'],
    ['topic is invalid', { topic: 'price:12345' }, 'topic is not a known topic'],
    ['topic is a subject', { topic: 'md.price.005930' }, 'topic is not a known topic'],
    ['seq is negative', { seq: -1 }, 'seq must be a non-negative integer'],
    ['seq is a float', { seq: 1.5 }, 'seq must be a non-negative integer'],
    ['seq is a string', { seq: '1842' }, 'seq must be a non-negative integer'],
    ['seq is missing', { seq: undefined }, 'seq must be a non-negative integer'],
    ['seq is past 2^53', { seq: 2 ** 53 }, 'seq must be a non-negative integer'],
    ['ts has no offset', { ts: '2025-09-10T06:19:57' }, 'ts must be ISO-8601 with an offset'],
    ['ts is a date only', { ts: '2025-09-10' }, 'ts must be ISO-8601 with an offset'],
    ['ts is a number', { ts: 1757485197000 }, 'ts must be ISO-8601 with an offset'],
    ['src is missing', { src: undefined }, 'src must be a string'],
    ['src is a number', { src: 1 }, 'src must be a string'],
    ['data is missing', { data: undefined }, 'data must be an object with a string type'],
    ['data is null', { data: null }, 'data must be an object with a string type'],
    ['data is an array', { data: [QUOTE] }, 'data must be an object with a string type'],
    ['data has no type', { data: { ticker: '005930' } }, 'data must be an object with a string type'],
    ['data has a numeric type', { data: { type: 1 } }, 'data must be an object with a string type'],
  ])('throws BAD_ENVELOPE naming the problem when %s', (_label, change, problem) => {
    const error = envelopeError(JSON.stringify({ ...envelopeFields(), ...change }));
    expect(error.code).toBe('BAD_ENVELOPE');
    expect(error.message).toBe(`invalid envelope: ${problem}`);
  });

  it('lists every problem of an envelope at once', () => {
    const error = envelopeError(JSON.stringify({ v: 2, topic: 'nope', seq: -1, ts: 'x', src: 1, data: {} }));
    expect(error.message).toBe(
      'invalid envelope: v must be 1; topic is not a known topic; seq must be a non-negative integer; ' +
        'ts must be ISO-8601 with an offset; src must be a string; data must be an object with a string type',
    );
  });

  it.each(['not json', '', '{"v":1'])('throws BAD_ENVELOPE with the parse error as cause for %j', (payload) => {
    const error = envelopeError(payload);
    expect(error).toMatchObject({ code: 'BAD_ENVELOPE', message: 'envelope is not JSON' });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('throws BAD_ENVELOPE for bytes that are not UTF-8', () => {
    expect(envelopeError(new Uint8Array([0x7b, 0xff, 0x7d])).code).toBe('BAD_ENVELOPE');
  });

  it.each(['[]', 'null', '42', '"envelope"'])('throws BAD_ENVELOPE for the non-object %s', (payload) => {
    expect(envelopeError(payload)).toMatchObject({ code: 'BAD_ENVELOPE', message: 'envelope is not an object' });
  });
});

describe('isIsoWithOffset', () => {
  it.each([
    '2025-09-10T06:19:57Z',
    '2025-09-10T06:19:57.123Z',
    '2026-02-06T22:48:44.590151+00:00',
    '2025-01-01T09:00:00+09:00',
    '2025-01-01T00:00:00-05:30',
  ])('accepts %s', (value) => {
    expect(isIsoWithOffset(value)).toBe(true);
  });

  it.each([
    '2025-09-10T06:19:57',
    '2025-09-10',
    '2025-09-10 06:19:57Z',
    '2025-09-10T06:19Z',
    '2025-09-10T06:19:57+0900',
    '2025-09-10T06:19:57+09',
    '2025-09-10T06:19:57z',
    '2025-13-01T00:00:00Z',
    '2025-09-10T25:00:00Z',
    '2025-09-10T06:19:57+24:00',
    ' 2025-09-10T06:19:57Z',
    'Wed, 10 Sep 2025 06:19:57 GMT',
    '1757485197000',
    'garbage',
    '',
  ])('rejects %j', (value) => {
    expect(isIsoWithOffset(value)).toBe(false);
  });

  // Known gap: Date.parse rolls impossible days over (Feb 30 → Mar 2), so they pass.
  it('rejects a day that does not exist in its month', () => {
    expect(isIsoWithOffset('2025-02-30T00:00:00Z')).toBe(false);
  });
});
