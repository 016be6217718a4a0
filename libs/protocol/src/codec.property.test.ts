// Property tests of the wire decoder, the topic rules and the frame builders: whatever a client or
// the bus sends, decoding returns a command or a typed error (never throws), valid messages
// round-trip, and the topic parser agrees with the rule DESIGN.md states.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeEnvelope, encodeEnvelope, isIsoWithOffset, makeEnvelope } from './codec.js';
import { decodeDemand, encodeDemand, type DemandMessage } from './demand.js';
import { ProtocolDecodeError, ProtocolErrorCode } from './errors.js';
import type { ClientCommand } from './messages.js';
import { errorFrame, fanoutFrame, subscribedFrame, unsubscribedFrame } from './messages.js';
import { isValidTicker } from './tickers.js';
import { isValidTopic, parseTopic, priceTopic, subjectToTopic, topicToSubject } from './topics.js';
import {
  TOPIC_SPEC,
  hostileCharArb,
  hostileStringArb as hostileString,
  jsonishArb,
  nearMissArb,
  tickerArb,
  validTopicArb,
} from '../../../test/fixtures/hostile-input.js';

const ERROR_CODES: readonly string[] = Object.values(ProtocolErrorCode);
const hostileStringArb = hostileString(40);
const nearMissTopicArb = nearMissArb(validTopicArb);

/** `depth` nested arrays or objects around `inner`, as text (far deeper than fast-check builds values). */
const deepJsonArb = fc
  .tuple(fc.integer({ min: 1, max: 8_000 }), fc.constantFrom('[', '{"a":', '{"__proto__":'), fc.constantFrom('1', '"x"', '[]', 'null'))
  .map(([depth, open, inner]) => open.repeat(depth) + inner + (open === '[' ? ']' : '}').repeat(depth));

/** Frames that look like commands: a known or near type, and a topic or ticker of any JSON type. */
const commandishArb = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'pong', 'Subscribe', 'SUBSCRIBE', ' ping', 'subscribe\u0000'),
      jsonishArb,
    ),
    topic: fc.oneof(validTopicArb, nearMissTopicArb, jsonishArb),
    ticker: fc.oneof(tickerArb, hostileStringArb, jsonishArb),
  },
  { requiredKeys: [] },
);

/** Text frames of every kind: arbitrary text, JSON values, command-like objects, deep nesting. */
const textFrameArb = fc.oneof(
  fc.string({ unit: hostileCharArb, maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  jsonishArb.map((v) => JSON.stringify(v)),
  commandishArb.map((c) => JSON.stringify(c)),
  deepJsonArb,
  deepJsonArb.map((deep) => `{"type":"subscribe","topic":${deep}}`),
  deepJsonArb.map((deep) => `{"type":${deep}}`),
);

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** What the protocol table says a decoded frame must be, computed from the parsed JSON alone. */
function expectedDecode(text: string): { ok: true; command: ClientCommand } | { ok: false; code: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: ProtocolErrorCode.BadFrame };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, code: ProtocolErrorCode.BadFrame };
  const obj = value as Record<string, unknown>;
  const type = obj['type'];
  const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  const topic = present(obj['topic'])
    ? obj['topic']
    : present(obj['ticker'])
      ? typeof obj['ticker'] === 'string'
        ? `price:${obj['ticker']}`
        : obj['ticker']
      : undefined;
  switch (type) {
    case 'ping':
    case 'pong':
      return { ok: true, command: { type } };
    case 'subscribe':
      return typeof topic === 'string' && TOPIC_SPEC.test(topic)
        ? { ok: true, command: { type, topic } }
        : { ok: false, code: ProtocolErrorCode.InvalidTopic };
    case 'unsubscribe':
      if (topic === undefined) return { ok: true, command: { type, topic: null } };
      return typeof topic === 'string' ? { ok: true, command: { type, topic } } : { ok: false, code: ProtocolErrorCode.InvalidTopic };
    default:
      return { ok: false, code: ProtocolErrorCode.UnknownType };
  }
}

describe('decodeClientFrame (properties)', () => {
  it('never throws, and answers exactly what the protocol table says for any text frame', () => {
    fc.assert(
      fc.property(textFrameArb, (text) => {
        const decoded = decodeClientFrame(text);
        const expected = expectedDecode(text);
        if (expected.ok) {
          expect(decoded).toEqual({ ok: true, command: expected.command });
        } else {
          expect(decoded.ok).toBe(false);
          if (decoded.ok) return;
          expect(decoded.error).toBeInstanceOf(ProtocolDecodeError);
          expect(decoded.error.code).toBe(expected.code);
          expect(decoded.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  // Regression: a type or topic nested a few thousand levels deep (about 10 KB, under the edge's
  // 16 KB frame limit) overflowed the stack in JSON.stringify while building the error message.
  it.each([
    ['a deep array as type', `{"type":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, ProtocolErrorCode.UnknownType],
    [
      'a deep object as subscribe topic',
      `{"type":"subscribe","topic":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      ProtocolErrorCode.InvalidTopic,
    ],
    [
      'a deep array as unsubscribe topic',
      `{"type":"unsubscribe","topic":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      ProtocolErrorCode.InvalidTopic,
    ],
    ['a deep ticker', `{"type":"subscribe","ticker":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, ProtocolErrorCode.InvalidTopic],
  ])('answers %s with a typed error instead of throwing', (_name, frame, code) => {
    const decoded = decodeClientFrame(frame);
    expect(decoded).toMatchObject({ ok: false, error: { code } });
    if (!decoded.ok) expect(decoded.error.message.length).toBeLessThan(120);
  });

  it('decodes the UTF-8 bytes of a text frame exactly as the string', () => {
    fc.assert(
      fc.property(textFrameArb, (text) => {
        // Lone surrogates become U+FFFD on the wire, as a WebSocket client's encoder does.
        const wireText = new TextDecoder().decode(utf8(text));
        expect(decodeClientFrame(utf8(text))).toEqual(decodeClientFrame(wireText));
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers BAD_FRAME for arbitrary bytes that are not UTF-8 JSON objects, and for every binary frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, isBinary) => {
        const decoded = decodeClientFrame(bytes, isBinary);
        if (isBinary) {
          expect(decoded).toMatchObject({ ok: false, error: { code: ProtocolErrorCode.BadFrame } });
          return;
        }
        if (decoded.ok) {
          // Random bytes can spell a command; then the text decodes the same way.
          expect(decoded).toEqual(decodeClientFrame(new TextDecoder().decode(bytes)));
        } else {
          expect(ERROR_CODES).toContain(decoded.error.code);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trips every valid command, whatever extra fields ride along', () => {
    const commandArb: fc.Arbitrary<ClientCommand> = fc.oneof(
      validTopicArb.map((topic) => ({ type: 'subscribe' as const, topic })),
      fc
        .oneof(
          validTopicArb,
          hostileStringArb.filter((t) => t !== ''),
        )
        .map((topic) => ({ type: 'unsubscribe' as const, topic })),
      fc.constant({ type: 'ping' as const }),
      fc.constant({ type: 'pong' as const }),
    );
    const extrasArb = fc.dictionary(
      fc
        .oneof(hostileStringArb, fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'seq'))
        .filter((k) => !['type', 'topic', 'ticker'].includes(k)),
      jsonishArb,
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(commandArb, extrasArb, (command, extras) => {
        const frame = JSON.stringify({ ...extras, ...command });
        expect(decodeClientFrame(frame)).toEqual({ ok: true, command });
        expect(decodeClientFrame(utf8(frame))).toEqual({ ok: true, command });
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads the ticker shorthand as its price topic', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          tickerArb,
          hostileStringArb.filter((t) => t !== ''),
        ),
        (ticker) => {
          const decoded = decodeClientFrame(JSON.stringify({ type: 'subscribe', ticker }));
          expect(decoded.ok).toBe(isValidTicker(ticker));
          if (decoded.ok) expect(decoded.command).toEqual({ type: 'subscribe', topic: priceTopic(ticker) });
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('describes a non-string topic as the first 80 characters of its JSON', () => {
    fc.assert(
      fc.property(jsonishArb, (value) => {
        // The value as it arrives: JSON turns NaN and ±Infinity into null, which is no topic at all.
        const topic: unknown = JSON.parse(JSON.stringify(value));
        fc.pre(typeof topic !== 'string' && topic !== null);
        const decoded = decodeClientFrame(JSON.stringify({ type: 'subscribe', topic }));
        const json = JSON.stringify(topic);
        const expected = json.length > 80 ? `${json.slice(0, 80)}…` : json;
        expect(decoded).toMatchObject({
          ok: false,
          error: { code: ProtocolErrorCode.InvalidTopic, message: `Invalid topic: ${expected}` },
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('leaves Object.prototype untouched whatever keys a frame carries', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(textFrameArb, (text) => {
        decodeClientFrame(text);
        expect(({} as Record<string, unknown>)['type']).toBeUndefined();
        expect(({} as Record<string, unknown>)['topic']).toBeUndefined();
      }),
      {
        numRuns: 1_000,
        examples: [['{"__proto__":{"type":"subscribe","topic":"price:005930"}}'], ['{"constructor":{"prototype":{"type":"x"}}}']],
      },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('topics (properties)', () => {
  it('accepts exactly the topics the written rule accepts, for valid, near-miss and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(validTopicArb, nearMissTopicArb, hostileStringArb, fc.string({ unit: 'binary', maxLength: 80 })), (topic) => {
        const spec = TOPIC_SPEC.test(topic);
        expect(isValidTopic(topic)).toBe(spec);
        expect(parseTopic(topic) !== null).toBe(spec);
      }),
      { numRuns: 5_000 },
    );
  });

  it('rejects every non-string', () => {
    fc.assert(
      fc.property(
        jsonishArb.filter((v) => typeof v !== 'string'),
        (value) => {
          expect(isValidTopic(value)).toBe(false);
          expect(parseTopic(value)).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('maps every valid topic to a NATS subject of plain tokens and back', () => {
    fc.assert(
      fc.property(validTopicArb, (topic) => {
        const subject = topicToSubject(topic);
        expect(subject).toMatch(/^md(\.[A-Za-z0-9_-]+)+$/);
        expect(subjectToTopic(subject)).toBe(topic);
        expect(parseTopic(topic)?.topic).toBe(topic);
      }),
      { numRuns: 1_000 },
    );
  });

  it('maps an arbitrary subject to null or to the one topic whose subject it is', () => {
    const subjectArb = fc.oneof(
      validTopicArb.map(topicToSubject),
      fc
        .tuple(fc.constantFrom('md', 'md.price', 'md.index', 'md.signal', 'md.gate', 'ctl'), hostileStringArb)
        .map(([head, tail]) => `${head}.${tail}`),
      hostileStringArb,
    );
    fc.assert(
      fc.property(subjectArb, (subject) => {
        const topic = subjectToTopic(subject);
        if (topic !== null) {
          expect(isValidTopic(topic)).toBe(true);
          expect(topicToSubject(topic)).toBe(subject);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('throws a TypeError, and nothing else, when asked to map an invalid topic or ticker', () => {
    fc.assert(
      fc.property(fc.oneof(nearMissTopicArb, hostileStringArb), (text) => {
        if (!isValidTopic(text)) expect(() => topicToSubject(text)).toThrow(TypeError);
        if (!isValidTicker(text)) expect(() => priceTopic(text)).toThrow(TypeError);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('frames built by the edge (properties)', () => {
  it('keep any topic or message text intact through JSON, lone surrogates and NUL included', () => {
    fc.assert(
      fc.property(hostileStringArb, hostileStringArb, (topic, message) => {
        expect(JSON.parse(subscribedFrame(topic))).toEqual({ type: 'subscribed', topic, message: `Subscribed to ${topic}` });
        expect(JSON.parse(unsubscribedFrame(topic))).toEqual({ type: 'unsubscribed', topic, message: `Unsubscribed from ${topic}` });
        expect(JSON.parse(errorFrame(message, 'BAD_FRAME'))).toEqual({ type: 'error', code: 'BAD_FRAME', message });
      }),
      { numRuns: 1_000 },
    );
  });

  it('fan out a legacy payload with type, topic and seq first and ts last, prototype keys as plain fields', () => {
    const payloadArb = fc
      .tuple(
        hostileStringArb,
        fc.dictionary(fc.oneof(hostileStringArb, fc.constantFrom('__proto__', 'constructor', 'topic', 'seq', 'ts')), jsonishArb, {
          maxKeys: 6,
        }),
      )
      .map(([type, rest]) => ({ ...(JSON.parse(JSON.stringify(rest)) as Record<string, unknown>), type }));
    fc.assert(
      fc.property(validTopicArb, fc.nat(), payloadArb, (topic, seq, data) => {
        const envelope = makeEnvelope(topic, seq, 'prop', data, new Date(0));
        const frame: Record<string, unknown> = JSON.parse(fanoutFrame(envelope));
        const keys = Object.keys(frame);
        expect(keys.slice(0, 3)).toEqual(['type', 'topic', 'seq']);
        expect(keys.at(-1)).toBe('ts');
        expect(frame).toMatchObject({ type: data.type, topic, seq, ts: '1970-01-01T00:00:00.000Z' });
        expect(({} as Record<string, unknown>)['type']).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('bus envelopes and demand (properties)', () => {
  const dateArb = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });

  it('round-trip through bytes and through the string form', () => {
    fc.assert(
      fc.property(validTopicArb, fc.nat(), hostileStringArb, hostileStringArb, dateArb, (topic, seq, src, type, ts) => {
        const envelope = makeEnvelope(topic, seq, src, { type, n: seq }, ts);
        // Lone surrogates are not valid UTF-8: the bytes carry U+FFFD, the JSON string form keeps them.
        expect(decodeEnvelope(JSON.stringify(envelope))).toEqual(envelope);
        const wire = decodeEnvelope(encodeEnvelope(envelope));
        expect(wire.seq).toBe(seq);
        expect(wire.topic).toBe(topic);
      }),
      { numRuns: 1_000 },
    );
  });

  it('decodeEnvelope and decodeDemand throw only ProtocolDecodeError for arbitrary payloads', () => {
    const payloadArb = fc.oneof(
      textFrameArb,
      fc.uint8Array({ maxLength: 200 }),
      fc
        .record(
          {
            v: fc.oneof(fc.constant(1), jsonishArb),
            topic: fc.oneof(validTopicArb, jsonishArb),
            seq: jsonishArb,
            ts: fc.oneof(
              dateArb.map((d) => d.toISOString()),
              jsonishArb,
            ),
            src: jsonishArb,
            data: jsonishArb,
          },
          { requiredKeys: [] },
        )
        .map((e) => JSON.stringify(e)),
      fc
        .record(
          {
            v: fc.oneof(fc.constant(1), jsonishArb),
            kind: fc.constantFrom('delta', 'lease', 'x'),
            owner: jsonishArb,
            add: fc.oneof(fc.array(tickerArb), jsonishArb),
            remove: jsonishArb,
            tickers: fc.oneof(fc.array(tickerArb), jsonishArb),
            ttl_ms: jsonishArb,
            ts: jsonishArb,
          },
          { requiredKeys: [] },
        )
        .map((d) => JSON.stringify(d)),
    );
    fc.assert(
      fc.property(payloadArb, (payload) => {
        for (const decode of [decodeEnvelope, decodeDemand]) {
          try {
            decode(payload);
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolDecodeError);
            expect((err as ProtocolDecodeError).code).toBe(ProtocolErrorCode.BadEnvelope);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trips demand messages', () => {
    const demandArb: fc.Arbitrary<DemandMessage> = fc.oneof(
      fc.record({
        v: fc.constant(1 as const),
        kind: fc.constant('delta' as const),
        owner: fc.string({ minLength: 1, maxLength: 50 }),
        add: fc.array(tickerArb, { maxLength: 20 }),
        remove: fc.array(tickerArb, { maxLength: 20 }),
        ts: dateArb.map((d) => d.toISOString()),
      }),
      fc.record({
        v: fc.constant(1 as const),
        kind: fc.constant('lease' as const),
        owner: fc.string({ minLength: 1, maxLength: 50 }),
        tickers: fc.array(tickerArb, { maxLength: 50 }),
        ttl_ms: fc.integer({ min: 1, max: 3_600_000 }),
        ts: dateArb.map((d) => d.toISOString()),
      }),
    );
    fc.assert(
      fc.property(demandArb, (message) => {
        expect(decodeDemand(encodeDemand(message))).toEqual(message);
      }),
      { numRuns: 500 },
    );
  });

  it('isIsoWithOffset accepts every instant as toISOString writes it, and never throws on junk', () => {
    fc.assert(
      fc.property(dateArb, hostileStringArb, (date, junk) => {
        expect(isIsoWithOffset(date.toISOString())).toBe(true);
        expect(isIsoWithOffset(date.toISOString().replace('Z', '+09:00'))).toBe(true);
        expect(typeof isIsoWithOffset(junk)).toBe('boolean');
      }),
      { numRuns: 1_000 },
    );
  });
});
