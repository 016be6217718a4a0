/**
 * The frame fuzzer's generators and its oracle: WebSocket frames of every hostile kind, and the
 * answer the edge owes each one by the protocol table (DESIGN.md "Client protocol v1", plus the
 * edge's per-connection topic cap), computed from the frame alone.
 */
import fc from 'fast-check';
import type { Frame } from '../../../test/fixtures/ws-client.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../src/config.js';
import {
  PROTOTYPE_KEYS,
  TOPIC_SPEC,
  hostileCharArb,
  hostileStringArb,
  jsonishArb,
  nearMissArb,
  tickerArb,
  validTopicArb,
} from '../../../test/fixtures/hostile-input.js';

/** Generated frames stay within the default frame limit, so none of them ends its connection. */
const MAX_FRAME_BYTES = DEFAULT_MAX_FRAME_BYTES;

export type FuzzFrame = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'binary'; readonly bytes: Uint8Array };
/** The topic the well-behaved clients hold and the tests publish to; kept out of generated frames, so no snapshot joins the answers. */
export const CALM_TOPIC = 'price:005930';

/** What the edge must answer: a frame shape, or nothing (an inbound pong). */
export type Answer =
  | { readonly type: 'error'; readonly code: string | undefined }
  | { readonly type: 'subscribed'; readonly topic: string }
  | { readonly type: 'unsubscribed'; readonly topic: string | null }
  | { readonly type: 'pong' };

// ---------------------------------------------------------------------------------------------
// Generated frames

export const text = (value: string): FuzzFrame => ({ kind: 'text', text: value });
export const json = (value: unknown): FuzzFrame => text(JSON.stringify(value));
const fitsFrame = (frame: FuzzFrame): boolean =>
  (frame.kind === 'text' ? Buffer.byteLength(frame.text) : frame.bytes.byteLength) <= MAX_FRAME_BYTES;

/** Nested arrays or objects as deep as one frame allows, around a small value. */
const deepJsonArb = fc.constantFrom('[', '{"a":', '{"__proto__":', '{"constructor":').chain((open) =>
  fc.integer({ min: 1, max: Math.floor((MAX_FRAME_BYTES - 64) / (open.length + 1)) }).map((depth) => {
    const close = open === '[' ? ']' : '}';
    return open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth);
  }),
);

export const fuzzTopicArb = validTopicArb.filter((topic) => topic !== CALM_TOPIC);

export const commandArb: fc.Arbitrary<{ type: string; topic?: string; ticker?: string }> = fc.oneof(
  fc.constant({ type: 'ping' }),
  fc.constant({ type: 'pong' }),
  fuzzTopicArb.map((topic) => ({ type: 'subscribe', topic })),
  tickerArb.filter((ticker) => `price:${ticker}` !== CALM_TOPIC).map((ticker) => ({ type: 'subscribe', ticker })),
  fuzzTopicArb.map((topic) => ({ type: 'unsubscribe', topic })),
  fc.constant({ type: 'unsubscribe' }),
);

const junkFieldsArb = fc.dictionary(
  fc
    .oneof(hostileStringArb(12), fc.constantFrom(...PROTOTYPE_KEYS, 'id', 'seq', 'data'))
    .filter((k) => !['type', 'topic', 'ticker'].includes(k)),
  jsonishArb,
  { maxKeys: 4 },
);

const textFrameArb: fc.Arbitrary<FuzzFrame> = fc.oneof(
  // Well-formed commands, so subscriptions build up and hit the per-connection cap.
  { weight: 6, arbitrary: commandArb.map(json) },
  // The same with junk fields around them, or a BOM in front.
  { weight: 3, arbitrary: fc.tuple(commandArb, junkFieldsArb).map(([command, junk]) => json({ ...junk, ...command })) },
  { weight: 1, arbitrary: commandArb.map((command) => text(`\ufeff${JSON.stringify(command)}`)) },
  // Garbage text and JSON values of every type.
  { weight: 3, arbitrary: hostileStringArb(80).map(text) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map(text) },
  { weight: 3, arbitrary: jsonishArb.map(json) },
  // Wrong types and near misses for every field.
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(
            fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'pong', 'Subscribe', 'PING', ' ping', 'ping\u0000'),
            jsonishArb,
          ),
          topic: fc.oneof(fuzzTopicArb, nearMissArb(validTopicArb), jsonishArb).filter((t) => t !== CALM_TOPIC),
          ticker: fc.oneof(tickerArb, nearMissArb(tickerArb), jsonishArb).filter((t) => t !== CALM_TOPIC.slice('price:'.length)),
        },
        { requiredKeys: [] },
      )
      .map(json),
  },
  // Prototype keys, written as text so they stay own properties named `__proto__`.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.oneof(commandArb, jsonishArb), fc.option(commandArb, { nil: undefined }))
      .map(([key, inner, outer]) => {
        const head = outer === undefined ? '' : `${JSON.stringify(outer).slice(1, -1)},`;
        return text(`{${head}"${key}":${JSON.stringify(inner)}}`);
      }),
  },
  // Deep nesting, alone and in every field.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        deepJsonArb,
        fc.constantFrom(
          '%s',
          '{"type":%s}',
          '{"type":"subscribe","topic":%s}',
          '{"type":"unsubscribe","topic":%s}',
          '{"type":"subscribe","ticker":%s}',
        ),
      )
      .map(([deep, template]) => text(template.replace('%s', deep))),
  },
  // Huge values: long strings and topics, wide arrays and objects.
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.integer({ min: 65, max: 15_000 }).map((n) => json({ type: 'subscribe', topic: `price:${'0'.repeat(n)}` })),
      fc.integer({ min: 1, max: 15_000 }).map((n) => json({ type: 'unsubscribe', topic: 'x'.repeat(n) })),
      fc.integer({ min: 1, max: 15_000 }).map((n) => json({ type: 'y'.repeat(n) })),
      fc.integer({ min: 1, max: 3_000 }).map((n) => json({ type: 'subscribe', topic: Array.from({ length: n }, (_, i) => i) })),
      fc.integer({ min: 1, max: 1_500 }).map((n) => json(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))),
      fc.integer({ min: 1, max: 7_000 }).map((n) => text(`[${'0,'.repeat(n)}0]`)),
      fc.tuple(fc.integer({ min: 1, max: 2_000 }), hostileCharArb).map(([n, c]) => json({ type: 'subscribe', topic: c.repeat(n) })),
    ),
  },
);

const binaryFrameArb: fc.Arbitrary<FuzzFrame> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes): FuzzFrame => ({ kind: 'binary', bytes })),
  // Binary frames are refused even when they hold a valid command.
  commandArb.map((command): FuzzFrame => ({ kind: 'binary', bytes: Buffer.from(JSON.stringify(command)) })),
);

export const frameArb: fc.Arbitrary<FuzzFrame> = fc
  .oneof({ weight: 9, arbitrary: textFrameArb }, { weight: 1, arbitrary: binaryFrameArb })
  .filter(fitsFrame);

// ---------------------------------------------------------------------------------------------
// The answer table (DESIGN.md "Client protocol v1", plus the edge's topic cap), as an oracle

const utf8Decoder = new TextDecoder('utf-8');

/**
 * The answer the edge owes one frame, given the connection's topics (updated in place), and
 * whether the frame counts as invalid for EDGE_BAD_FRAME_LIMIT.
 */
export function expectedAnswer(frame: FuzzFrame, topics: Set<string>, maxTopics: number): { answer: Answer | undefined; invalid: boolean } {
  const invalid = (code: string | undefined) => ({ answer: { type: 'error' as const, code }, invalid: true });
  if (frame.kind === 'binary') return invalid('BAD_FRAME');
  // The text as the edge reads it off the wire: the client encodes lone surrogates as U+FFFD, and
  // a UTF-8 decoder drops a leading byte-order mark.
  const wire = utf8Decoder.decode(Buffer.from(frame.text, 'utf8'));
  let value: unknown;
  try {
    value = JSON.parse(wire);
  } catch {
    return invalid('BAD_FRAME');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('BAD_FRAME');
  const obj = value as Record<string, unknown>;
  const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  const ticker = obj['ticker'];
  const topic = present(obj['topic'])
    ? obj['topic']
    : present(ticker)
      ? typeof ticker === 'string'
        ? `price:${ticker}`
        : ticker
      : undefined;
  switch (obj['type']) {
    case 'ping':
      return { answer: { type: 'pong' }, invalid: false };
    case 'pong':
      return { answer: undefined, invalid: false };
    case 'subscribe':
      if (typeof topic !== 'string' || !TOPIC_SPEC.test(topic)) return invalid('INVALID_TOPIC');
      if (!topics.has(topic) && topics.size >= maxTopics) return { answer: { type: 'error', code: 'TOO_MANY_TOPICS' }, invalid: false };
      topics.add(topic);
      return { answer: { type: 'subscribed', topic }, invalid: false };
    case 'unsubscribe':
      if (topic !== undefined && typeof topic !== 'string') return invalid('INVALID_TOPIC');
      if (topic !== undefined) topics.delete(topic);
      return { answer: { type: 'unsubscribed', topic: topic ?? null }, invalid: false };
    default:
      // The seed's unknown-type error carries no code.
      return invalid(undefined);
  }
}

export function matches(frame: Frame, answer: Answer): boolean {
  switch (answer.type) {
    case 'error':
      return (
        frame.type === 'error' &&
        frame['code'] === answer.code &&
        typeof frame['message'] === 'string' &&
        (answer.code !== undefined || frame['message'].startsWith('Unknown message type: '))
      );
    case 'subscribed':
      return frame.type === 'subscribed' && frame['topic'] === answer.topic && frame['message'] === `Subscribed to ${answer.topic}`;
    case 'unsubscribed':
      return (
        frame.type === 'unsubscribed' &&
        frame['topic'] === answer.topic &&
        frame['message'] === `Unsubscribed from ${answer.topic ?? 'None'}`
      );
    case 'pong':
      return frame.type === 'pong' && Object.keys(frame).length === 1;
  }
}

export const preview = (value: unknown): string => {
  const s =
    typeof value === 'string'
      ? value
      : JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v));
  return s.length > 160 ? `${s.slice(0, 160)}… (${s.length} chars)` : s;
};
