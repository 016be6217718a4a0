import { KIWOOM_ERROR_CODES } from '@repo/kiwoom';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every price-ingest metric in one place; labels come from closed sets. */
/** `lastPollAtMs` feeds the poll-age gauge at scrape time. */
export function createIngestMetrics(registry: Registry, lastPollAtMs: () => number | undefined = () => undefined) {
  const registers = [registry];
  const metrics = {
    polls: new Counter({ name: 'ingest_polls_total', help: 'Poll cycles, by result.', labelNames: ['result'] as const, registers }),
    batchSize: new Histogram({
      name: 'ingest_batch_size',
      help: 'Tickers per ka10095 call.',
      buckets: [1, 5, 10, 25, 50, 75, 100],
      registers,
    }),
    kiwoomRequests: new Counter({
      name: 'ingest_kiwoom_requests_total',
      help: 'Kiwoom calls, by api-id and result.',
      labelNames: ['api_id', 'result'] as const,
      registers,
    }),
    kiwoomErrors: new Counter({
      name: 'ingest_kiwoom_errors_total',
      help: 'Kiwoom errors, by our error code.',
      labelNames: ['code'] as const,
      registers,
    }),
    published: new Counter({
      name: 'ingest_quotes_published_total',
      help: 'Quotes published, by source.',
      labelNames: ['source'] as const,
      registers,
    }),
    unchanged: new Counter({ name: 'ingest_quotes_unchanged_total', help: 'Quotes not published because nothing changed.', registers }),
    fallbackQuotes: new Counter({
      name: 'ingest_fallback_quotes_total',
      help: 'Quotes served from the database, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    missingQuotes: new Counter({
      name: 'ingest_missing_quotes_total',
      help: 'Demanded tickers with neither a Kiwoom nor a database quote.',
      registers,
    }),
    breakerState: new Gauge({ name: 'ingest_breaker_state', help: 'Kiwoom circuit breaker: 0 closed, 1 half-open, 2 open.', registers }),
    leader: new Gauge({ name: 'ingest_leader', help: '1 while this instance holds the poller lease.', registers }),
    demandedTickers: new Gauge({ name: 'ingest_demanded_tickers', help: 'Tickers polled per cycle (demand plus watch list).', registers }),
    demandOwners: new Gauge({ name: 'ingest_demand_owners', help: 'Owners (edges, engines) with a live demand lease.', registers }),
    quoteAge: new Histogram({
      name: 'ingest_quote_age_seconds',
      help: 'Age of a quote (its time to publication) when published.',
      labelNames: ['source'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 86_400],
      registers,
    }),
    lastPollAgeSeconds: new Gauge({
      name: 'ingest_last_poll_age_seconds',
      help: 'Seconds since the last completed poll cycle (absent before the first).',
      registers,
      collect() {
        const at = lastPollAtMs();
        if (at !== undefined) this.set((Date.now() - at) / 1000);
      },
    }),
    cycleSeconds: new Histogram({
      name: 'ingest_poll_cycle_seconds',
      help: 'Duration of one poll cycle.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    fallbackTickers: new Gauge({
      name: 'ingest_fallback_tickers',
      help: 'Tickers of the last poll cycle served from the database instead of Kiwoom, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    sessionTrading: new Gauge({
      name: 'ingest_session_trading',
      help: '1 while the KRX market trades (pre-open auction, continuous session, closing auction).',
      registers,
    }),
  };
  // Closed label sets start at 0, so a dashboard shows 0 rather than no data.
  for (const code of KIWOOM_ERROR_LABELS) metrics.kiwoomErrors.inc({ code }, 0);
  for (const reason of FALLBACK_REASONS) {
    metrics.fallbackQuotes.inc({ reason }, 0);
    metrics.fallbackTickers.set({ reason }, 0);
  }
  return metrics;
}

/** Why a ticker's quote came from the database. */
export const FALLBACK_REASONS = ['kiwoom_error', 'breaker_open', 'not_in_kiwoom'] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

/** The `code` label of ingest_kiwoom_errors_total: KiwoomErrorCode, or UNKNOWN for anything else. */
const KIWOOM_ERROR_LABELS: readonly string[] = [...KIWOOM_ERROR_CODES, 'UNKNOWN'];

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
