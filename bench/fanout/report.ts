/** The Markdown results: machine facts, one table row per edge run, details and raw JSON. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, EdgeKind } from './args.js';
import { REPO_ROOT } from './children.js';
import type { CoreUsage } from './proc-stats.js';
import type { ScenarioResult } from './verdict.js';

export type RunOutcome = ScenarioResult | { readonly edge: EdgeKind; readonly error: string };

export interface MachineFacts {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly uwsPack: string;
  readonly ws: string;
  readonly natsClient: string;
  readonly natsServer: string;
  readonly redisServer: string;
  /** HEAD, plus how many files under services/ and libs/ differed from it (others edit them concurrently). */
  readonly git: string;
}

export function machineFacts(): MachineFacts {
  const pkg = (name: string): string => {
    try {
      const json = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      return `${json.name ?? name}@${json.version ?? '?'}`;
    } catch {
      return 'not installed';
    }
  };
  const version = (cmd: string): string => {
    try {
      return execFileSync(cmd, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
    } catch {
      return 'not found';
    }
  };
  return {
    // Online CPUs, not availableParallelism(): that follows this process's own affinity, pinned to one CPU by then.
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    uwsPack: pkg('uWebSockets.js'),
    ws: pkg('ws'),
    natsClient: pkg('nats'),
    natsServer: version('nats-server'),
    redisServer: version('redis-server'),
    git: gitState(),
  };
}

function gitState(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'services', 'libs')
      .split('\n')
      .filter((l) => l !== '').length;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty > 0 ? ` + ${dirty} uncommitted files in services/ and libs/` : ''}`;
  } catch {
    return 'unknown';
  }
}

const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const core = (c: CoreUsage): string =>
  `${fixed(c.busyPct)}% busy: ours ${fixed(c.ownPct)}%, irq+softirq ${fixed(c.interruptsPct)}%, steal ${fixed(c.stealPct)}%, other processes+steal ${fixed(c.foreignPct)}% mean / ${fixed(c.foreignMaxPct)}% worst second`;

const HEADER = [
  'edge',
  'connections',
  'topics',
  'rate msg/s',
  'delivered msg/s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'max ms',
  'edge CPU %',
  'edge peak RSS MB',
  'loadgen CPU % (max)',
  'client core busy %',
  'other load % (edge/client core)',
  'valid?',
];

export function resultsTable(opts: BenchOptions, outcomes: readonly RunOutcome[]): string {
  const rows = outcomes.map((o) => {
    if ('error' in o) {
      const known = [o.edge, String(opts.connections), String(opts.topics), String(opts.rate)];
      return [...known, ...Array<string>(HEADER.length - known.length - 1).fill('—'), `FAILED: ${o.error.split('\n')[0] ?? ''}`];
    }
    return [
      o.edge,
      o.opened === o.connections ? String(o.connections) : `${o.opened}/${o.connections}`,
      String(o.topics),
      String(o.rate),
      fixed(o.deliveredPerSecond, 0),
      fixed(o.latencyMs.p50, 2),
      fixed(o.latencyMs.p99, 2),
      fixed(o.latencyMs.p999, 2),
      fixed(o.latencyMs.max, 2),
      fixed(o.edgeCpuPct),
      fixed(o.edgePeakRssMb),
      fixed(o.loadgenCpuMaxPct),
      fixed(o.clientCore.busyPct),
      `${fixed(o.edgeCore.foreignPct, 0)}/${fixed(o.clientCore.foreignPct, 0)}`,
      o.valid ? 'yes' : 'INVALID',
    ];
  });
  return [HEADER, HEADER.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Per-run lines behind the table: delivery, drops, CPU split and why a run is INVALID. */
export function resultsDetails(outcomes: readonly RunOutcome[]): string {
  return outcomes
    .map((o) => {
      if ('error' in o) return `- **${o.edge}**: run failed: ${o.error}`;
      const lines = [
        `- **${o.edge}**: delivered ${o.received} of ${o.expected} expected (${fixed(o.deliveryRatio * 100, 3)}%), ${o.publishedInWindow} published in a ${fixed(o.windowSeconds)} s window; ` +
          `edge /metrics: ${o.edgeFanoutSent} fan-out frames sent, ${o.edgeDropped} dropped (whole run).`,
        `  connections: ${o.opened} open, ${o.failedConnections} failed, ${fixed(o.connectSeconds)} s to connect; ${o.clientCloses} closed during the run${o.clientCloses > 0 ? ` (codes ${JSON.stringify(o.clientCloseCodes)})` : ''}.`,
        `  CPU: edge ${fixed(o.edgeCpuPct)}% (${fixed(o.edgeSysPct)}% of it in the kernel), loadgens ${o.loadgenCpuPct.map((p) => fixed(p)).join(' + ')} = ${fixed(o.loadgenCpuSumPct)}%, publisher ${fixed(o.publisherCpuPct)}%.`,
        `  edge core (CPU 0) ${core(o.edgeCore)}.`,
        `  client core (CPU 1) ${core(o.clientCore)}.`,
        `  busiest processes not ours: ${o.foreignProcesses.length === 0 ? 'none ≥ 1%' : o.foreignProcesses.map((p) => `${p.command} (pid ${p.pid}, incl. children that exited) ${fixed(p.cpuPct)}%`).join(', ')}.`,
        `  publisher max lag ${fixed(o.publisherMaxLagMs, 2)} ms (${o.publisherLateOver5Ms} sends > 5 ms late). Edge VmHWM ${fixed(o.edgeVmHwmMb)} MB; mean latency ${fixed(o.latencyMs.mean, 2)} ms.`,
      ];
      if (!o.valid) lines.push(`  INVALID: ${o.invalidReasons.join('; ')}.`);
      return lines.join('\n');
    })
    .join('\n');
}

export function resultsMarkdown(args: {
  commandLine: string;
  startedAt: Date;
  opts: BenchOptions;
  facts: MachineFacts;
  outcomes: readonly RunOutcome[];
}): string {
  const { facts } = args;
  return `# Fan-out benchmark, ${args.startedAt.toISOString()}

Command: \`${args.commandLine}\`

Machine: ${facts.nproc} CPUs (${facts.cpuModel}), ${facts.memoryGb} GiB, Linux ${facts.kernel}; node ${facts.node}; ${facts.uwsPack}; ${facts.ws}; ${facts.natsClient}; ${facts.natsServer}; ${facts.redisServer}.
Code: ${facts.git}.
Placement: edge on CPU 0 alone; load generators, publisher, nats-server, redis-server and the orchestrator on CPU 1.
Warm-up ${args.opts.warmup} s, measurement ${args.opts.duration} s, ${args.opts.clientProcs} load-generator processes.

${resultsTable(args.opts, args.outcomes)}

${resultsDetails(args.outcomes)}

## Raw results

\`\`\`json
${JSON.stringify({ options: args.opts, machine: facts, results: args.outcomes }, null, 2)}
\`\`\`
`;
}
