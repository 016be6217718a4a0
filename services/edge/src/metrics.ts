import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every edge metric: name, help and label set in one place. Labels come from closed sets. */
export function createEdgeMetrics(registry: Registry) {
  const registers = [registry];
  const metrics = {
    connections: new Gauge({ name: 'edge_ws_connections', help: 'Open client WebSocket connections.', registers }),
    subscriptions: new Gauge({ name: 'edge_ws_subscriptions', help: 'Client-topic subscriptions on this edge.', registers }),
    topics: new Gauge({
      name: 'edge_topics',
      help: 'Topics with at least one local subscriber (each holds one bus subscription).',
      registers,
    }),
    messagesSent: new Counter({
      name: 'edge_ws_messages_sent_total',
      help: 'Frames written to client sockets (fan-out counted per recipient).',
      labelNames: ['kind'] as const,
      registers,
    }),
    messagesDropped: new Counter({
      name: 'edge_ws_messages_dropped_total',
      help: 'Messages not delivered, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    ticksConflated: new Counter({
      name: 'edge_ws_ticks_conflated_total',
      help: "Price and index ticks replaced by a newer one in a slow reader's backlog, by topic kind and reason.",
      labelNames: ['kind', 'reason'] as const,
      registers,
    }),
    backlogged: new Gauge({
      name: 'edge_ws_backlogged_connections',
      help: 'Sockets reading too slowly for their topics, served from a per-socket backlog.',
      registers,
    }),
    backlogTransitions: new Counter({
      name: 'edge_ws_backlog_transitions_total',
      help: 'Sockets moved to a backlog (to="backlogged") or back to their topics (to="live").',
      labelNames: ['to'] as const,
      registers,
    }),
    reaped: new Counter({ name: 'edge_ws_reaped_total', help: 'Connections closed by the heartbeat reaper for silence.', registers }),
    closes: new Counter({
      name: 'edge_ws_closes_total',
      help: 'Closed connections by close code.',
      labelNames: ['code'] as const,
      registers,
    }),
    upgradesRejected: new Counter({
      name: 'edge_ws_upgrades_rejected_total',
      help: 'Refused WebSocket handshakes, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    clientErrors: new Counter({
      name: 'edge_ws_client_errors_total',
      help: 'Error frames sent to clients, by error code.',
      labelNames: ['code'] as const,
      registers,
    }),
    busConnected: new Gauge({ name: 'edge_bus_connected', help: '1 while the bus connection is up.', registers }),
    busReconnects: new Counter({ name: 'edge_bus_reconnects_total', help: 'Times the bus connection came back after a loss.', registers }),
    busMessages: new Counter({
      name: 'edge_bus_messages_total',
      help: 'Bus messages received, by result.',
      labelNames: ['result'] as const,
      registers,
    }),
    relayMessages: new Counter({
      name: 'edge_relay_messages_total',
      help: 'Legacy ws:broadcast:* messages handled while this edge held the relay lease, by result.',
      labelNames: ['result'] as const,
      registers,
    }),
    snapshots: new Counter({
      name: 'edge_snapshots_total',
      help: 'Last values sent on subscribe, by source (local, redis) or miss.',
      labelNames: ['source'] as const,
      registers,
    }),
    fanoutLag: new Histogram({
      name: 'edge_fanout_lag_seconds',
      help: 'Producer publish (envelope ts) to socket write, per message.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    handlerErrors: new Counter({
      name: 'edge_handler_errors_total',
      help: 'Exceptions caught in socket handlers (each closed that socket with 1011).',
      labelNames: ['where'] as const,
      registers,
    }),
    draining: new Gauge({ name: 'edge_draining', help: '1 while the edge drains for shutdown.', registers }),
  };
  for (const reason of DROP_REASONS) metrics.messagesDropped.inc({ reason }, 0);
  for (const kind of ['price', 'index']) metrics.ticksConflated.inc({ kind, reason: 'slow_reader' }, 0);
  return metrics;
}

export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;

/** Drop reasons the edge counts; exported at 0 from the start so dashboards and alerts see a series. */
export const DROP_REASONS = ['backpressure', 'hard_cap'] as const;
