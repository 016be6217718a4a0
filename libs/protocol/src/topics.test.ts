import { describe, expect, it } from 'vitest';
import {
  DEMAND_SUBJECT,
  INDEX_MARKETS,
  MARKET_DATA_SUBJECT_PREFIX,
  MARKET_GATE_TOPIC,
  SIGNAL_TYPES,
  isValidTopic,
  parseTopic,
  priceTopic,
  subjectToTopic,
  topicToSubject,
} from './topics.js';

/** One topic of every kind with its subject. */
const TOPIC_SUBJECTS: readonly (readonly [string, string])[] = [
  ['price:005930', 'md.price.005930'],
  ['price:0015N0', 'md.price.0015N0'],
  ['market:kospi', 'md.index.kospi'],
  ['market:kosdaq', 'md.index.kosdaq'],
  ['market-gate', 'md.gate'],
  ['signal:vcp', 'md.signal.vcp'],
  ['signal:jongga_v2', 'md.signal.jongga_v2'],
  ['signal:daytrading', 'md.signal.daytrading'],
];

const INVALID_TOPICS = [
  '',
  'price:12345',
  'price:1234567',
  'price:ABCDEF',
  'price:',
  'price:005930.x',
  'price:005930 ',
  'price: 005930',
  'price:005930:x',
  'PRICE:005930',
  'price:*',
  'price:>',
  'market:nasdaq',
  'market:KOSPI',
  'market:',
  'market',
  'market_gate',
  'market-gate ',
  'market-gate:x',
  'signal:',
  'signal:VCP',
  'signal:unknown',
  'signal',
  'vcp:signals',
  'md.price.005930',
  ':005930',
  'x'.repeat(65),
  `signal:${'v'.repeat(58)}`,
];

describe('parseTopic', () => {
  it('parses a price topic into its ticker', () => {
    expect(parseTopic('price:005930')).toEqual({ kind: 'price', topic: 'price:005930', ticker: '005930' });
    expect(parseTopic('price:0015N0')).toEqual({ kind: 'price', topic: 'price:0015N0', ticker: '0015N0' });
  });

  it.each(INDEX_MARKETS)('parses market:%s into an index topic', (market) => {
    expect(parseTopic(`market:${market}`)).toEqual({ kind: 'index', topic: `market:${market}`, market });
  });

  it('parses the market gate topic, spelled with a hyphen', () => {
    expect(MARKET_GATE_TOPIC).toBe('market-gate');
    expect(parseTopic('market-gate')).toEqual({ kind: 'gate', topic: 'market-gate' });
  });

  it.each(SIGNAL_TYPES)('parses signal:%s into a signal topic', (signalType) => {
    expect(parseTopic(`signal:${signalType}`)).toEqual({ kind: 'signal', topic: `signal:${signalType}`, signalType });
  });

  it('knows exactly the signal types vcp, jongga_v2 and daytrading', () => {
    expect(SIGNAL_TYPES).toEqual(['vcp', 'jongga_v2', 'daytrading']);
    expect(INDEX_MARKETS).toEqual(['kospi', 'kosdaq']);
  });

  it.each(INVALID_TOPICS)('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeNull();
    expect(isValidTopic(topic)).toBe(false);
  });

  it.each([null, undefined, 42, true, {}, ['price:005930'], { toString: () => 'price:005930' }])('rejects the non-string %j', (topic) => {
    expect(parseTopic(topic)).toBeNull();
    expect(isValidTopic(topic)).toBe(false);
  });
});

describe('isValidTopic', () => {
  it.each(TOPIC_SUBJECTS.map(([topic]) => topic))('accepts %s', (topic) => {
    expect(isValidTopic(topic)).toBe(true);
  });
});

describe('priceTopic', () => {
  it('builds the price topic of a valid ticker', () => {
    expect(priceTopic('005930')).toBe('price:005930');
    expect(priceTopic('0015N0')).toBe('price:0015N0');
  });

  it.each(['12345', 'ABCDEF', '', '005930.>'])('throws a TypeError for the invalid ticker %j', (ticker) => {
    expect(() => priceTopic(ticker)).toThrow(TypeError);
  });
});

describe('topicToSubject', () => {
  it.each(TOPIC_SUBJECTS)('maps %s to %s', (topic, subject) => {
    expect(topicToSubject(topic)).toBe(subject);
  });

  it.each(TOPIC_SUBJECTS)('round-trips %s through its subject', (topic) => {
    expect(subjectToTopic(topicToSubject(topic))).toBe(topic);
  });

  it('puts every market-data subject under the md. prefix, with no wildcard or space', () => {
    for (const [topic] of TOPIC_SUBJECTS) {
      const subject = topicToSubject(topic);
      expect(subject.startsWith(MARKET_DATA_SUBJECT_PREFIX)).toBe(true);
      expect(subject).toMatch(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/);
    }
  });

  it.each(['price:12345', 'price:005930.x', 'price:*', 'market:nasdaq', 'signal:', 'vcp:signals', ''])(
    'throws a TypeError for the invalid topic %j',
    (topic) => {
      expect(() => topicToSubject(topic)).toThrow(TypeError);
    },
  );
});

describe('subjectToTopic', () => {
  it.each(TOPIC_SUBJECTS)('maps %s back from %s', (topic, subject) => {
    expect(subjectToTopic(subject)).toBe(topic);
  });

  it.each([
    'md.price.*',
    'md.price.>',
    'md.>',
    'md.*.005930',
    DEMAND_SUBJECT,
    'md.price.12345',
    'md.price.ABCDEF',
    'md.price',
    'md.price.005930.x',
    'md.index.nasdaq',
    'md.index',
    'md.market.kospi',
    'md.gate.x',
    'md.market-gate',
    'md.signal.unknown',
    'md.signal.',
    'md',
    'md.',
    '',
    'price.005930',
    'xx.price.005930',
  ])('returns null for %j', (subject) => {
    expect(subjectToTopic(subject)).toBeNull();
  });

  it('keeps the demand subject outside the market-data prefix', () => {
    expect(DEMAND_SUBJECT).toBe('ctl.demand');
    expect(DEMAND_SUBJECT.startsWith(MARKET_DATA_SUBJECT_PREFIX)).toBe(false);
  });
});
