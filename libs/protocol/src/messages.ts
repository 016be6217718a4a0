/**
 * Wire shapes of client protocol v1 (byte-compatible with the seed frontend) and the bus envelope.
 * New fields may be added to any of them; none may be removed or renamed.
 */

/** A client command after decoding; `subscribe` with `ticker` arrives here as its `price:` topic. */
export type ClientCommand =
  | { readonly type: 'subscribe'; readonly topic: string }
  | { readonly type: 'unsubscribe'; readonly topic: string | null }
  | { readonly type: 'ping' }
  | { readonly type: 'pong' };

export interface PriceData {
  readonly price: number;
  readonly change: number;
  readonly change_rate: number;
  readonly volume: number;
  readonly bid_price: number | null;
  readonly ask_price: number | null;
  /**
   * Today's session so far (additions to the seed's shape; the frontend ignores them): what the
   * signal engine builds today's bar from. Absent in a database quote's previous-day bar fields.
   */
  readonly open?: number | null;
  readonly high?: number | null;
  readonly low?: number | null;
  /** KRW. */
  readonly trading_value?: number | null;
  readonly prev_close?: number | null;
}

export type QuoteSource = 'kiwoom_rest' | 'kiwoom_ws' | 'db';

export interface PriceUpdate {
  readonly type: 'price_update';
  readonly ticker: string;
  readonly data: PriceData;
  readonly timestamp: string;
  readonly source: QuoteSource;
  /** Trading date (YYYY-MM-DD) of a database quote. */
  readonly as_of?: string;
  readonly stale?: boolean;
}

export interface IndexUpdate {
  readonly type: 'index_update';
  /** `001` KOSPI, `101` KOSDAQ. */
  readonly code: string;
  readonly name: string;
  readonly data: { readonly index: number; readonly change: number; readonly change_rate: number; readonly volume: number };
  readonly timestamp: string;
}

export interface GateSector {
  readonly name: string;
  readonly ticker?: string;
  readonly change_pct: number;
  readonly signal: 'bullish' | 'bearish' | 'neutral';
}

export interface MarketGateUpdate {
  readonly type: 'market_gate_update';
  readonly timestamp: string;
  readonly data: {
    readonly status: 'GREEN' | 'YELLOW' | 'RED';
    readonly level: number;
    readonly kospi: number | null;
    readonly kospi_change_pct: number | null;
    readonly kosdaq: number | null;
    readonly kosdaq_change_pct: number | null;
    readonly sectors: readonly GateSector[];
  };
}

export interface SignalUpdate {
  readonly type: 'signal_update';
  readonly data: {
    readonly signal_type: string;
    readonly signals: readonly Record<string, unknown>[];
    readonly count: number;
    readonly timestamp: string;
  };
}

/** A message a producer fans out to a topic's subscribers (the envelope's `data`). */
export type FanoutMessage = PriceUpdate | IndexUpdate | MarketGateUpdate | SignalUpdate;

/** What travels on the bus: one envelope for every message. */
export interface BusEnvelope<T = FanoutPayload> {
  readonly v: 1;
  readonly topic: string;
  /** Increases by one per topic from its single producer. */
  readonly seq: number;
  /** The producer's publish time, ISO-8601 with an offset. */
  readonly ts: string;
  /** The producing service instance, for tracing. */
  readonly src: string;
  readonly data: T;
}

/**
 * Any fan-out payload: a typed message from our producers, or a legacy relay payload that is
 * only known to be a JSON object with a string `type`.
 */
export type FanoutPayload = FanoutMessage | { readonly type: string; readonly [key: string]: unknown };

export const CONNECTED_MESSAGE = 'WebSocket connection established';

export function subscribedFrame(topic: string): string {
  return JSON.stringify({ type: 'subscribed', topic, message: `Subscribed to ${topic}` });
}

/** `null` for an unsubscribe without a topic, which the seed answered with Python's `None`. */
export function unsubscribedFrame(topic: string | null): string {
  return JSON.stringify({ type: 'unsubscribed', topic, message: `Unsubscribed from ${topic ?? 'None'}` });
}

export function connectedFrame(clientId: string): string {
  return JSON.stringify({ type: 'connected', client_id: clientId, message: CONNECTED_MESSAGE });
}

export const PONG_FRAME = '{"type":"pong"}';

/** The server heartbeat; `timestamp` is ISO-8601 with an offset. */
export function pingFrame(now: Date): string {
  return JSON.stringify({ type: 'ping', timestamp: now.toISOString() });
}

/** An error frame; the seed's unknown-type error has no `code`, every newer error has one. */
export function errorFrame(message: string, code?: string): string {
  return code === undefined ? JSON.stringify({ type: 'error', message }) : JSON.stringify({ type: 'error', code, message });
}

/**
 * The client frame of a bus envelope: the payload with `topic` and `seq` added after `type`
 * (the seed's field order is kept), and the producer's publish time `ts` added last, so a client
 * can measure bus-to-browser latency whatever clock the quote's own `timestamp` comes from.
 * Encoded once per message, then published to every socket.
 */
export function fanoutFrame(envelope: BusEnvelope): string {
  // A null-prototype object keeps a legacy payload's own `__proto__` key as a plain field.
  const frame: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, {
    type: envelope.data.type,
    topic: envelope.topic,
    seq: envelope.seq,
  });
  // topic and seq stay right after type (the seed's order); a legacy payload's own are replaced.
  for (const [key, value] of Object.entries(envelope.data)) {
    if (key !== 'type' && key !== 'topic' && key !== 'seq' && key !== 'ts') frame[key] = value;
  }
  frame['ts'] = envelope.ts;
  return JSON.stringify(frame);
}
