import { isValidTicker } from './tickers.js';

/**
 * The only place client topics and bus subjects are built or parsed.
 * Client topics contain `:` and `-`; subjects are dot-separated NATS tokens, and a client string
 * reaches a subject only after `parseTopic` accepted it, so no `.`, `*` or `>` from a client
 * ever lands in a subject.
 */

export const SIGNAL_TYPES = ['vcp', 'jongga_v2', 'daytrading'] as const;
export type SignalTopicType = (typeof SIGNAL_TYPES)[number];
export const INDEX_MARKETS = ['kospi', 'kosdaq'] as const;
export type IndexMarket = (typeof INDEX_MARKETS)[number];

export type TopicInfo =
  | { readonly kind: 'price'; readonly topic: string; readonly ticker: string }
  | { readonly kind: 'index'; readonly topic: string; readonly market: IndexMarket }
  | { readonly kind: 'gate'; readonly topic: string }
  | { readonly kind: 'signal'; readonly topic: string; readonly signalType: SignalTopicType };

export const MARKET_GATE_TOPIC = 'market-gate';
/** Subject on which edges announce the tickers their clients want (issue 3 consumes it). */
export const DEMAND_SUBJECT = 'ctl.demand';
/** Prefix of every market-data subject; `md.>` matches them all. */
export const MARKET_DATA_SUBJECT_PREFIX = 'md.';

/** The topic of a ticker's quotes: `price:005930`. Throws on an invalid ticker. */
export function priceTopic(ticker: string): string {
  if (!isValidTicker(ticker)) throw new TypeError(`invalid ticker: ${JSON.stringify(ticker)}`);
  return `price:${ticker}`;
}

/** Parses a client topic; returns null for anything that is not a known topic form. */
export function parseTopic(topic: unknown): TopicInfo | null {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 64) return null;
  if (topic === MARKET_GATE_TOPIC) return { kind: 'gate', topic };
  const colon = topic.indexOf(':');
  if (colon < 0) return null;
  const head = topic.slice(0, colon);
  const tail = topic.slice(colon + 1);
  switch (head) {
    case 'price':
      return isValidTicker(tail) ? { kind: 'price', topic, ticker: tail } : null;
    case 'market':
      return isOneOf(INDEX_MARKETS, tail) ? { kind: 'index', topic, market: tail } : null;
    case 'signal':
      return isOneOf(SIGNAL_TYPES, tail) ? { kind: 'signal', topic, signalType: tail } : null;
    default:
      return null;
  }
}

/** True when `topic` is one of the known topic forms. */
export function isValidTopic(topic: unknown): topic is string {
  return parseTopic(topic) !== null;
}

/** Maps a topic to its bus subject: `price:005930` → `md.price.005930`, `market-gate` → `md.gate`. */
export function topicToSubject(topic: string): string {
  const info = parseTopic(topic);
  if (info === null) throw new TypeError(`invalid topic: ${JSON.stringify(topic)}`);
  switch (info.kind) {
    case 'price':
      return `md.price.${info.ticker}`;
    case 'index':
      return `md.index.${info.market}`;
    case 'gate':
      return 'md.gate';
    case 'signal':
      return `md.signal.${info.signalType}`;
  }
}

/** The inverse of `topicToSubject`; null for a subject that is not a market-data subject. */
export function subjectToTopic(subject: string): string | null {
  const parts = subject.split('.');
  if (parts[0] !== 'md') return null;
  let topic: string | null = null;
  if (parts.length === 2 && parts[1] === 'gate') topic = MARKET_GATE_TOPIC;
  else if (parts.length === 3) {
    const [, kind, name] = parts;
    if (kind === 'price') topic = `price:${name}`;
    else if (kind === 'index') topic = `market:${name}`;
    else if (kind === 'signal') topic = `signal:${name}`;
  }
  return topic !== null && isValidTopic(topic) ? topic : null;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
