/**
 * fast-check arbitraries for hostile client input, shared by the frame fuzzer and the HTTP fuzzer:
 * strings that break parsers, tickers and topics (valid, near misses and junk), and JSON values
 * with prototype keys.
 */
import fc from 'fast-check';

const DIGITS = [...'0123456789'];
const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** The topic rule as DESIGN.md words it, written independently of libs/protocol. */
export const TOPIC_SPEC =
  /^(?:price:(?=[0-9A-Z]*[0-9])[0-9A-Z]{6}|market:(?:kospi|kosdaq)|market-gate|signal:(?:vcp|jongga_v2|daytrading))$/;
export const TICKER_SPEC = /^(?=[0-9A-Z]*[0-9])[0-9A-Z]{6}$/;
const FIXED_TOPICS = ['market:kospi', 'market:kosdaq', 'market-gate', 'signal:vcp', 'signal:jongga_v2', 'signal:daytrading'];

/** One character that breaks parsers: NUL and controls, lone surrogates, RTL and zero-width marks, BOM, emoji, Hangul, separators. */
export const hostileCharArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    '\u0000',
    '\u0007',
    '\u001b',
    '\u007f',
    '\u202e',
    '\u200f',
    '\u200b',
    '\ufeff',
    '\u2028',
    '😀',
    '👨‍👩‍👧',
    '삼',
    '.',
    '*',
    '>',
    ' ',
    '\n',
    ':',
    ',',
    '-',
    '"',
    '\\',
    '%',
    '&',
    '=',
    '#',
    '+',
  ),
);

export const hostileStringArb = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: hostileCharArb, maxLength });

/** A wire ticker: six of [0-9A-Z] with at least one digit (mostly all digits, like real codes). */
export const tickerArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 6, maxLength: 6 }),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...DIGITS, ...UPPER), minLength: 5, maxLength: 5 }), fc.constantFrom(...DIGITS), fc.nat(5))
    .map(([rest, digit, at]) => rest.slice(0, at) + digit + rest.slice(at)),
);

export const validTopicArb: fc.Arbitrary<string> = fc.oneof(
  tickerArb.map((t) => `price:${t}`),
  fc.constantFrom(...FIXED_TOPICS),
);

/** A valid string with one edit: an inserted, replaced or dropped character, or a case flip. */
export const nearMissArb = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(base, fc.nat(), fc.oneof(hostileCharArb, fc.constantFrom(...DIGITS, ...UPPER, 'a', 'z')), fc.nat(3))
    .map(([text, rawAt, char, edit]) => {
      const at = rawAt % (text.length + 1);
      if (edit === 0) return text.slice(0, at) + char + text.slice(at);
      if (edit === 1) return text.slice(0, at) + char + text.slice(at + 1);
      if (edit === 2) return text.slice(0, at) + text.slice(at + 1);
      return text.toUpperCase() === text ? text.toLowerCase() : text.toUpperCase();
    });

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Any JSON value, small, with hostile strings and prototype keys among the object keys. */
export const jsonishArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    hostileStringArb(20),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileStringArb(10), fc.constantFrom(...PROTOTYPE_KEYS, 'type', 'topic', 'ticker')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;
