/**
 * Flags of the saturation bench, their defaults, the `--quick` preset and bounds. The bounds keep
 * a typo from becoming an unbounded load: a server process and a load generator each hold at
 * most 19,000 sockets here (ulimit -n is 20,000 and cannot be raised).
 */
import { parseArgs } from 'node:util';
import { SERVER_KINDS, type ServerKind } from './targets.js';

export const SCENARIOS = {
  a: 'fan-out high: max delivered msg/s with >= 99 % delivered',
  b: 'fan-out low: max rate with >= 99 % delivered and p99 <= 50 ms',
  c: 'fan-out low at a fixed rate: p50 / p99 / p99.9',
  d: 'idle memory per connection, and max connections',
  e: 'slow consumers: 0 % vs a fraction of clients not reading (edge; peers with --slow-peers)',
  f: 'edge only: subscribe -> snapshot latency with fan-out high connected',
} as const;
export type ScenarioId = keyof typeof SCENARIOS;

export interface SaturationOptions {
  readonly servers: readonly ServerKind[];
  readonly scenarios: readonly ScenarioId[];
  readonly edgeWorkers: readonly number[];
  readonly repeats: number;
  readonly quick: boolean;
  /**
   * What makes a step INVALID on the client side: `cpu` (the issue's rule: load generators over
   * 85 % of a core, or CPU 1 over 90 %), or `hold` (the clients demonstrably fell behind: frames
   * sat in their socket buffers longer than --hold-limit ms at p99, beyond any read interval).
   */
  readonly clientGuard: 'cpu' | 'hold';
  /** Run scenario e for the peers too (by default only the edge: the targets are the edge's). */
  readonly slowPeers: boolean;
  /** Seconds of each step: warm-up, measured window, and drain after the last message. */
  readonly warmup: number;
  readonly measure: number;
  readonly drain: number;
  /** Publishes per second: where a search starts, its bounds, growth factor and bisection steps. */
  readonly rateStart: number;
  readonly rateMin: number;
  readonly rateMax: number;
  readonly growth: number;
  readonly bisectSteps: number;
  /** Subscribers of the one topic in scenarios a and f, and in b, c and e. */
  readonly fanoutHigh: number;
  readonly fanoutLow: number;
  readonly p99LimitMs: number;
  /** Scenario a only (no latency criterion): clients read each socket at most this often, in ms. */
  readonly readIntervalA: number;
  readonly idleConnections: number;
  readonly maxConnections: number;
  readonly fixedRate: number;
  readonly fixedSeconds: number;
  readonly slowRate: number;
  readonly slowFraction: number;
  readonly slowSeconds: number;
  /** Seconds the slow clients stall before the slow run's window opens: the kernel buffers fill first. */
  readonly slowFill: number;
  readonly probes: number;
  readonly probeIntervalMs: number;
  readonly probeConnections: number;
  readonly snapshotRate: number;
  /** Handshakes in flight per load generator. */
  readonly concurrency: number;
  readonly holdLimitMs: number;
  /** Hard cap on the whole run in seconds: everything is killed when it passes. */
  readonly timeout: number;
}

export const USAGE = `Usage: npm run bench:saturation -- [--quick] [--servers raw-uws,raw-uws-nats,edge,ws,socketio] [--scenarios a,b,c,d,e,f]
       [--repeats 3] [--edge-workers 1[,2]] [--warmup 1] [--measure 3] [--drain 0.5]
       [--rate-start 16] [--rate-min 0.5] [--rate-max 4000] [--growth 2] [--bisect-steps 5]
       [--fanout-high 5000] [--fanout-low 1000] [--p99-limit 50] [--read-interval-a 50] [--idle-connections 15000] [--max-connections 19000]
       [--fixed-rate 20] [--fixed-seconds 8] [--slow-rate 100] [--slow-fraction 0.05] [--slow-seconds 20] [--slow-fill 20]
       [--probes 300] [--probe-interval 20] [--probe-connections 20] [--snapshot-rate 20] [--concurrency 256]
       [--client-guard cpu|hold] [--hold-limit 5] [--slow-peers] [--timeout <s>]
Scenarios: ${Object.entries(SCENARIOS)
  .map(([id, text]) => `\n  ${id}  ${text}`)
  .join('')}`;

type Numeric = Exclude<
  keyof SaturationOptions,
  'servers' | 'scenarios' | 'edgeWorkers' | 'quick' | 'slowPeers' | 'clientGuard' | 'timeout'
>;

/** flag → [option, full-run default, --quick default, min, max, integer?] */
const NUMERIC: ReadonlyArray<readonly [string, Numeric, number, number, number, number, boolean]> = [
  ['repeats', 'repeats', 3, 1, 1, 9, true],
  ['warmup', 'warmup', 1, 0.3, 0.1, 30, false],
  ['measure', 'measure', 3, 1, 0.5, 60, false],
  ['drain', 'drain', 0.5, 0.3, 0.1, 10, false],
  ['rate-start', 'rateStart', 16, 32, 0.1, 100_000, false],
  ['rate-min', 'rateMin', 0.5, 0.5, 0.1, 100_000, false],
  ['rate-max', 'rateMax', 4_000, 2_000, 0.1, 100_000, false],
  ['growth', 'growth', 2, 4, 1.1, 16, false],
  ['bisect-steps', 'bisectSteps', 5, 1, 0, 12, true],
  ['fanout-high', 'fanoutHigh', 5_000, 500, 1, 19_000, true],
  ['fanout-low', 'fanoutLow', 1_000, 200, 1, 19_000, true],
  ['p99-limit', 'p99LimitMs', 50, 50, 1, 10_000, false],
  ['read-interval-a', 'readIntervalA', 50, 50, 0, 1_000, false],
  ['idle-connections', 'idleConnections', 15_000, 2_000, 1, 19_000, true],
  ['max-connections', 'maxConnections', 19_000, 3_000, 1, 19_000, true],
  ['fixed-rate', 'fixedRate', 20, 20, 0.1, 100_000, false],
  ['fixed-seconds', 'fixedSeconds', 8, 1.5, 0.5, 120, false],
  ['slow-rate', 'slowRate', 100, 100, 0.1, 100_000, false],
  ['slow-fraction', 'slowFraction', 0.05, 0.05, 0.001, 0.5, false],
  ['slow-seconds', 'slowSeconds', 20, 4, 0.5, 300, false],
  ['slow-fill', 'slowFill', 20, 2, 0, 300, false],
  ['probes', 'probes', 300, 50, 1, 10_000, true],
  ['probe-interval', 'probeIntervalMs', 20, 10, 1, 10_000, false],
  ['probe-connections', 'probeConnections', 20, 10, 1, 1_000, true],
  ['snapshot-rate', 'snapshotRate', 20, 20, 0.1, 10_000, false],
  ['concurrency', 'concurrency', 256, 256, 1, 2_000, true],
  ['hold-limit', 'holdLimitMs', 5, 5, 0.1, 1_000, false],
];

export function parseSaturationArgs(argv: readonly string[]): SaturationOptions {
  const numericFlags = Object.fromEntries(NUMERIC.map(([flag]) => [flag, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      ...numericFlags,
      servers: { type: 'string', default: SERVER_KINDS.join(',') },
      scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
      'edge-workers': { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      'slow-peers': { type: 'boolean', default: false },
      'client-guard': { type: 'string', default: 'cpu' },
      timeout: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const problems: string[] = [];
  const raw = values as Record<string, string | boolean | undefined>;
  const numbers = {} as Record<Numeric, number>;
  for (const [flag, key, full, quickDefault, min, max, integer] of NUMERIC) {
    const given = raw[flag];
    const n = typeof given === 'string' ? Number(given) : quick ? quickDefault : full;
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`--${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(given)}`);
    }
    numbers[key] = n;
  }
  const list = (text: string): string[] =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const servers = list(values.servers);
  for (const s of servers) if (!(SERVER_KINDS as readonly string[]).includes(s)) problems.push(`--servers: unknown ${JSON.stringify(s)}`);
  const scenarios = list(values.scenarios);
  for (const s of scenarios) if (!(s in SCENARIOS)) problems.push(`--scenarios: unknown ${JSON.stringify(s)} (a-f)`);
  const edgeWorkers = list(values['edge-workers']).map(Number);
  if (edgeWorkers.some((n) => !Number.isInteger(n) || n < 1 || n > 4)) problems.push('--edge-workers: integers in [1, 4], e.g. 1,2');
  if (servers.length === 0 || scenarios.length === 0) problems.push('--servers and --scenarios must name at least one');
  const clientGuard = values['client-guard'];
  if (clientGuard !== 'cpu' && clientGuard !== 'hold') problems.push('--client-guard must be cpu or hold');
  if (numbers.rateMin > numbers.rateMax) problems.push('--rate-min must not exceed --rate-max');
  if (numbers.maxConnections < numbers.idleConnections) problems.push('--max-connections must be at least --idle-connections');
  const timeout =
    typeof values.timeout === 'string'
      ? Number(values.timeout)
      : estimateSeconds({ ...numbers, servers, edgeWorkers, slowPeers: values['slow-peers'] === true }) * 2 + 120;
  if (!Number.isFinite(timeout) || timeout < 10) problems.push('--timeout must be a number of seconds >= 10');
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${USAGE}`);
  return {
    ...numbers,
    servers: servers as ServerKind[],
    scenarios: scenarios as ScenarioId[],
    edgeWorkers,
    quick,
    slowPeers: values['slow-peers'] === true,
    clientGuard: clientGuard === 'hold' ? 'hold' : 'cpu',
    timeout,
  };
}

/**
 * A rough duration of the run in seconds (all scenarios selected or not), from the step lengths:
 * used for the default hard timeout and printed at start. A search takes about 7 + bisect steps
 * the first time and about 2 + (bisect - 2) in later repeats, which start from the previous answer.
 */
export function estimateSeconds(
  o: Record<Numeric, number> & {
    readonly servers: readonly string[];
    readonly edgeWorkers: readonly number[];
    readonly slowPeers: boolean;
  },
): number {
  // Measured here: about 0.4 s per step besides its windows (reports, the quiet wait).
  const step = o.warmup + o.measure + o.drain + 0.4;
  let searches = 0;
  for (let r = 0; r < o.repeats; r += 1) searches += 2 * (r === 0 ? 6 + o.bisectSteps : 2 + Math.max(1, o.bisectSteps - 2)) * step;
  // Per repeat: server start, idle memory (about 2,000 handshakes/s plus settling), scenario c.
  const perTarget = searches + o.repeats * (2 + 4 + o.maxConnections / 2_000 + o.warmup + o.fixedSeconds + 1.5);
  const slow = o.repeats * (2 * (Math.max(1, o.warmup) + o.slowSeconds + o.drain + 1) + o.slowFill + 1);
  const snapshot = o.repeats * (o.warmup + (o.probes * o.probeIntervalMs) / 1000 + 4);
  const edges = o.servers.includes('edge') ? o.edgeWorkers.length : 0;
  const peers = o.servers.length - (o.servers.includes('edge') ? 1 : 0);
  const bareApps = o.servers.filter((k) => k === 'raw-uws' || k === 'raw-uws-nats').length;
  return Math.round((edges + peers) * perTarget + edges * (slow + snapshot) + bareApps * snapshot + (o.slowPeers ? peers * slow : 0));
}
