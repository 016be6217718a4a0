// The Prometheus alerts, as data. `npm run observability` renders them as a plain rules file
// (deploy/prometheus/alerts.yml, checked by promtool) and as a PrometheusRule for the Prometheus
// Operator (k8s/monitoring/). Each alert names the runbook section in docs/operations.md.
//
// `probe` is the part of `expr` before its threshold: the Prometheus integration test requires it
// to return series while the system runs normally (so the alert watches something that exists),
// and requires `expr` itself to parse. `probe` must appear verbatim inside `expr`.

export interface AlertSpec {
  readonly alert: string;
  readonly expr: string;
  readonly probe: string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  readonly description: string;
  /** Anchor of its section in docs/operations.md. */
  readonly runbook: string;
}

const fallingConnections =
  '(-sum by (namespace) (delta(edge_ws_connections[2m])) / clamp_min(sum by (namespace) (max_over_time(edge_ws_connections[2m])), 1))';

export const ALERTS: readonly AlertSpec[] = [
  {
    alert: 'EdgeNotReady',
    probe: 'max by (namespace, pod) (edge_bus_connected)',
    expr: '(max by (namespace, pod) (edge_bus_connected) == 0) unless on (namespace, pod) (max by (namespace, pod) (edge_draining) == 1)',
    for: '2m',
    severity: 'critical',
    summary: 'Edge {{ $labels.pod }} is not ready (no bus connection)',
    description: 'The edge has had no NATS connection for 2 minutes while not draining: its clients are kept but receive nothing new.',
    runbook: 'edgenotready',
  },
  {
    alert: 'EdgeFanoutLagHigh',
    probe: 'histogram_quantile(0.99, sum by (namespace, pod, le) (rate(edge_fanout_lag_seconds_bucket[5m])))',
    expr: 'histogram_quantile(0.99, sum by (namespace, pod, le) (rate(edge_fanout_lag_seconds_bucket[5m]))) > 0.25',
    for: '5m',
    severity: 'warning',
    summary: 'Bus → socket lag p99 above 250 ms on {{ $labels.pod }}',
    description: 'p99 of publish-to-socket-write lag is {{ $value | humanizeDuration }} over 5 minutes.',
    runbook: 'edgefanoutlaghigh',
  },
  {
    alert: 'EdgeDropsRising',
    probe: 'sum by (namespace, pod) (rate(edge_ws_messages_dropped_total[5m]))',
    expr: 'sum by (namespace, pod) (rate(edge_ws_messages_dropped_total[5m])) > 1',
    for: '5m',
    severity: 'warning',
    summary: 'Edge {{ $labels.pod }} drops messages to slow clients',
    description: '{{ $value | humanize }} messages/s dropped for backpressure over 5 minutes.',
    runbook: 'edgedropsrising',
  },
  {
    alert: 'IngestNoLeader',
    probe: 'sum by (namespace) (ingest_leader)',
    expr: '(sum by (namespace) (ingest_leader) == 0) or absent(ingest_leader)',
    for: '1m',
    severity: 'critical',
    summary: 'No price-ingest instance holds the poller lease',
    description: 'Nobody polls Kiwoom: prices stop moving for every client.',
    runbook: 'ingestnoleader',
  },
  {
    alert: 'IngestBreakerOpen',
    probe: 'max by (namespace, pod) (ingest_breaker_state)',
    expr: 'max by (namespace, pod) (ingest_breaker_state) == 2',
    for: '5m',
    severity: 'warning',
    summary: 'Kiwoom circuit breaker open for 5 minutes on {{ $labels.pod }}',
    description: 'Quotes come from the database (source "db", stale) until Kiwoom answers again.',
    runbook: 'ingestbreakeropen',
  },
  {
    alert: 'QuotesStaleInSession',
    probe: 'max by (namespace) (ingest_last_poll_age_seconds)',
    expr: '(max by (namespace) (ingest_last_poll_age_seconds) > 30) and on (namespace) (max by (namespace) (ingest_session_trading) == 1)',
    for: '2m',
    severity: 'critical',
    summary: 'No quote poll for over 30 s during the KRX session',
    description: 'The leader last completed a poll cycle {{ $value | humanizeDuration }} ago while the market trades.',
    runbook: 'quotesstaleinsession',
  },
  {
    alert: 'SignalsStale',
    probe: 'max by (namespace, topic) (signals_topic_stale)',
    expr: 'max by (namespace, topic) (signals_topic_stale) == 1',
    for: '5m',
    severity: 'warning',
    summary: 'Signal topic {{ $labels.topic }} missed its refresh period',
    description: 'signal-engine has not refreshed {{ $labels.topic }} within its period for 5 minutes.',
    runbook: 'signalsstale',
  },
  {
    alert: 'EdgeReconnectStorm',
    probe: fallingConnections,
    expr: `(${fallingConnections} > 0.3) and on (namespace) (sum by (namespace) (max_over_time(edge_ws_connections[2m])) > 100)`,
    for: '1m',
    severity: 'critical',
    summary: 'Client connections fell by {{ $value | humanizePercentage }} within 2 minutes',
    description: 'More than 30 % of the connections went away at once: a failing edge, a bad rollout or a proxy dropping upgrades.',
    runbook: 'edgereconnectstorm',
  },
];

/** The rule groups, shared by the plain rules file and the PrometheusRule. */
export function ruleGroups(): Record<string, unknown>[] {
  return [
    {
      name: 'krx-realtime',
      rules: ALERTS.map((a) => ({
        alert: a.alert,
        expr: a.expr,
        for: a.for,
        labels: { severity: a.severity },
        annotations: {
          summary: a.summary,
          description: a.description,
          runbook_url: `docs/operations.md#${a.runbook}`,
        },
      })),
    },
  ];
}
