/**
 * CLI flags of the fan-out benchmark, with defaults and bounds. The bounds keep a typo from
 * turning into an unbounded load: ulimit -n is 20,000 here and cannot be raised, so one edge
 * process and one load-generator process each stay at or below 19,000 sockets.
 */
import { parseArgs } from 'node:util';

export const EDGE_KINDS = ['uws', 'ws'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

export interface BenchOptions {
  readonly connections: number;
  readonly topics: number;
  /** Messages per second, total across topics. */
  readonly rate: number;
  /** Seconds measured, after the warm-up. */
  readonly duration: number;
  readonly warmup: number;
  readonly edges: readonly EdgeKind[];
  readonly clientProcs: number;
  /** Hard cap on the whole run, in seconds; everything is killed when it passes. */
  readonly timeout: number;
  readonly handshakeConcurrency: number;
}

export const MAX_CONNECTIONS_PER_PROCESS = 19_000;

export const USAGE = `Usage: npm run bench:fanout -- [--connections 5000] [--topics 50] [--rate 200] [--duration 20]
       [--warmup 3] [--edges uws,ws] [--client-procs 2] [--concurrency 300] [--timeout <s>]`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      connections: { type: 'string', default: '5000' },
      topics: { type: 'string', default: '50' },
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      edges: { type: 'string', default: 'uws,ws' },
      'client-procs': { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '300' },
      timeout: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      problems.push(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
    return n;
  };
  const connections = int('connections', values.connections, 1, MAX_CONNECTIONS_PER_PROCESS);
  const topics = int('topics', values.topics, 1, 1_000);
  const rate = int('rate', values.rate, 1, 100_000);
  const duration = int('duration', values.duration, 1, 600);
  const warmup = int('warmup', values.warmup, 0, 60);
  const clientProcs = int('client-procs', values['client-procs'], 1, 16);
  const handshakeConcurrency = int('concurrency', values.concurrency, 1, 2_000);
  const edges = values.edges
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const e of edges)
    if (!(EDGE_KINDS as readonly string[]).includes(e))
      problems.push(`--edges: unknown edge kind ${JSON.stringify(e)} (known: ${EDGE_KINDS.join(', ')})`);
  if (edges.length === 0) problems.push('--edges must name at least one edge kind');
  if (topics > connections) problems.push('--topics must not exceed --connections (every topic needs a subscriber)');
  if (Math.ceil(connections / Math.max(clientProcs, 1)) > MAX_CONNECTIONS_PER_PROCESS)
    problems.push('too many connections per load-generator process');
  // Default cap: per edge ~30 s of process start-up and teardown, the handshakes at a
  // pessimistic 250/s, warm-up, measurement and 10 s of drain.
  const perEdge = 30 + Math.ceil(connections / 250) + warmup + duration + 10;
  const timeout = values.timeout === undefined ? 30 + edges.length * perEdge : int('timeout', values.timeout, 10, 3_600);
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${USAGE}`);
  return { connections, topics, rate, duration, warmup, edges: edges as EdgeKind[], clientProcs, timeout, handshakeConcurrency };
}
