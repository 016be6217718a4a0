/**
 * One measured step at one publish rate on connections that stay open across steps: schedule,
 * window, CPU and RSS sampling, drain, the clients' reports, and the verdict. A step PASSes,
 * FAILs (the server did not deliver), or is INVALID (the numbers describe the clients or the
 * machine, not the server; see bench/README.md "INVALID").
 */
import { setTimeout as delay } from 'node:timers/promises';
import { mergeSnapshots, percentileMs, type HistogramSnapshot } from '../fanout/histogram.js';
import { wallNowMs } from '../fanout/ipc.js';
import {
  descendants,
  monitorCpu,
  processCpuSeconds,
  processMemoryMb,
  softirqThread,
  type CoreUsage,
  type ForeignProcess,
} from '../fanout/proc-stats.js';
import { CLIENT_CPU, EDGE_CPU } from '../fanout/scenario.js';
import { FOREIGN_BURST_LIMIT_PCT, FOREIGN_MEAN_LIMIT_PCT, LOADGEN_CPU_LIMIT_PCT } from '../fanout/verdict.js';
import type { SaturationOptions } from './args.js';
import type { ScheduleResult, ScheduleSpec, ServerStats } from './ipc.js';
import type { Loadgen, LoadgenReport } from './loadgen.js';
import { windowOf } from './schedule.js';
import type { Verdict } from './search.js';
import type { Target } from './targets.js';

/** CPU 1 busier than this: the clients' core, not the server, set the pace. */
export const CLIENT_CORE_LIMIT_PCT = 90;
export const MIN_DELIVERY = 0.99;
/** An external publisher later than this is starved by the client core (INVALID). */
const EXTERNAL_LAG_LIMIT_MS = 50;
/**
 * An in-process publisher later than this did not sustain the rate (FAIL): the event loop that
 * publishes also sends, so its lag is the server's own backlog. Short stalls while a burst is
 * written (tens of ms for uWS at fan-out 5,000) stay under it; a growing backlog does not.
 */
const IN_PROCESS_LAG_LIMIT_MS = 250;
/** Between steps: the clients must have received nothing for this long (the server drained). */
const QUIET_MS = 300;
const QUIET_MAX_WAIT_MS = 10_000;
const QUIET_SERVER_PCT = 20;

/** Connections open for a scenario, reused by all its steps. */
export interface Session {
  readonly target: Target;
  readonly loadgens: readonly Loadgen[];
  /** Open connections that still read: the subscribers each measured message is owed to. */
  readers: number;
  /** The topic's next seq, shared by every session on one server: steps continue one sequence. */
  readonly seq: { next: number };
  readonly opts: SaturationOptions;
  readonly log: (line: string) => void;
}

export interface StepSpec {
  readonly label: string;
  readonly rate: number;
  readonly warmupS: number;
  readonly measureS: number;
  /** Scenario b: the step also fails when the p99 latency exceeds this. */
  readonly p99LimitMs?: number;
  /** Stop reading this fraction of the connections, `slowLeadS` seconds before the window opens. */
  readonly slowFraction?: number;
  readonly slowLeadS?: number;
  /** Clients read each socket at most this often (loadgen.c `interval`); 0 = at once. */
  readonly readIntervalMs?: number;
  /** Runs from the window's start; awaited before the reports (the snapshot probes). */
  readonly during?: () => Promise<void>;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export interface StepResult {
  readonly label: string;
  readonly rate: number;
  readonly verdict: Verdict;
  readonly failReasons: readonly string[];
  readonly invalidReasons: readonly string[];
  readonly readers: number;
  readonly slowMarked: number;
  readonly windowSeconds: number;
  readonly expected: number;
  readonly received: number;
  readonly deliveryRatio: number;
  readonly deliveredPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** How long measured frames sat in the clients' socket buffers (kernel receive time → read), ms. */
  readonly clientHoldMs: { readonly p50: number; readonly p99: number };
  /** Publish → kernel receive time (the clients' own delay left out), ms. */
  readonly arrivalMs: { readonly p50: number; readonly p99: number };
  readonly readIntervalMs: number;
  readonly gaps: number;
  readonly gapMissing: number;
  readonly dups: number;
  readonly negative: number;
  readonly clientCloses: number;
  readonly publisher: ScheduleResult;
  readonly cpu: {
    readonly serverPct: number;
    readonly serverSysPct: number;
    readonly loadgenPct: number;
    readonly serverCore: CoreUsage;
    readonly clientCore: CoreUsage;
    readonly foreignTop: readonly ForeignProcess[];
  };
  /** Server RSS (MB, all its processes) once a second from the warm-up to the drain: [seconds since the window opened, MB]. */
  readonly rssMb: ReadonlyArray<readonly [number, number]>;
  readonly serverStats: ServerStats & { readonly extra: Readonly<Record<string, number>> };
  readonly loadgenReports: readonly Omit<LoadgenReport, 'histogram' | 'holdHistogram' | 'arrivalHistogram'>[];
}

export async function runStep(session: Session, spec: StepSpec): Promise<StepResult> {
  const { target, loadgens, opts } = session;
  const counts = {
    rate: spec.rate,
    warmupCount: Math.max(1, Math.round(spec.warmupS * spec.rate)),
    windowCount: Math.max(1, Math.round(spec.measureS * spec.rate)),
    firstSeq: session.seq.next,
  };
  session.seq.next += counts.warmupCount + counts.windowCount;
  const before = await Promise.all(loadgens.map((l) => l.report()));
  const readIntervalMs = spec.readIntervalMs ?? 0;
  const seqs = windowOf({ ...counts, startMs: 0 });
  await Promise.all(loadgens.flatMap((l) => [l.window(seqs.seqLo, seqs.seqHi), l.interval(readIntervalMs)]));
  // The clock starts once the clients are set: the publisher gets the schedule with time to spare.
  const schedule: ScheduleSpec = { ...counts, startMs: wallNowMs() + 100 };
  const window = windowOf(schedule);
  const published = target.publish(schedule);
  const rss = sampleRss(target.serverPids, window.startMs);

  await sleepUntil(window.startMs - (spec.slowLeadS ?? 0) * 1000);
  const slowMarked = spec.slowFraction === undefined ? 0 : sum(await Promise.all(loadgens.map((l) => l.slow(spec.slowFraction ?? 0))));
  await sleepUntil(window.startMs);
  session.readers -= slowMarked;
  const readers = session.readers;
  const monitor = monitorCpu(placement(target.serverPids, target.spec.workers > 1));
  const during = spec.during?.();
  await sleepUntil(window.endMs);
  const usage = monitor.stop();
  const publisher = await published;
  await during;
  await sleep(opts.drain * 1000);
  const reports = await Promise.all(loadgens.map((l) => l.report()));
  const serverStats = await target.stats();
  const rssMb = rss.stop();
  await waitQuiet(loadgens, target.serverPids);

  const histogram = mergeSnapshots(reports.map((r) => r.histogram));
  const hold = mergeSnapshots(reports.map((r) => r.holdHistogram));
  const arrival = mergeSnapshots(reports.map((r) => r.arrivalHistogram));
  const received = sum(reports.map((r) => r.received));
  const expected = schedule.windowCount * readers;
  const pct = (pid: number): number => usage.processPct.get(pid) ?? Number.NaN;
  const result: Omit<StepResult, 'verdict' | 'failReasons' | 'invalidReasons'> = {
    label: spec.label,
    rate: spec.rate,
    readers,
    slowMarked,
    windowSeconds: window.seconds,
    expected,
    received,
    deliveryRatio: expected === 0 ? 0 : received / expected,
    // From the exact count of measured messages, not from wall time: no boundary rounding.
    deliveredPerSecond: received / window.seconds,
    latencyMs: summarize(histogram),
    clientHoldMs: { p50: percentileMs(hold, 0.5), p99: percentileMs(hold, 0.99) },
    arrivalMs: { p50: percentileMs(arrival, 0.5), p99: percentileMs(arrival, 0.99) },
    readIntervalMs,
    gaps: sum(reports.map((r) => r.gaps)),
    gapMissing: sum(reports.map((r) => r.gapMissing)),
    dups: sum(reports.map((r) => r.dups)),
    negative: sum(reports.map((r) => r.negative)),
    clientCloses: sum(reports.map((r) => r.closes)) - sum(before.map((r) => r.closes)),
    publisher,
    cpu: {
      serverPct: sum(target.serverPids.map(pct)),
      serverSysPct: sum(target.serverPids.map((pid) => usage.processSysPct.get(pid) ?? Number.NaN)),
      loadgenPct: sum(loadgens.map((l) => pct(l.pid))),
      serverCore: usage.cores.get(EDGE_CPU) as CoreUsage,
      clientCore: usage.cores.get(CLIENT_CPU) as CoreUsage,
      foreignTop: usage.foreignTop,
    },
    rssMb,
    serverStats,
    loadgenReports: reports.map(({ histogram: _h, holdHistogram: _hold, arrivalHistogram: _a, ...rest }) => rest),
  };
  const invalidReasons = invalidity(result, target.externalPublisher, schedule.windowCount, opts);
  const failReasons = failures(result, target.externalPublisher, schedule.windowCount, spec.p99LimitMs);
  const verdict: Verdict = invalidReasons.length > 0 ? 'invalid' : failReasons.length > 0 ? 'fail' : 'pass';
  session.log(
    `${target.spec.label} ${spec.label} ${spec.rate}/s: ${verdict.toUpperCase()} delivered ${(result.deliveryRatio * 100).toFixed(2)}% ` +
      `${Math.round(result.deliveredPerSecond)} msg/s p99 ${result.latencyMs.p99.toFixed(1)} ms (at arrival ${result.arrivalMs.p99.toFixed(1)}, client hold ${result.clientHoldMs.p99.toFixed(1)}); server ${result.cpu.serverPct.toFixed(0)}% ` +
      `loadgen ${result.cpu.loadgenPct.toFixed(0)}% client core ${result.cpu.clientCore.busyPct.toFixed(0)}%` +
      `${[...invalidReasons, ...failReasons].length > 0 ? ` (${[...invalidReasons, ...failReasons].join('; ')})` : ''}`,
  );
  return { ...result, verdict, failReasons, invalidReasons };
}

type Measured = Omit<StepResult, 'verdict' | 'failReasons' | 'invalidReasons'>;

/** Why a step does not describe the server (empty when it does). */
function invalidity(r: Measured, externalPublisher: boolean, planned: number, opts: SaturationOptions): string[] {
  const reasons: string[] = [];
  if (opts.clientGuard === 'hold') {
    // A read interval holds frames on purpose; only waiting beyond it means the clients lagged.
    const limitMs = r.readIntervalMs + opts.holdLimitMs;
    if (!(r.clientHoldMs.p99 <= limitMs))
      reasons.push(`clients fell behind: hold p99 ${r.clientHoldMs.p99.toFixed(1)} ms (> ${limitMs} ms)`);
  } else {
    if (r.cpu.loadgenPct > LOADGEN_CPU_LIMIT_PCT) {
      reasons.push(`load generators used ${r.cpu.loadgenPct.toFixed(0)}% of a core (> ${LOADGEN_CPU_LIMIT_PCT}%)`);
    }
    if (r.cpu.clientCore.busyPct > CLIENT_CORE_LIMIT_PCT) {
      reasons.push(`client core ${r.cpu.clientCore.busyPct.toFixed(0)}% busy (> ${CLIENT_CORE_LIMIT_PCT}%)`);
    }
  }
  if (externalPublisher && (r.publisher.publishedInWindow < planned || r.publisher.lagP99Ms > EXTERNAL_LAG_LIMIT_MS)) {
    reasons.push(
      `publisher starved: ${r.publisher.publishedInWindow}/${planned} sent, lag p99 ${r.publisher.lagP99Ms.toFixed(0)} ms (> ${EXTERNAL_LAG_LIMIT_MS})`,
    );
  }
  for (const [name, core] of [
    ['server', r.cpu.serverCore],
    ['client', r.cpu.clientCore],
  ] as const) {
    // Interrupt time that no process was charged for is taken as ours: it is loopback packet work
    // (ACKs, paced sends) of our sockets done while the core was otherwise idle.
    const meanPct = Math.max(0, core.foreignPct - core.interruptsPct);
    const worstPct = Math.max(0, core.foreignMaxPct - core.interruptsPct);
    if (meanPct > FOREIGN_MEAN_LIMIT_PCT || worstPct > FOREIGN_BURST_LIMIT_PCT) {
      const top = r.cpu.foreignTop
        .slice(0, 2)
        .map((p) => `${p.command.split(' ').slice(0, 3).join(' ')} ${p.cpuPct.toFixed(0)}%`)
        .join(', ');
      reasons.push(
        `${FOREIGN_LOAD}: ${name} core ${meanPct.toFixed(0)}% mean, ${worstPct.toFixed(0)}% worst second (${top || 'no single process'})`,
      );
    }
  }
  return reasons;
}

/** The start of an INVALID reason that a rerun may clear (another process borrowed a core). */
export const FOREIGN_LOAD = 'other load';

/** Why the server did not deliver the step (empty when it did). */
function failures(r: Measured, externalPublisher: boolean, planned: number, p99LimitMs: number | undefined): string[] {
  const reasons: string[] = [];
  if (r.deliveryRatio < MIN_DELIVERY) reasons.push(`delivered ${(r.deliveryRatio * 100).toFixed(2)}% (< ${MIN_DELIVERY * 100}%)`);
  if (!externalPublisher && (r.publisher.publishedInWindow < planned || r.publisher.lagP99Ms > IN_PROCESS_LAG_LIMIT_MS)) {
    reasons.push(
      `fell behind its own schedule: lag p99 ${r.publisher.lagP99Ms.toFixed(0)} ms, ${r.publisher.publishedInWindow}/${planned} sent`,
    );
  }
  if (p99LimitMs !== undefined && !(r.latencyMs.p99 <= p99LimitMs)) reasons.push(`p99 ${r.latencyMs.p99.toFixed(1)} ms > ${p99LimitMs} ms`);
  return reasons;
}

/**
 * Which of our processes run on which core, so CPU used by anything else counts as foreign.
 * Server workers spread over both cores are listed on both (their split is unknown).
 */
function placement(serverPids: readonly number[], spread: boolean): Map<number, number[]> {
  // The kernel's softirq thread of a core does our loopback packet work: it counts as ours.
  const onCore = (cpu: number, pids: readonly number[]): number[] => [...pids, ...[softirqThread(cpu)].filter((p) => p !== undefined)];
  const servers = new Set(serverPids);
  const clientPids = [process.pid, ...descendants(process.pid).filter((pid) => !servers.has(pid))];
  return new Map([
    [EDGE_CPU, onCore(EDGE_CPU, serverPids)],
    [CLIENT_CPU, onCore(CLIENT_CPU, spread ? [...clientPids, ...serverPids] : clientPids)],
  ]);
}

/** Total RSS of `pids` once a second until stopped, timed in seconds from `originMs` (wall clock). */
function sampleRss(pids: readonly number[], originMs: number): { stop(): Array<readonly [number, number]> } {
  const samples: Array<readonly [number, number]> = [];
  const take = (): void => {
    const mb = sum(pids.map((pid) => processMemoryMb(pid)?.rssMb ?? Number.NaN));
    samples.push([Number(((wallNowMs() - originMs) / 1000).toFixed(1)), Number(mb.toFixed(1))]);
  };
  take();
  const timer = setInterval(take, 1_000);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/**
 * Between steps: waits until no client received anything for QUIET_MS and the server's CPU fell
 * below QUIET_SERVER_PCT (a server that was overrun keeps flushing and collecting garbage after
 * its clients go quiet), so a backlog does not leak into the next step. Bounded.
 */
async function waitQuiet(loadgens: readonly Loadgen[], serverPids: readonly number[]): Promise<void> {
  const deadline = performance.now() + QUIET_MAX_WAIT_MS;
  const serverSeconds = (): number => sum(serverPids.map((pid) => ((t) => (t === null ? 0 : t.user + t.sys))(processCpuSeconds(pid))));
  while (performance.now() < deadline) {
    const cpuBefore = serverSeconds();
    await sleep(200);
    const serverPct = ((serverSeconds() - cpuBefore) / 0.2) * 100;
    const stats = await Promise.all(loadgens.map((l) => l.stat()));
    if (serverPct < QUIET_SERVER_PCT && stats.every((s) => s.idleMs < 0 || s.idleMs >= QUIET_MS)) return;
  }
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export const sleep = (ms: number): Promise<void> => delay(Math.max(0, ms));

const sleepUntil = (wallMs: number): Promise<void> => sleep(wallMs - wallNowMs());

function summarize(h: HistogramSnapshot): LatencySummary {
  const at = (q: number): number => percentileMs(h, q);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: h.maxUs / 1000, mean: h.count > 0 ? h.sumUs / h.count / 1000 : Number.NaN };
}
