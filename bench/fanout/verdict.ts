/**
 * What one run produced, and the rules that call it INVALID: the numbers then describe the
 * clients or the machine rather than the edge. See bench/README.md, "INVALID".
 */
import type { BenchOptions, EdgeKind } from './args.js';
import type { CoreUsage, ForeignProcess } from './proc-stats.js';

/** Load-generator CPU above this share of a core means the client, not the edge, was the bottleneck. */
export const LOADGEN_CPU_LIMIT_PCT = 85;
export const MIN_DELIVERY_RATIO = 0.999;
/** Mean and worst-second share of a core used by processes that are not ours (plus steal). */
export const FOREIGN_MEAN_LIMIT_PCT = 10;
export const FOREIGN_BURST_LIMIT_PCT = 50;

export interface ScenarioResult {
  readonly edge: EdgeKind;
  readonly connections: number;
  readonly opened: number;
  readonly failedConnections: number;
  readonly firstConnectError: string | null;
  readonly connectSeconds: number;
  readonly topics: number;
  readonly rate: number;
  readonly windowSeconds: number;
  readonly publishedInWindow: number;
  readonly expected: number;
  readonly received: number;
  readonly deliveryRatio: number;
  readonly deliveredPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number; readonly max: number; readonly mean: number };
  readonly negativeLatencies: number;
  readonly misrouted: number;
  readonly edgeCpuPct: number;
  /** The kernel-mode part of edgeCpuPct: send syscalls and the loopback TCP work they trigger. */
  readonly edgeSysPct: number;
  readonly edgePeakRssMb: number;
  readonly edgeVmHwmMb: number;
  readonly loadgenCpuPct: readonly number[];
  readonly loadgenCpuMaxPct: number;
  readonly loadgenCpuSumPct: number;
  readonly publisherCpuPct: number;
  /** CPU 0 and CPU 1 as a whole: busy share, interrupts, steal, and load that was not ours. */
  readonly edgeCore: CoreUsage;
  readonly clientCore: CoreUsage;
  /** Processes not started by the benchmark that used ≥ 1 % of a core during the window. */
  readonly foreignProcesses: readonly ForeignProcess[];
  readonly publisherMaxLagMs: number;
  readonly publisherLateOver5Ms: number;
  /** From the edge's /metrics at the end (whole run, not just the window). */
  readonly edgeFanoutSent: number;
  readonly edgeDropped: number;
  readonly clientCloses: number;
  readonly clientCloseCodes: Readonly<Record<string, number>>;
  readonly valid: boolean;
  readonly invalidReasons: readonly string[];
}

export type Measurements = Omit<ScenarioResult, 'valid' | 'invalidReasons'>;

/** Why a run does not measure the edge (empty when it does). */
export function invalidReasons(r: Measurements, opts: BenchOptions): string[] {
  const reasons: string[] = [];
  if (r.loadgenCpuMaxPct > LOADGEN_CPU_LIMIT_PCT) {
    reasons.push(`a load generator used ${r.loadgenCpuMaxPct.toFixed(0)}% of a core (> ${LOADGEN_CPU_LIMIT_PCT}%)`);
  }
  // All load generators share CPU 1, so together they can saturate it while each stays near 1/n.
  if (r.loadgenCpuPct.length > 1 && r.loadgenCpuSumPct > LOADGEN_CPU_LIMIT_PCT) {
    reasons.push(`load generators together used ${r.loadgenCpuSumPct.toFixed(0)}% of their one core (> ${LOADGEN_CPU_LIMIT_PCT}%)`);
  }
  if (r.clientCore.busyPct > LOADGEN_CPU_LIMIT_PCT) {
    reasons.push(`the client core was ${r.clientCore.busyPct.toFixed(0)}% busy (> ${LOADGEN_CPU_LIMIT_PCT}%)`);
  }
  if (r.deliveryRatio < MIN_DELIVERY_RATIO) {
    reasons.push(`delivery ratio ${(r.deliveryRatio * 100).toFixed(3)}% < ${MIN_DELIVERY_RATIO * 100}%`);
  }
  if (r.opened < opts.connections) reasons.push(`only ${r.opened} of ${opts.connections} connections opened`);
  const planned = opts.rate * opts.duration;
  if (r.publishedInWindow < planned * 0.99) reasons.push(`publisher sent ${r.publishedInWindow} of ${planned} planned messages`);
  if (r.misrouted > 0) reasons.push(`${r.misrouted} frames reached a connection not subscribed to their topic`);
  // A shared machine: other processes (or the hypervisor, as steal) on our cores distort CPU and tail latency.
  const cores = [
    ['edge', r.edgeCore],
    ['client', r.clientCore],
  ] as const;
  for (const [name, core] of cores) {
    if (core.foreignPct > FOREIGN_MEAN_LIMIT_PCT || core.foreignMaxPct > FOREIGN_BURST_LIMIT_PCT) {
      reasons.push(
        `other load on the ${name} core: ${core.foreignPct.toFixed(0)}% mean, ${core.foreignMaxPct.toFixed(0)}% worst second ` +
          `(limits ${FOREIGN_MEAN_LIMIT_PCT}%, ${FOREIGN_BURST_LIMIT_PCT}%)`,
      );
    }
  }
  return reasons;
}
