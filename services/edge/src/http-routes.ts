import type { LastValueStore } from '@repo/bus';
import { decodeEnvelope, isValidTicker, MARKET_GATE_TOPIC, priceTopic, type BusEnvelope } from '@repo/protocol';
import type { Registry } from 'prom-client';
import type { HttpReply, HttpRoute } from './ws-server.js';
import type { TopicBridge } from './topic-bridge.js';

/**
 * The edge's HTTP surface: probes, metrics, the seed's /ws/* views and the read-only REST views.
 * REST reads the same last values as WebSocket subscribers get (the local copy first, then the
 * store), so the two never disagree.
 */
export interface HttpRouteDeps {
  readonly registry: Registry;
  readonly bridge: TopicBridge;
  readonly lastValues: LastValueStore;
  readonly version: string;
  readonly watchTickers: readonly string[];
  readonly connectionCount: () => number;
  readonly readiness: () => { ready: boolean; reasons: string[] };
  readonly heartbeatRunning: () => boolean;
  readonly busConnected: () => boolean;
  /** Time of the last fan-out per topic kind, for the seed's *_running flags. */
  readonly lastFanoutMs: (kind: 'price' | 'signal') => number | undefined;
  readonly now?: () => number;
  /** The dashboard (services/dashboard), served at /, /app.js and /styles.css when given. */
  readonly staticAssets?: StaticAssets;
}

/** A single-page web app held in memory: the page, its one script bundle and its stylesheet. */
export interface StaticAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

/** The seed's receive timeout, still reported by /ws/stats for compatibility. */
const SEED_RECV_TIMEOUT_S = 120;
const MAX_REST_TICKERS = 100;
/** A producer is "running" when it published within this window (prices poll every few seconds). */
const PRICE_ACTIVE_WINDOW_MS = 60_000;
const SIGNAL_ACTIVE_WINDOW_MS = 10 * 60_000;

const json = (status: number, body: unknown): HttpReply => ({ status, body: JSON.stringify(body) });

function staticRoutes(assets: StaticAssets): Record<string, HttpRoute> {
  const page: HttpReply = { status: 200, contentType: 'text/html; charset=utf-8', body: assets.html };
  const script: HttpReply = { status: 200, contentType: 'text/javascript; charset=utf-8', body: assets.js };
  const styles: HttpReply = { status: 200, contentType: 'text/css; charset=utf-8', body: assets.css };
  return { '/': () => page, '/app.js': () => script, '/styles.css': () => styles };
}

export function createHttpRoutes(deps: HttpRouteDeps): Record<string, HttpRoute> {
  const now = deps.now ?? Date.now;

  const lastEnvelopes = async (topics: readonly string[]): Promise<(BusEnvelope | undefined)[]> => {
    const local = topics.map((t) => deps.bridge.lastEnvelope(t));
    const missing = topics.filter((_, i) => local[i] === undefined);
    if (missing.length === 0) return local;
    const stored = await deps.lastValues.getMany(missing);
    const byTopic = new Map<string, BusEnvelope>();
    missing.forEach((topic, i) => {
      const value = stored[i];
      if (value == null) return;
      try {
        byTopic.set(topic, decodeEnvelope(value));
      } catch {
        // A corrupt stored value is treated as absent; the producer overwrites it on its next publish.
      }
    });
    return topics.map((t, i) => local[i] ?? byTopic.get(t));
  };

  const activeTickers = (): string[] =>
    [...deps.bridge.counts().keys()].filter((t) => t.startsWith('price:')).map((t) => t.slice('price:'.length));

  const recent = (kind: 'price' | 'signal', windowMs: number): boolean => {
    const at = deps.lastFanoutMs(kind);
    return at !== undefined && now() - at <= windowMs;
  };

  return {
    ...(deps.staticAssets !== undefined ? staticRoutes(deps.staticAssets) : {}),
    '/health': () => json(200, { status: 'healthy', service: 'edge', version: deps.version, timestamp: new Date(now()).toISOString() }),
    '/ready': () => {
      const { ready, reasons } = deps.readiness();
      return json(ready ? 200 : 503, { ready, reasons });
    },
    '/metrics': async () => ({ status: 200, contentType: deps.registry.contentType, body: await deps.registry.metrics() }),
    '/ws/stats': () => {
      const tickers = activeTickers();
      return json(200, {
        active_connections: deps.connectionCount(),
        subscriptions: Object.fromEntries(deps.bridge.counts()),
        bridge_running: deps.busConnected(),
        bridge_tickers: tickers,
        broadcaster_running: recent('price', PRICE_ACTIVE_WINDOW_MS),
        active_tickers: tickers,
        heartbeat_running: deps.heartbeatRunning(),
        signal_broadcaster_running: recent('signal', SIGNAL_ACTIVE_WINDOW_MS),
        recv_timeout: SEED_RECV_TIMEOUT_S,
      });
    },
    '/ws/status': () => {
      const counts = deps.bridge.counts();
      const tickers = activeTickers();
      let total = 0;
      for (const n of counts.values()) total += n;
      return json(200, {
        websocket: { active_connections: deps.connectionCount(), active_topics: counts.size, total_subscriptions: total },
        heartbeat: { running: deps.heartbeatRunning() },
        price_broadcaster: { running: recent('price', PRICE_ACTIVE_WINDOW_MS), active_tickers: tickers, ticker_count: tickers.length },
        bus: { connected: deps.busConnected() },
        ready: deps.readiness().ready,
        timestamp: new Date(now()).toISOString(),
      });
    },
    '/ws/tickers': () => json(200, { active_tickers: activeTickers(), default_tickers: deps.watchTickers }),

    '/api/kr/realtime-prices': async (req) => {
      const raw = new URLSearchParams(req.query).get('tickers');
      if (raw === null) return json(400, { detail: 'tickers parameter is required' });
      const tickers = [
        ...new Set(
          raw
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t.length > 0),
        ),
      ];
      if (tickers.length === 0) return json(400, { detail: 'At least one ticker is required' });
      if (tickers.length > MAX_REST_TICKERS) return json(400, { detail: `At most ${MAX_REST_TICKERS} tickers per request` });
      const invalid = tickers.filter((t) => !isValidTicker(t));
      if (invalid.length > 0) return json(400, { detail: `Invalid ticker format: ${invalid.join(', ')}` });
      const envelopes = await lastEnvelopes(tickers.map(priceTopic));
      const prices: Record<string, unknown> = {};
      tickers.forEach((ticker, i) => {
        const quote = envelopes[i]?.data as Record<string, unknown> | undefined;
        const data = quote?.['data'] as Record<string, unknown> | undefined;
        if (quote === undefined || data === undefined) return;
        prices[ticker] = {
          ticker,
          price: data['price'],
          change: data['change'],
          change_rate: data['change_rate'],
          // The frontend's polling path reads change_percent; same value, both spellings.
          change_percent: data['change_rate'],
          volume: data['volume'],
          timestamp: quote['timestamp'],
          source: quote['source'],
          ...(quote['as_of'] !== undefined ? { as_of: quote['as_of'] } : {}),
          ...(quote['stale'] !== undefined ? { stale: quote['stale'] } : {}),
        };
      });
      return json(200, { prices });
    },

    '/api/kr/market-gate': async () => {
      const [envelope] = await lastEnvelopes([MARKET_GATE_TOPIC]);
      return json(200, marketGateView(envelope, now()));
    },

    '/api/kr/signals': async (req) => {
      const limitRaw = new URLSearchParams(req.query).get('limit');
      const limit = limitRaw === null ? 20 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return json(400, { detail: 'limit must be an integer from 1 to 100' });
      const [envelope] = await lastEnvelopes(['signal:vcp']);
      return json(200, signalItems(envelope, 'vcp').slice(0, limit));
    },

    '/api/kr/jongga-v2/latest': async () => {
      const [envelope] = await lastEnvelopes(['signal:jongga_v2']);
      return json(200, signalItems(envelope, 'jongga_v2'));
    },
  };
}

function signalItems(envelope: BusEnvelope | undefined, signalType: string): Record<string, unknown>[] {
  const data = envelope?.data as { data?: { signals?: unknown } } | undefined;
  const signals = data?.data?.signals;
  if (!Array.isArray(signals)) return [];
  return signals
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => ({ ...s, signal_type: typeof s['signal_type'] === 'string' ? s['signal_type'] : signalType }));
}

/** The seed's index status words (seed-protocol.md §8.3). */
function indexStatus(changePct: unknown): string {
  if (typeof changePct !== 'number') return '정보 없음';
  if (changePct > 1) return '강세';
  if (changePct > 0) return '소폭 상승';
  if (changePct > -1) return '소폭 하락';
  return '약세';
}

/** The seed's REST shape of the gate, built from the same message WebSocket subscribers get. */
function marketGateView(envelope: BusEnvelope | undefined, nowMs: number): Record<string, unknown> {
  const message = envelope?.data as { timestamp?: string; data?: Record<string, unknown> } | undefined;
  const gate = message?.data;
  if (gate === undefined) {
    // No gate published yet: the seed's neutral default, marked so nobody mistakes it for data.
    return {
      status: 'YELLOW',
      level: 50,
      kospi_status: '데이터 없음',
      kosdaq_status: '데이터 없음',
      kospi_close: null,
      kospi_change_pct: null,
      kosdaq_close: null,
      kosdaq_change_pct: null,
      sectors: [],
      updated_at: new Date(nowMs).toISOString(),
      data_available: false,
    };
  }
  const sectors = Array.isArray(gate['sectors']) ? (gate['sectors'] as Record<string, unknown>[]) : [];
  return {
    status: gate['status'],
    level: gate['level'],
    kospi_status: indexStatus(gate['kospi_change_pct']),
    kosdaq_status: indexStatus(gate['kosdaq_change_pct']),
    kospi_close: gate['kospi'] ?? null,
    kospi_change_pct: gate['kospi_change_pct'] ?? null,
    kosdaq_close: gate['kosdaq'] ?? null,
    kosdaq_change_pct: gate['kosdaq_change_pct'] ?? null,
    sectors: sectors.map((s) => {
      const change = typeof s['change_pct'] === 'number' ? s['change_pct'] : 0;
      return { name: s['name'], signal: s['signal'], change_pct: change, score: Math.min(100, Math.max(0, 50 + 10 * change)) };
    }),
    updated_at: message?.timestamp ?? envelope?.ts,
    data_available: true,
  };
}
