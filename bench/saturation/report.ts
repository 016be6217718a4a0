/**
 * summary.md and raw.json of a run: per-scenario tables of medians over the repeats, then our
 * edge against the peers with PASS/FAIL against the targets, the INVALID steps and why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../fanout/children.js';
import type { MachineFacts } from '../fanout/report.js';
import type { SaturationOptions } from './args.js';
import { probeLine, type MachineProbe } from './machine-probe.js';
import type { RepeatResult } from './scenarios.js';
import type { StepResult } from './step.js';
import { fmt, int, median, mediansOf, table, type Medians } from './medians.js';
import { targetsSection } from './report-targets.js';

export interface RunSummary {
  readonly commandLine: string;
  readonly startedAt: Date;
  readonly seconds: number;
  readonly opts: SaturationOptions;
  readonly facts: MachineFacts & { readonly socketIo: string };
  /** probe.c before the first server and after the last (missing when the run stopped early). */
  readonly probes: { readonly before?: MachineProbe; readonly after?: MachineProbe };
  readonly labels: readonly string[];
  readonly results: readonly RepeatResult[];
}

export function socketIoVersion(): string {
  try {
    return `socket.io@${(JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'socket.io', 'package.json'), 'utf8')) as { version: string }).version}`;
  } catch {
    return 'socket.io not installed';
  }
}

const validity = (s: StepResult | undefined): string => (s === undefined ? 'n/a' : s.verdict === 'invalid' ? 'INVALID' : 'valid');

export function summaryMarkdown(s: RunSummary): string {
  const o = s.opts;
  const of = (label: string): RepeatResult[] => s.results.filter((r) => r.label === label);
  const m = new Map(s.labels.map((l) => [l, mediansOf(of(l))]));
  const med = (label: string): Medians => m.get(label) ?? mediansOf([]);
  const each = (label: string, fn: (r: RepeatResult) => string): string => of(label).map(fn).join(' / ');
  const f = s.facts;
  const parts: string[] = [
    `# Saturation benchmark, ${s.startedAt.toISOString()}`,
    `Command: \`${s.commandLine}\``,
    `Machine: ${f.nproc} CPUs (${f.cpuModel}), ${f.memoryGb} GiB, Linux ${f.kernel}; node ${f.node}; ${f.uwsPack}; ${f.ws}; ${f.socketIo}; ${f.natsClient}; ${f.natsServer}; ${f.redisServer}.\nCode: ${f.git}.`,
    ...(s.probes.before === undefined ? [] : [probeLine('before the servers', s.probes.before)]),
    ...(s.probes.after === undefined ? [] : [probeLine('after the servers', s.probes.after)]),
    `Placement: each server alone on CPU 0 (\`taskset -c 0\`; edge×2 workers on CPUs 0,1); the C load generators, the edge's publisher, nats-server, redis-server and the orchestrator on CPU 1. ` +
      `Repeats: ${o.repeats} (tables show medians; every repeat's value follows after a slash). Steps: ${o.warmup} s warm-up, ${o.measure} s measured, ${o.drain} s drain. Took ${fmt(s.seconds / 60)} min.`,
  ];
  const labels = s.labels;
  const searchRows = (id: 'a' | 'b'): string[][] =>
    labels.map((l) => {
      const md = med(l);
      const bound = (id === 'a' ? md.aBound : md.bBound) ? '≥ ' : '';
      return [
        l,
        bound + int(id === 'a' ? md.aDelivered : md.bDelivered),
        bound + fmt(id === 'a' ? md.aRate : md.bRate, 1),
        each(l, (r) => (r[id]?.clientBound === true ? '≥ ' : '') + int(r[id]?.maxDeliveredPerSecond ?? Number.NaN)),
        each(l, (r) => (r[id]?.outcome.notes ?? []).join('; ') || '–'),
      ];
    });
  if (o.scenarios.includes('a')) {
    parts.push(
      `## a. Fan-out ${int(o.fanoutHigh)}, one topic: max delivered msg/s with ≥ 99 % delivered`,
      table(['server', 'max delivered msg/s', 'publishes/s', 'per repeat', 'search notes'], searchRows('a')),
    );
  }
  if (o.scenarios.includes('b')) {
    parts.push(
      `## b. Fan-out ${int(o.fanoutLow)}, one topic: max delivered msg/s with p99 ≤ ${o.p99LimitMs} ms and ≥ 99 % delivered`,
      table(['server', 'max delivered msg/s', 'publishes/s', 'per repeat', 'search notes'], searchRows('b')),
    );
  }
  if (o.scenarios.includes('c')) {
    parts.push(
      `## c. Fan-out ${int(o.fanoutLow)} at ${o.fixedRate} publishes/s (${o.fixedSeconds} s measured)`,
      table(
        ['server', 'p50 ms', 'p99 ms', 'p99.9 ms', 'p99 at kernel arrival ms', 'p99 per repeat', 'delivered %', 'server CPU %', 'valid?'],
        labels.map((l) => [
          l,
          fmt(med(l).cP50, 2),
          fmt(med(l).cP99, 2),
          fmt(med(l).cP999, 2),
          fmt(med(l).cArrivalP99, 2),
          each(l, (r) => fmt(r.c?.latencyMs.p99 ?? Number.NaN, 2)),
          each(l, (r) => fmt((r.c?.deliveryRatio ?? Number.NaN) * 100, 2)),
          each(l, (r) => fmt(r.c?.cpu.serverPct ?? Number.NaN, 0)),
          each(l, (r) => validity(r.c)),
        ]),
      ),
    );
  }
  if (o.scenarios.includes('d')) {
    parts.push(
      `## d. Idle memory: ${int(o.idleConnections)} connections, then up to ${int(o.maxConnections)}`,
      table(
        [
          'server',
          'KiB per connection',
          'per repeat',
          'RSS before → after MB',
          'connections held (of max)',
          'RSS at max MB',
          'first refusal',
        ],
        labels.map((l) => [
          l,
          fmt(med(l).dKib, 2),
          each(l, (r) => fmt(r.d?.kibPerConnection ?? Number.NaN, 2)),
          each(l, (r) => (r.d === undefined ? 'n/a' : `${fmt(r.d.baselineMb)} → ${fmt(r.d.rssMb)}${r.d.settled ? '' : ' (not settled)'}`)),
          each(
            l,
            (r) =>
              `${int(r.d?.maxAccepted ?? Number.NaN)} of ${int(o.maxConnections)}` +
              ((r.d?.socketsPerProcess.length ?? 0) > 1 ? ` (sockets per worker: ${r.d?.socketsPerProcess.join(' + ')})` : ''),
          ),
          each(l, (r) => fmt(r.d?.rssAtMaxMb ?? Number.NaN)),
          each(l, (r) => r.d?.maxFirstError || '–'),
        ]),
      ),
    );
  }
  if (o.scenarios.includes('e')) {
    parts.push(
      `## e. Slow consumers: fan-out ${int(o.fanoutLow)} at ${o.slowRate}/s for ${o.slowSeconds} s, 0 % vs ${o.slowFraction * 100} % of clients not reading (they stall ${o.slowFill} s before that window opens, so kernel buffers are full when it does; RSS samples from the stall on)`,
      table(
        [
          'server',
          'p99 0 % ms',
          `p99 ${o.slowFraction * 100} % ms`,
          'ratio',
          'ratio at kernel arrival',
          'delivered to readers %',
          'valid? (0 % / slow)',
          'RSS growth MB',
          'flat?',
          'server RSS samples (slow run, MB)',
          'server counters (slow run)',
        ],
        labels
          .filter((l) => of(l).some((r) => r.e !== undefined))
          .map((l) => [
            l,
            each(l, (r) => fmt(r.e?.base.latencyMs.p99 ?? Number.NaN, 2)),
            each(l, (r) => fmt(r.e?.slow.latencyMs.p99 ?? Number.NaN, 2)),
            fmt(med(l).eRatio, 2),
            fmt(med(l).eArrivalRatio, 2),
            each(l, (r) => fmt((r.e?.slow.deliveryRatio ?? Number.NaN) * 100, 2)),
            each(l, (r) => `${validity(r.e?.base)} / ${validity(r.e?.slow)}`),
            fmt(med(l).eGrowthMb, 1),
            med(l).eFlat === undefined ? 'n/a' : med(l).eFlat ? 'yes' : 'no',
            each(l, (r) => (r.e?.slow.rssMb ?? []).map(([, mb]) => fmt(mb, 0)).join(' ')),
            each(l, (r) => (r.e === undefined ? 'n/a' : counters(r.e.slow, r.e.base))),
          ]),
      ),
    );
  }
  const probed = labels.filter((l) => of(l).some((r) => r.f !== undefined));
  if (o.scenarios.includes('f') && probed.length > 0) {
    parts.push(
      `## f. Subscribe → snapshot with ${int(o.fanoutHigh)} connected (${o.probes} probes, background ${o.snapshotRate}/s; the bare uWS app answers with an ack and its last frame)`,
      table(
        [
          'server',
          'p50 ms',
          'p99 ms',
          'max ms',
          'p99 at kernel arrival ms',
          'p99 per repeat',
          'timeouts',
          `background p99 ms (${int(o.fanoutHigh)} subscribers)`,
        ],
        probed.map((l) => [
          l,
          fmt(median(of(l).map((r) => r.f?.p50)), 2),
          fmt(med(l).fP99, 2),
          fmt(median(of(l).map((r) => r.f?.max)), 2),
          fmt(median(of(l).map((r) => r.f?.arrivalP99)), 2),
          each(l, (r) => fmt(r.f?.p99 ?? Number.NaN, 2)),
          each(l, (r) => String(r.f?.timeouts ?? 'n/a')),
          each(l, (r) => fmt(r.f?.step.latencyMs.p99 ?? Number.NaN, 1)),
        ]),
      ),
    );
  }
  parts.push(targetsSection(s, med));
  const sets = s.results.flatMap((r) =>
    r.connectionSets.map(
      (c) =>
        `- ${r.label} repeat ${r.repeat + 1}, ${c.set}: ${c.opened} of ${c.asked} open in ${c.ms} ms` +
        (c.failed > 0 ? `, ${c.failed} failed (first: ${c.firstError})` : ''),
    ),
  );
  parts.push(`## Connection sets\n\n${sets.join('\n') || 'None.'}`);
  parts.push(invalidSection(s.results));
  const errors = s.results.flatMap((r) => r.errors.map((e) => `- ${r.label} repeat ${r.repeat + 1}: ${e}`));
  if (errors.length > 0) parts.push(`## Errors\n\n${errors.join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

/** The server's counters over the slow step (edge /metrics; the peers report theirs over IPC). */
function counters(after: StepResult, before: StepResult): string {
  const a = after.serverStats;
  const b = before.serverStats;
  const closes = Object.entries(a.closes)
    .map(([code, n]) => [code, n - (b.closes[code] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `${code}×${n}`);
  const extra = Object.entries(a.extra)
    .filter(([k]) => k !== 'fanoutSent')
    .map(([k, v]) => `${k} ${fmt(v - (b.extra[k] ?? 0), 0)}`);
  return [
    `dropped ${fmt(a.dropped - b.dropped, 0)}`,
    `closes ${closes.join(' ') || '0'}`,
    ...(Number.isFinite(a.bufferedBytes) ? [`buffered ${fmt(a.bufferedBytes / 2 ** 20)} MiB`] : []),
    ...extra,
  ].join(', ');
}

function invalidSection(results: readonly RepeatResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const steps: StepResult[] = [
      ...(r.a?.steps ?? []),
      ...(r.b?.steps ?? []),
      ...(r.c === undefined ? [] : [r.c]),
      ...(r.e === undefined ? [] : [r.e.base, r.e.slow]),
      ...(r.f === undefined ? [] : [r.f.step]),
    ];
    for (const st of steps.filter((x) => x.verdict === 'invalid')) {
      lines.push(
        `- ${r.label} repeat ${r.repeat + 1}, ${st.label} at ${st.rate}/s: ${st.invalidReasons.join('; ')} ` +
          `(delivered ${fmt(st.deliveryRatio * 100, 2)}%, p99 ${fmt(st.latencyMs.p99, 1)} ms, client hold p99 ${fmt(st.clientHoldMs.p99, 1)} ms)`,
      );
    }
  }
  return `## INVALID steps\n\n${lines.length === 0 ? 'None.' : lines.join('\n')}`;
}
