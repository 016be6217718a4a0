/**
 * Scenarios a-f for one server in one repeat. The server is started once per repeat: the idle
 * memory scenario (d) runs first on the fresh process, then the fan-out-high set (a, f), the
 * fan-out-low set (b, c) and one more fan-out-low set for (e), each opened once and reused by all
 * its steps.
 */
import { percentileMs } from '../fanout/histogram.js';
import type { ScenarioId } from './args.js';
import { MAX_CONNECTIONS_PER_LOADGEN, type Opened, type Probed } from './loadgen.js';
import { BENCH_TOPIC } from './payload.js';
import { searchMaxRate, type SearchOutcome, type Verdict } from './search.js';
import { closeLoadgens, openSession, openSpread, settledRssMb, startLoadgens, type Environment } from './session.js';
import { FOREIGN_LOAD, runStep, type Session, type StepResult, type StepSpec } from './step.js';
import { socketCount } from './edge-workers.js';
import { startTarget, type ServerKind, type TargetSpec } from './targets.js';

export interface SearchResult {
  /** Publishes per second of the best passing step, and what it delivered. */
  readonly maxRate: number | null;
  readonly maxDeliveredPerSecond: number | null;
  readonly outcome: SearchOutcome;
  /** The lowest rate above the best was INVALID: the true maximum may be higher (a lower bound). */
  readonly clientBound: boolean;
  readonly steps: readonly StepResult[];
}

export interface IdleResult {
  readonly baselineMb: number;
  readonly rssMb: number;
  readonly settled: boolean;
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string;
  readonly kibPerConnection: number;
  readonly maxAttempted: number;
  readonly maxAccepted: number;
  readonly maxFirstError: string;
  readonly rssAtMaxMb: number;
  /** Open sockets per server process at the maximum: how SO_REUSEPORT spread the clients. */
  readonly socketsPerProcess: readonly number[];
}

export interface SlowResult {
  readonly base: StepResult;
  readonly slow: StepResult;
  /** p99 of the reading clients with slow ones present ÷ without. */
  readonly p99Ratio: number;
  /** Server RSS over the slow window: highest sample of its second half minus its first half's. */
  readonly rssGrowthMb: number;
  readonly flat: boolean;
}

export interface SnapshotResult {
  readonly probes: number;
  readonly timeouts: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 at the snapshot's kernel receive time: the probing client's own delay left out. */
  readonly arrivalP99: number;
  readonly step: StepResult;
}

export interface RepeatResult {
  readonly label: string;
  readonly repeat: number;
  a?: SearchResult;
  b?: SearchResult;
  c?: StepResult;
  d?: IdleResult;
  e?: SlowResult;
  f?: SnapshotResult;
  /** Every connection set opened for this server: asked, opened, failed, first error, ms. */
  readonly connectionSets: Array<{ readonly set: string; readonly asked: number } & Opened>;
  readonly errors: string[];
}

/** Best rates of the previous repeat, per server label and scenario: where later searches start. */
export type Previous = Map<string, number>;

export async function runRepeat(spec: TargetSpec, repeat: number, env: Environment, previous: Previous): Promise<RepeatResult> {
  const { opts, log } = env;
  const has = (id: ScenarioId): boolean => opts.scenarios.includes(id);
  const result: RepeatResult = { label: spec.label, repeat, connectionSets: [], errors: [] };
  const open = async (set: string, count: number, slowFraction = 0): ReturnType<typeof openSession> => {
    const session = await openSession(target, count, seq, env, slowFraction);
    result.connectionSets.push({ set, asked: count, ...session.opened });
    return session;
  };
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      log(`${spec.label} ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const target = await startTarget(spec, env.runDir);
  const seq = { next: 1 };
  log(`${spec.label} (repeat ${repeat + 1}): server pid(s) ${target.serverPids.join(', ')} on 127.0.0.1:${target.port}`);
  try {
    if (has('d')) await attempt('idle memory (d)', async () => void (result.d = await idleMemory(target, env)));
    const probes = has('f') && SNAPSHOT_KINDS.has(spec.kind);
    if (has('a') || probes) {
      await attempt('fan-out high (a, f)', async () => {
        const session = await open('fan-out high (a, f)', opts.fanoutHigh);
        try {
          if (has('a')) result.a = await search(session, 'a', { start: previous.get(`${spec.label}/a`) }, previous);
          if (probes) result.f = await snapshot(session, env);
        } finally {
          await closeLoadgens(target, session.loadgens);
        }
      });
    }
    if (has('b') || has('c')) {
      await attempt('fan-out low (b, c)', async () => {
        const session = await open('fan-out low (b, c)', opts.fanoutLow);
        try {
          // Without an earlier answer, start from (a)'s: a fifth of the fan-out allows more messages.
          const fromA = result.a?.maxRate == null ? undefined : (result.a.maxRate * opts.fanoutHigh) / opts.fanoutLow / 2;
          if (has('b')) result.b = await search(session, 'b', { start: previous.get(`${spec.label}/b`) ?? fromA }, previous);
          if (has('c'))
            result.c = await stepWithRetry(session, {
              label: 'c fixed',
              rate: opts.fixedRate,
              warmupS: opts.warmup,
              measureS: opts.fixedSeconds,
            });
        } finally {
          await closeLoadgens(target, session.loadgens);
        }
      });
    }
    if (has('e') && (spec.kind === 'edge' || opts.slowPeers)) {
      // A set of its own: the clients that will stop reading have small receive buffers from the start.
      await attempt('slow consumers (e)', async () => {
        const session = await open('slow consumers (e)', opts.fanoutLow, opts.slowFraction);
        try {
          result.e = await slowConsumers(session);
        } finally {
          await closeLoadgens(target, session.loadgens);
        }
      });
    }
  } finally {
    await target.stop();
  }
  return result;
}

/** Reruns a step once when its only problem was another process on our cores. */
async function stepWithRetry(session: Session, spec: StepSpec): Promise<StepResult> {
  const step = await runStep(session, spec);
  if (step.verdict !== 'invalid' || !step.invalidReasons.every((r) => r.startsWith(FOREIGN_LOAD))) return step;
  session.log(`${spec.label}: other load on our cores; running the step once more`);
  return runStep(session, spec);
}

async function search(session: Session, id: 'a' | 'b', from: { start: number | undefined }, previous: Previous): Promise<SearchResult> {
  const { opts } = session;
  const steps: StepResult[] = [];
  const evaluate = async (rate: number): Promise<Verdict> => {
    const step = await stepWithRetry(session, {
      label: `${id} search`,
      rate,
      warmupS: opts.warmup,
      measureS: opts.measure,
      ...(id === 'b' ? { p99LimitMs: opts.p99LimitMs } : { readIntervalMs: opts.readIntervalA }),
    });
    steps.push(step);
    return step.verdict;
  };
  // A later repeat starts at the earlier answer and brackets it closely.
  const refine = previous.has(`${session.target.spec.label}/${id}`);
  const outcome = await searchMaxRate(evaluate, {
    start: from.start ?? opts.rateStart,
    min: opts.rateMin,
    max: opts.rateMax,
    growth: refine ? Math.min(opts.growth, 1.25) : opts.growth,
    bisectSteps: refine ? Math.max(1, opts.bisectSteps - 2) : opts.bisectSteps,
  });
  const best = steps.filter((s) => s.verdict === 'pass' && s.rate === outcome.best).at(-1);
  if (outcome.best !== null) previous.set(`${session.target.spec.label}/${id}`, outcome.best);
  // The nearest rate above the best that did not pass: if it was INVALID, the best is a lower bound.
  const above = steps.filter((st) => outcome.best !== null && st.rate > outcome.best).sort((x, y) => x.rate - y.rate)[0];
  return {
    maxRate: outcome.best,
    maxDeliveredPerSecond: best?.deliveredPerSecond ?? null,
    outcome,
    clientBound: above?.verdict === 'invalid',
    steps,
  };
}

async function idleMemory(target: Awaited<ReturnType<typeof startTarget>>, env: Environment): Promise<IdleResult> {
  const { opts, log } = env;
  const settleMs = opts.quick ? 4_000 : 12_000;
  const baseline = await settledRssMb(target.serverPids, settleMs);
  const loadgens = startLoadgens(target, Math.ceil(opts.maxConnections / MAX_CONNECTIONS_PER_LOADGEN), env);
  try {
    const idle = await openSpread(loadgens, opts.idleConnections, target.subscribePath);
    const settled = await settledRssMb(target.serverPids, settleMs);
    const kib = ((settled.mb - baseline.mb) * 1024) / idle.opened;
    log(
      `${target.spec.label} d: ${idle.opened} idle connections, RSS ${baseline.mb.toFixed(1)} → ${settled.mb.toFixed(1)} MB ` +
        `(${kib.toFixed(2)} KiB each${settled.settled ? '' : ', not settled'})`,
    );
    const more = await openSpread(loadgens, opts.maxConnections - opts.idleConnections, target.subscribePath);
    const atMax = await settledRssMb(target.serverPids, 3_000);
    log(
      `${target.spec.label} d: ${more.open} of ${opts.maxConnections} connections held${more.firstError === '' ? '' : ` (first error: ${more.firstError})`}`,
    );
    return {
      baselineMb: baseline.mb,
      rssMb: settled.mb,
      settled: baseline.settled && settled.settled,
      opened: idle.opened,
      failed: idle.failed,
      firstError: idle.firstError,
      kibPerConnection: kib,
      maxAttempted: opts.maxConnections,
      maxAccepted: more.open,
      maxFirstError: more.firstError,
      rssAtMaxMb: atMax.mb,
      socketsPerProcess: target.serverPids.map(socketCount),
    };
  } finally {
    await closeLoadgens(target, loadgens);
  }
}

async function slowConsumers(session: Session): Promise<SlowResult> {
  const { opts } = session;
  const spec = { rate: opts.slowRate, warmupS: Math.max(1, opts.warmup), measureS: opts.slowSeconds };
  const base = await stepWithRetry(session, { ...spec, label: 'e 0% slow' });
  const slow = await runStep(session, {
    ...spec,
    warmupS: spec.warmupS + opts.slowFill,
    label: `e ${opts.slowFraction * 100}% slow`,
    slowFraction: opts.slowFraction,
    slowLeadS: opts.slowFill,
  });
  // Peaks per half of the window: a collection lowers RSS at random moments, so compare maxima.
  // A server that buffers for stalled clients without bound keeps growing into the second half.
  const inWindow = slow.rssMb.filter(([t]) => t >= 0 && t <= slow.windowSeconds).map(([, v]) => v);
  const half = Math.max(1, Math.floor(inWindow.length / 2));
  const first = Math.max(...inWindow.slice(0, half));
  const growth = Math.max(...inWindow.slice(-half)) - first;
  return {
    base,
    slow,
    p99Ratio: slow.latencyMs.p99 / base.latencyMs.p99,
    rssGrowthMb: growth,
    flat: growth <= Math.max(FLAT_MB, first * FLAT_SHARE),
  };
}

/** RSS growth allowed from the first to the second half of the slow window (GC noise, one-off caps). */
const FLAT_MB = 5;
const FLAT_SHARE = 0.05;

/** Servers that answer subscribe commands with a last value: ours, and the bare uWS app for comparison. */
const SNAPSHOT_KINDS: ReadonlySet<ServerKind> = new Set(['edge', 'raw-uws', 'raw-uws-nats']);

/**
 * Scenario f: while the fan-out-high set receives a steady stream, separate probe connections
 * (no initial topic) subscribe to the same topic, which the edge holds a last value of, and time
 * subscribe → first price_update (the snapshot), then unsubscribe and go again.
 */
async function snapshot(session: Session, env: Environment): Promise<SnapshotResult> {
  const { opts } = env;
  const [prober] = startLoadgens(session.target, 1, env, 'json');
  if (prober === undefined) throw new Error('no probe load generator');
  try {
    const opened = await prober.open(opts.probeConnections, '/ws');
    if (opened.opened === 0) throw new Error(`no probe connection opened: ${opened.firstError}`);
    let probed: Probed | undefined;
    const step = await runStep(session, {
      label: 'f snapshot',
      rate: opts.snapshotRate,
      warmupS: opts.warmup,
      measureS: (opts.probes * opts.probeIntervalMs) / 1000 + 1,
      during: async () => {
        probed = await prober.probe(opts.probes, opts.probeIntervalMs, BENCH_TOPIC);
      },
    });
    if (probed === undefined) throw new Error('the probes did not finish');
    const h = probed.histogram;
    env.log(
      `${session.target.spec.label} f: snapshot p99 ${percentileMs(h, 0.99).toFixed(2)} ms ` +
        `(at kernel arrival ${percentileMs(probed.arrivalHistogram, 0.99).toFixed(2)}) over ${h.count} probes, ${probed.timeouts} timed out`,
    );
    return {
      probes: probed.probes,
      timeouts: probed.timeouts,
      p50: percentileMs(h, 0.5),
      p99: percentileMs(h, 0.99),
      max: h.maxUs / 1000,
      arrivalP99: percentileMs(probed.arrivalHistogram, 0.99),
      step,
    };
  } finally {
    await prober.stop();
  }
}
