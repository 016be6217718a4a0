// The Grafana dashboard of the whole pipeline, as data: every panel's title, unit and PromQL.
// `npm run observability` renders it to deploy/grafana/dashboards/krx-realtime.json and to a
// ConfigMap for Grafana's sidecar; test/int/prometheus.int.test.ts evaluates every query against
// a real Prometheus scraping the real services, so a panel that shows nothing fails the suite.

/** Every selector carries these, so the dashboard is templated by namespace and pod. */
export const SEL = 'namespace=~"$namespace", pod=~"$pod"';
/** Grafana's rate window; the Prometheus test substitutes a short fixed window. */
export const RATE = '$__rate_interval';

export interface PanelTarget {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly targets: readonly PanelTarget[];
  /** `stat` for a single number, `timeseries` otherwise. */
  readonly kind?: 'timeseries' | 'stat';
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const t = (expr: string, legend: string): PanelTarget => ({ expr, legend });
const quantile = (q: number, metric: string, by: string): string =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket{${SEL}}[${RATE}])))`;

export const DASHBOARD_ROWS: readonly RowSpec[] = [
  {
    title: 'Edge: clients',
    panels: [
      {
        title: 'Connections (total)',
        description: 'Open client WebSockets over every edge: the HPA scales edges on this per pod.',
        unit: 'short',
        kind: 'stat',
        targets: [t(`sum(edge_ws_connections{${SEL}})`, 'connections')],
      },
      {
        title: 'Connections per edge',
        description: 'Open client WebSockets per edge pod.',
        unit: 'short',
        targets: [t(`sum by (pod) (edge_ws_connections{${SEL}})`, '{{pod}}')],
      },
      {
        title: 'Subscriptions and topics',
        description: 'Client-topic subscriptions, and topics holding a bus subscription, per edge.',
        unit: 'short',
        targets: [
          t(`sum by (pod) (edge_ws_subscriptions{${SEL}})`, 'subscriptions {{pod}}'),
          t(`sum by (pod) (edge_topics{${SEL}})`, 'topics {{pod}}'),
        ],
      },
      {
        title: 'Closes by code',
        description: 'Client connections closed per second, by close code (docs/decisions/0004).',
        unit: 'ops',
        targets: [t(`sum by (code) (rate(edge_ws_closes_total{${SEL}}[${RATE}]))`, '{{code}}')],
      },
      {
        title: 'Reaped clients',
        description: 'Connections closed by the heartbeat reaper for silence (4000), per second.',
        unit: 'ops',
        targets: [t(`sum by (pod) (rate(edge_ws_reaped_total{${SEL}}[${RATE}]))`, '{{pod}}')],
      },
    ],
  },
  {
    title: 'Edge: fan-out',
    panels: [
      {
        title: 'Delivered messages/s',
        description: 'Frames written to client sockets per second (fan-out counted per recipient).',
        unit: 'ops',
        targets: [t(`sum by (pod) (rate(edge_ws_messages_sent_total{${SEL}}[${RATE}]))`, '{{pod}}')],
      },
      {
        title: 'Drops by reason',
        description: 'Messages not delivered per second, by reason (backpressure: a slow client over the send buffer; hard_cap: a slow client closed with 1013).',
        unit: 'ops',
        targets: [t(`sum by (reason) (rate(edge_ws_messages_dropped_total{${SEL}}[${RATE}]))`, '{{reason}}')],
      },
      {
        title: 'Slow readers: backlogged sockets and conflated ticks/s',
        description:
          'Sockets served from their own backlog (send buffer past EDGE_CONFLATE_BYTES), and price/index ticks per second replaced by a newer one in such a backlog. Signals are never conflated.',
        unit: 'short',
        targets: [
          t(`sum by (pod) (edge_ws_backlogged_connections{${SEL}})`, 'backlogged {{pod}}'),
          t(`sum by (kind) (rate(edge_ws_ticks_conflated_total{${SEL}}[${RATE}]))`, 'conflated {{kind}}/s'),
        ],
      },
      {
        title: 'Bus → socket lag p50 / p99',
        description: "From the producer's publish time (envelope ts) to the socket write.",
        unit: 's',
        targets: [
          t(quantile(0.5, 'edge_fanout_lag_seconds', 'pod'), 'p50 {{pod}}'),
          t(quantile(0.99, 'edge_fanout_lag_seconds', 'pod'), 'p99 {{pod}}'),
        ],
      },
      {
        title: 'NATS connection and reconnects',
        description: '1 while the edge is connected to the bus; reconnects per second.',
        unit: 'short',
        targets: [
          t(`min by (pod) (edge_bus_connected{${SEL}})`, 'connected {{pod}}'),
          t(`sum by (pod) (rate(edge_bus_reconnects_total{${SEL}}[${RATE}]))`, 'reconnects/s {{pod}}'),
        ],
      },
    ],
  },
  {
    title: 'Ingest',
    panels: [
      {
        title: 'Poll cycles/s',
        description: 'Completed poll cycles per second, by result (only the leader polls).',
        unit: 'ops',
        targets: [t(`sum by (pod, result) (rate(ingest_polls_total{${SEL}}[${RATE}]))`, '{{result}} {{pod}}')],
      },
      {
        title: 'Leader',
        description: 'Instances holding the poller lease: exactly 1 is healthy.',
        unit: 'short',
        kind: 'stat',
        targets: [t(`sum(ingest_leader{${SEL}})`, 'leaders')],
      },
      {
        title: 'Kiwoom errors by code',
        description: 'Kiwoom client errors per second, by error code.',
        unit: 'ops',
        targets: [t(`sum by (code) (rate(ingest_kiwoom_errors_total{${SEL}}[${RATE}]))`, '{{code}}')],
      },
      {
        title: 'Circuit breaker',
        description: 'Kiwoom circuit breaker per instance: 0 closed, 1 half-open, 2 open.',
        unit: 'short',
        targets: [t(`max by (pod) (ingest_breaker_state{${SEL}})`, '{{pod}}')],
      },
      {
        title: 'Fallback tickers',
        description: 'Tickers of the last cycle served from the database instead of Kiwoom, by reason.',
        unit: 'short',
        targets: [t(`sum by (reason) (ingest_fallback_tickers{${SEL}})`, '{{reason}}')],
      },
      {
        title: 'Quote age by source (p50 / p99)',
        description: 'Age of a quote when published: Kiwoom quotes are seconds old, database ones days.',
        unit: 's',
        targets: [
          t(quantile(0.5, 'ingest_quote_age_seconds', 'source'), 'p50 {{source}}'),
          t(quantile(0.99, 'ingest_quote_age_seconds', 'source'), 'p99 {{source}}'),
        ],
      },
      {
        title: 'Time since the last poll',
        description: 'Seconds since the leader completed a poll cycle.',
        unit: 's',
        targets: [t(`max by (pod) (ingest_last_poll_age_seconds{${SEL}})`, '{{pod}}')],
      },
    ],
  },
  {
    title: 'Signals',
    panels: [
      {
        title: 'Computation time p90',
        description: 'Duration of one signal computation, by job.',
        unit: 's',
        targets: [t(quantile(0.9, 'signals_compute_seconds', 'job'), '{{job}}')],
      },
      {
        title: 'Stale topics',
        description: '1 when a signal topic missed its refresh period (signals_topic_stale).',
        unit: 'short',
        targets: [t(`max by (topic) (signals_topic_stale{${SEL}})`, '{{topic}}')],
      },
      {
        title: 'Time since refresh',
        description: 'Seconds since each signal topic was last computed.',
        unit: 's',
        targets: [t(`max by (topic) (signals_last_refresh_age_seconds{${SEL}})`, '{{topic}}')],
      },
    ],
  },
  {
    title: 'Processes',
    panels: [
      {
        title: 'Event-loop lag p99',
        description: 'Node.js event-loop delay, 99th percentile, per pod.',
        unit: 's',
        targets: [t(`max by (pod) (nodejs_eventloop_lag_p99_seconds{${SEL}})`, '{{pod}}')],
      },
      {
        title: 'Heap and RSS',
        description: 'V8 heap in use and resident memory, per pod.',
        unit: 'bytes',
        targets: [
          t(`sum by (pod) (nodejs_heap_size_used_bytes{${SEL}})`, 'heap {{pod}}'),
          t(`sum by (pod) (process_resident_memory_bytes{${SEL}})`, 'rss {{pod}}'),
        ],
      },
    ],
  },
];

/** Every PromQL expression of the dashboard, in panel order. */
export function dashboardExpressions(): PanelTarget[] {
  return DASHBOARD_ROWS.flatMap((row) => row.panels.flatMap((panel) => [...panel.targets]));
}

/** The Grafana dashboard model (schemaVersion 39), datasource and namespace/pod as variables. */
export function renderDashboard(): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of DASHBOARD_ROWS) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    row.panels.forEach((panel, i) => {
      const kind = panel.kind ?? 'timeseries';
      panels.push({
        id: id++,
        type: kind,
        title: panel.title,
        description: panel.description,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { h: 8, w: 8, x: (i % 3) * 8, y: y + Math.floor(i / 3) * 8 },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: kind === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'list', placement: 'bottom' } },
        targets: panel.targets.map((target, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: { type: 'prometheus', uid: '${datasource}' },
          expr: target.expr,
          legendFormat: target.legend,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 3) * 8;
  }
  const variable = (name: string, query: string): Record<string, unknown> => ({
    name,
    label: name,
    type: 'query',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    query: { query, refId: name },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
  });
  return {
    uid: 'krx-realtime',
    title: 'KRX real-time market data',
    description: 'Edges, ingest, signals and processes; templated by namespace and pod. Generated by npm run observability.',
    tags: ['krx', 'realtime'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {} },
        variable('namespace', 'label_values(process_start_time_seconds, namespace)'),
        variable('pod', 'label_values(process_start_time_seconds{namespace=~"$namespace"}, pod)'),
      ],
    },
    panels,
  };
}

/** The templating queries, for the test: each must return the label values it lists. */
export const VARIABLE_SERIES: readonly string[] = ['process_start_time_seconds', 'process_start_time_seconds{namespace=~"$namespace"}'];
