/** The Targets section of summary.md: our edge against the peers, PASS/FAIL against the issue's targets. */
import { fmt, int, table, type Medians } from './medians.js';
import type { RunSummary } from './report.js';

/**
 * A throughput target (≥ 0.8 × raw uWS). A client-bound value is only a lower bound: raw uWS's
 * makes the ratio unknowable; ours can still pass if even the bound clears the target.
 */
function throughputRow(
  metric: string,
  ours: number,
  oursBound: boolean,
  raw: number,
  rawBound: boolean,
  ws: number,
  sio: number,
): string[] {
  const q = ours / raw;
  const result = !Number.isFinite(q)
    ? 'n/a'
    : rawBound
      ? 'n/a: raw uWS client-bound (its ceiling is above the value shown)'
      : q >= 0.8
        ? oursBound
          ? 'PASS (ours is a lower bound)'
          : 'PASS'
        : oursBound
          ? 'n/a: ours client-bound below the target'
          : 'FAIL';
  const show = (n: number, bound: boolean): string => `${bound ? '≥ ' : ''}${int(n)}`;
  return [metric, show(ours, oursBound), show(raw, rawBound), fmt(q, 2), fmt(ours / ws, 2), fmt(ours / sio, 2), '≥ 0.80 × raw uWS', result];
}

export function targetsSection(s: RunSummary, med: (label: string) => Medians): string {
  const raw = med('raw-uws');
  const ws = med('ws');
  const sio = med('socketio');
  const ratio = (a: number, b: number): string => fmt(a / b, 2);
  const verdict = (ok: boolean | undefined, value: number): string =>
    ok === undefined || !Number.isFinite(value) ? 'n/a' : ok ? 'PASS' : 'FAIL';
  const sections = s.labels
    .filter((l) => l.startsWith('edge'))
    .map((label) => {
      const e = med(label);
      /** A metric every server has: ours, raw uWS's, and ours ÷ each peer's. */
      const peerRow = (
        metric: string,
        pick: (m: Medians) => number,
        show: (n: number) => string,
        target: string,
        result: string,
      ): string[] => [
        metric,
        show(pick(e)),
        show(pick(raw)),
        ratio(pick(e), pick(raw)),
        ratio(pick(e), pick(ws)),
        ratio(pick(e), pick(sio)),
        target,
        result,
      ];
      const ms = (n: number): string => fmt(n, 2);
      const rows: string[][] = [
        throughputRow(
          'a. max delivered msg/s, fan-out high',
          e.aDelivered,
          e.aBound,
          raw.aDelivered,
          raw.aBound,
          ws.aDelivered,
          sio.aDelivered,
        ),
        throughputRow(
          'b. max delivered msg/s with p99 ≤ limit, fan-out low',
          e.bDelivered,
          e.bBound,
          raw.bDelivered,
          raw.bBound,
          ws.bDelivered,
          sio.bDelivered,
        ),
        peerRow(
          'c. p99 ms at the fixed rate',
          (m) => m.cP99,
          ms,
          '≤ 1.25 × raw uWS',
          verdict(e.cP99 <= 1.25 * raw.cP99, e.cP99 / raw.cP99),
        ),
        peerRow("c. (info) p99 ms at kernel arrival, clients' own delay left out", (m) => m.cArrivalP99, ms, 'info', '–'),
        [
          'f. subscribe → snapshot p99 ms',
          fmt(e.fP99, 2),
          fmt(raw.fP99, 2),
          ratio(e.fP99, raw.fP99),
          '–',
          '–',
          '≤ 10 ms',
          verdict(e.fP99 <= 10, e.fP99),
        ],
        peerRow('d. idle KiB per connection', (m) => m.dKib, ms, '≤ 2 KiB', verdict(e.dKib <= 2, e.dKib)),
        peerRow(
          'd. connections held by one process',
          (m) => m.dMax,
          int,
          '≥ 19,000',
          s.opts.maxConnections < 19_000 ? `n/a (asked ${int(s.opts.maxConnections)})` : verdict(e.dMax >= 19_000, e.dMax),
        ),
        [
          'e. readers p99 with slow ÷ without',
          fmt(e.eRatio, 2),
          fmt(raw.eRatio, 2),
          '–',
          '–',
          '–',
          '≤ 1.10',
          verdict(e.eRatio <= 1.1, e.eRatio),
        ],
        [
          'e. edge RSS bounded and flat',
          `${fmt(e.eGrowthMb)} MB growth`,
          `${fmt(raw.eGrowthMb)} MB`,
          '–',
          '–',
          '–',
          'flat',
          verdict(e.eFlat, e.eGrowthMb),
        ],
      ];
      return `### ${label}\n\n${table(['metric', label, 'raw uWS', `${label} ÷ raw uWS`, `${label} ÷ ws`, `${label} ÷ Socket.IO`, 'target', 'result'], rows)}`;
    });
  return `## Targets: our edge against the peers (medians)\n\n${sections.join('\n\n') || 'No edge in this run.'}${latencySplit(s, med)}`;
}

/**
 * Scenario c split along the message's path: raw uWS publishing in-process, the same app fed
 * through NATS (adds the bus hop), and our edge (adds our code). Only when raw-uws-nats ran.
 */
function latencySplit(s: RunSummary, med: (label: string) => Medians): string {
  if (!s.labels.includes('raw-uws-nats') || !s.opts.scenarios.includes('c')) return '';
  const rows = ['raw-uws', 'raw-uws-nats', ...s.labels.filter((l) => l.startsWith('edge'))]
    .filter((l) => s.labels.includes(l))
    .map((label) => {
      const m = med(label);
      const hop = label === 'raw-uws-nats' ? `${fmt(m.cHopP50, 2)} / ${fmt(m.cHopP99, 2)}` : '–';
      return [label, fmt(m.cP50, 2), fmt(m.cP99, 2), hop, fmt(m.cP99 / med('raw-uws').cP99, 2), fmt(m.cP99 / med('raw-uws-nats').cP99, 2)];
    });
  return (
    "\n\n### Where scenario c's latency goes (medians)\n\n" +
    table(['server', 'p50 ms', 'p99 ms', 'bus hop p50 / p99 ms', 'p99 ÷ raw-uws', 'p99 ÷ raw-uws-nats'], rows) +
    '\n\nraw-uws-nats is the bare uWS app fed by the same NATS publisher as the edge: the difference to raw-uws is the bus hop ' +
    "(publisher → nats-server → server, timed by the server), the difference to it is our edge's own code."
  );
}
