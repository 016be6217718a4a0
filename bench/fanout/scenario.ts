/**
 * One benchmark run against one edge kind: fresh nats-server and redis-server, the edge pinned
 * to CPU 0, load generators and the publisher pinned to CPU 1, then connect → warm-up →
 * measure → drain → collect. Every process started here is stopped here (and is registered
 * with the cleanup registry in case the orchestrator dies first).
 */
import { startNats } from '../../test/fixtures/nats.js';
import { startRedis } from '../../test/fixtures/redis.js';
import type { BenchOptions, EdgeKind } from './args.js';
import { nextMessage, onCleanup, spawnPinned, tsNodeArgs, type Child } from './children.js';
import { fetchEdgeCounters, startEdge } from './edge-process.js';
import { mergeSnapshots, percentileMs } from './histogram.js';
import {
  CHILD_CONFIG_ENV,
  wallNowMs,
  type FromPublisher,
  type LoadgenConfig,
  type LoadgenReady,
  type LoadgenReport,
  type PublisherConfig,
  type Window,
} from './ipc.js';
import { descendants, monitorCpu, softirqThread, watchPeakRss, type CoreUsage, type CpuWindow } from './proc-stats.js';
import { invalidReasons, type Measurements, type ScenarioResult } from './verdict.js';

export const EDGE_CPU = 0;
export const CLIENT_CPU = 1;
/** Source addresses for the clients: 8 × the ephemeral port range, so TIME_WAIT never runs out of ports. */
const LOCAL_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
/** After the last in-window publish, how long in-flight frames get to arrive. */
const DRAIN_MS = 2_000;
const HANDSHAKE_TIMEOUT_MS = 15_000;

type PublisherDone = Extract<FromPublisher, { type: 'done' }>;

export async function runScenario(
  kind: EdgeKind,
  opts: BenchOptions,
  runDir: string,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const children: Child[] = [];
  const nats = await startNats();
  const forgetNats = onCleanup(() => void nats.stop('SIGKILL'));
  const redis = await startRedis();
  const forgetRedis = onCleanup(() => void redis.stop());
  try {
    const edge = await startEdge(kind, EDGE_CPU, { natsUrl: nats.url, redisUrl: redis.url, runDir });
    children.push(edge.child);
    const rss = watchPeakRss(edge.child.pid);
    log(`${kind}: edge pid ${edge.child.pid} on 127.0.0.1:${edge.port}; opening ${opts.connections} connections`);

    const topics = Array.from({ length: opts.topics }, (_, i) => `price:${String(900_000 + i)}`);
    const loadgens = startLoadgens(`ws://127.0.0.1:${edge.port}/ws`, topics, opts);
    children.push(...loadgens);
    const connectTimeoutMs = 30_000 + Math.ceil(opts.connections / 50) * 1000;
    const readies = await Promise.all(loadgens.map((l) => nextMessage<LoadgenReady>(l, 'ready', connectTimeoutMs)));
    const firstConnectError = readies.find((r) => r.firstError !== null)?.firstError ?? null;
    log(
      `${kind}: ${sum(readies.map((r) => r.opened))} open, ${sum(readies.map((r) => r.failed))} failed${firstConnectError === null ? '' : ` (first: ${firstConnectError})`}`,
    );

    const publisher = spawnPinned('publisher', CLIENT_CPU, tsNodeArgs('bench/fanout/publisher.ts'), {
      ipc: true,
      env: { [CHILD_CONFIG_ENV]: JSON.stringify({ natsUrl: nats.url, topics, rate: opts.rate } satisfies PublisherConfig) },
    });
    children.push(publisher);
    await nextMessage<Extract<FromPublisher, { type: 'connected' }>>(publisher, 'connected', 20_000);

    // The schedule is fixed up front: publishing starts shortly, the window opens after the warm-up.
    const startMs = wallNowMs() + 300;
    const window: Window = { startMs: startMs + opts.warmup * 1000, endMs: startMs + (opts.warmup + opts.duration) * 1000 };
    for (const l of loadgens) l.process.send({ type: 'window', window });
    const done = nextMessage<PublisherDone>(publisher, 'done', window.endMs - wallNowMs() + 30_000);
    publisher.process.send({ type: 'go', startMs, window });
    log(`${kind}: publishing ${opts.rate} msg/s; warm-up ${opts.warmup} s, measuring ${opts.duration} s`);

    const usage = await measureCpu(edge.child.pid, window);
    const published = await done;
    await sleep(DRAIN_MS);
    const reports = await Promise.all(
      loadgens.map((l) => {
        const reply = nextMessage<LoadgenReport>(l, 'report', 30_000);
        l.process.send({ type: 'report' });
        return reply;
      }),
    );
    const counters = await fetchEdgeCounters(edge.port);
    const memory = rss.stop();

    const pct = (pid: number): number => usage.processPct.get(pid) ?? Number.NaN;
    const loadgenCpuPct = loadgens.map((l) => pct(l.pid));
    const measurements: Measurements = {
      edge: kind,
      connections: opts.connections,
      opened: sum(readies.map((r) => r.opened)),
      failedConnections: sum(readies.map((r) => r.failed)),
      firstConnectError,
      connectSeconds: Math.max(...readies.map((r) => r.connectMs)) / 1000,
      topics: opts.topics,
      rate: opts.rate,
      ...delivery(topics, readies, reports, published, window),
      edgeCpuPct: pct(edge.child.pid),
      edgeSysPct: usage.processSysPct.get(edge.child.pid) ?? Number.NaN,
      edgePeakRssMb: memory.peakRssMb,
      edgeVmHwmMb: memory.hwmMb,
      loadgenCpuPct,
      loadgenCpuMaxPct: Math.max(...loadgenCpuPct),
      loadgenCpuSumPct: sum(loadgenCpuPct),
      publisherCpuPct: pct(publisher.pid),
      edgeCore: usage.cores.get(EDGE_CPU) as CoreUsage,
      clientCore: usage.cores.get(CLIENT_CPU) as CoreUsage,
      foreignProcesses: usage.foreignTop,
      publisherMaxLagMs: published.maxLagMs,
      publisherLateOver5Ms: published.lateOver5Ms,
      edgeFanoutSent: counters.fanoutSent,
      edgeDropped: counters.dropped,
      clientCloses: sum(reports.map((r) => r.closes)),
      clientCloseCodes: addCounts(reports.map((r) => r.closeCodes)),
    };
    const reasons = invalidReasons(measurements, opts);
    return { ...measurements, valid: reasons.length === 0, invalidReasons: reasons };
  } finally {
    // Clients first (client-side close: TIME_WAIT lands on the spread source addresses), then the edge.
    for (const child of [...children].reverse()) await child.stop(child === children[0] ? 5_000 : 2_000);
    await redis.stop();
    forgetRedis();
    await nats.stop();
    forgetNats();
  }
}

/** The load generators, each with a contiguous slice of the global connection indexes. */
function startLoadgens(url: string, topics: readonly string[], opts: BenchOptions): Child[] {
  const procs = Math.min(opts.clientProcs, opts.connections);
  const loadgens: Child[] = [];
  let first = 0;
  for (let k = 0; k < procs; k += 1) {
    const count = Math.floor(opts.connections / procs) + (k < opts.connections % procs ? 1 : 0);
    const config: LoadgenConfig = {
      url,
      first,
      count,
      topics,
      localAddresses: LOCAL_ADDRESSES,
      concurrency: Math.max(1, Math.ceil(opts.handshakeConcurrency / procs)),
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
    };
    first += count;
    loadgens.push(
      spawnPinned(`loadgen ${k}`, CLIENT_CPU, tsNodeArgs('bench/fanout/loadgen.ts'), {
        ipc: true,
        env: { [CHILD_CONFIG_ENV]: JSON.stringify(config) },
      }),
    );
  }
  return loadgens;
}

/** CPU over exactly the measurement window, with every process of ours assigned to its core. */
async function measureCpu(edgePid: number, window: Window): Promise<CpuWindow> {
  // The kernel's softirq thread of a core counts as ours: it processes our loopback packets.
  const withSoftirq = (cpu: number, pids: number[]): number[] => {
    const kernelThread = softirqThread(cpu);
    return kernelThread === undefined ? pids : [...pids, kernelThread];
  };
  // Ours on the client core: this process and every descendant but the edge (load generators,
  // publisher, and the nats-server and redis-server the fixtures started).
  const clientPids = [process.pid, ...descendants(process.pid).filter((pid) => pid !== edgePid)];
  const placement = new Map([
    [EDGE_CPU, withSoftirq(EDGE_CPU, [edgePid])],
    [CLIENT_CPU, withSoftirq(CLIENT_CPU, clientPids)],
  ]);
  await sleepUntil(window.startMs);
  const monitor = monitorCpu(placement);
  await sleepUntil(window.endMs);
  return monitor.stop();
}

/** Delivered vs expected (published in the window × open subscribers of each topic) and latency. */
function delivery(
  topics: readonly string[],
  readies: readonly LoadgenReady[],
  reports: readonly LoadgenReport[],
  published: PublisherDone,
  window: Window,
): Pick<
  Measurements,
  | 'windowSeconds'
  | 'publishedInWindow'
  | 'expected'
  | 'received'
  | 'deliveryRatio'
  | 'deliveredPerSecond'
  | 'latencyMs'
  | 'negativeLatencies'
  | 'misrouted'
> {
  const windowSeconds = (window.endMs - window.startMs) / 1000;
  const subscribers = topics.map((_, t) => sum(readies.map((r) => r.subscribers[t] ?? 0)));
  const expected = sum(topics.map((_, t) => (published.publishedInWindow[t] ?? 0) * (subscribers[t] ?? 0)));
  const received = sum(reports.map((r) => sum(r.receivedInWindow)));
  const histogram = mergeSnapshots(reports.map((r) => r.histogram));
  return {
    windowSeconds,
    publishedInWindow: sum(published.publishedInWindow),
    expected,
    received,
    deliveryRatio: expected === 0 ? 0 : received / expected,
    deliveredPerSecond: received / windowSeconds,
    latencyMs: {
      p50: percentileMs(histogram, 0.5),
      p99: percentileMs(histogram, 0.99),
      p999: percentileMs(histogram, 0.999),
      max: histogram.maxUs / 1000,
      mean: histogram.count === 0 ? Number.NaN : histogram.sumUs / histogram.count / 1000,
    },
    negativeLatencies: sum(reports.map((r) => r.negative)),
    misrouted: sum(reports.map((r) => r.misrouted)),
  };
}

function addCounts(parts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const part of parts) for (const [key, n] of Object.entries(part)) total[key] = (total[key] ?? 0) + n;
  return total;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function sleepUntil(wallMs: number): Promise<void> {
  return sleep(wallMs - wallNowMs());
}
