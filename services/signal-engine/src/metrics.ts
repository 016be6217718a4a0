import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const SIGNAL_TOPICS = ['signal:vcp', 'signal:jongga_v2', 'market-gate'] as const;
export type SignalTopic = (typeof SIGNAL_TOPICS)[number];

/**
 * Every signal-engine metric. `lastRefreshMs(topic)` feeds the refresh-age and staleness gauges
 * at scrape time; `expectedPeriodMs(topic)` is how often the topic must be refreshed.
 */
export function createEngineMetrics(
  registry: Registry,
  refresh: { lastRefreshMs: (topic: SignalTopic) => number | undefined; expectedPeriodMs: (topic: SignalTopic) => number },
) {
  const registers = [registry];
  return {
    computeSeconds: new Histogram({
      name: 'signals_compute_seconds',
      help: 'Duration of one computation, by job.',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    setSize: new Gauge({
      name: 'signals_set_size',
      help: 'Items in the current set, by topic.',
      labelNames: ['topic'] as const,
      registers,
    }),
    published: new Counter({
      name: 'signals_published_total',
      help: 'Sets published (changed), by topic.',
      labelNames: ['topic'] as const,
      registers,
    }),
    unchanged: new Counter({
      name: 'signals_unchanged_total',
      help: 'Computations that produced the set already published, by topic.',
      labelNames: ['topic'] as const,
      registers,
    }),
    failures: new Counter({
      name: 'signals_job_failures_total',
      help: 'Jobs that failed, by job.',
      labelNames: ['job'] as const,
      registers,
    }),
    refreshAge: new Gauge({
      name: 'signals_last_refresh_age_seconds',
      help: 'Seconds since the topic was last computed (published or confirmed unchanged).',
      labelNames: ['topic'] as const,
      registers,
      collect() {
        for (const topic of SIGNAL_TOPICS) {
          const at = refresh.lastRefreshMs(topic);
          if (at !== undefined) this.set({ topic }, (Date.now() - at) / 1000);
        }
      },
    }),
    stale: new Gauge({
      name: 'signals_topic_stale',
      help: '1 when a topic has not been refreshed within its expected period (alarm).',
      labelNames: ['topic'] as const,
      registers,
      collect() {
        for (const topic of SIGNAL_TOPICS) {
          const at = refresh.lastRefreshMs(topic);
          this.set({ topic }, at === undefined || Date.now() - at > refresh.expectedPeriodMs(topic) ? 1 : 0);
        }
      },
    }),
  };
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>;
