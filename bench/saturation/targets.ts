/**
 * The server kinds behind one interface, so every scenario drives them alike: start, publish one
 * step's schedule, read the server's own counters, stop. Each server runs pinned to CPU 0; the
 * NATS publisher, nats-server and redis-server of the bus-fed kinds (edge, raw-uws-nats) sit on
 * CPU 1 with the clients.
 */
import { join } from 'node:path';
import { startNats } from '../../test/fixtures/nats.js';
import { startRedis } from '../../test/fixtures/redis.js';
import { CHILD_CONFIG_ENV } from '../fanout/ipc.js';
import { nextMessage, onCleanup, spawnPinned, tsNodeArgs, type Child } from '../fanout/children.js';
import { fetchEdgeCounters } from '../fanout/edge-process.js';
import { CLIENT_CPU, EDGE_CPU } from '../fanout/scenario.js';
import { startEdgeWorkers } from './edge-workers.js';
import type { Listening, Published, ScheduleResult, ScheduleSpec, ServerStats, StatsReply } from './ipc.js';
import { BENCH_TOPIC } from './payload.js';
import { windowOf } from './schedule.js';

export const SERVER_KINDS = ['raw-uws', 'raw-uws-nats', 'edge', 'ws', 'socketio'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** One server under test: a kind, and for the edge how many worker processes share its port. */
export interface TargetSpec {
  readonly kind: ServerKind;
  readonly workers: number;
  /** `edge` for one worker, `edge×2` for two; the other kinds are their own label. */
  readonly label: string;
}

export interface Target {
  readonly spec: TargetSpec;
  readonly port: number;
  /** Where a subscriber connects; ready once the server says `connected`. */
  readonly subscribePath: string;
  readonly mode: 'json' | 'eio';
  /** The processes on the server CPU(s): CPU and RSS are theirs. */
  readonly serverPids: readonly number[];
  /** The publisher is a process of its own on the client CPU (the edge), not the server's event loop. */
  readonly externalPublisher: boolean;
  publish(spec: ScheduleSpec): Promise<ScheduleResult>;
  stats(): Promise<ServerStats & { readonly extra: Readonly<Record<string, number>> }>;
  stop(): Promise<void>;
}

/** How long after a step's last due message its publisher may take to answer. */
const PUBLISH_GRACE_MS = 20_000;

export async function startTarget(spec: TargetSpec, runDir: string): Promise<Target> {
  return spec.kind === 'edge' || spec.kind === 'raw-uws-nats' ? startBusTarget(spec, runDir) : startPeerTarget(spec, runDir);
}

/** Answers a child server's `stats` command (the peers and raw-uws-nats). */
async function childStats(child: Child): Promise<ServerStats & { readonly extra: Readonly<Record<string, number>> }> {
  const reply = nextMessage<StatsReply>(child, 'stats', 10_000);
  child.process.send({ type: 'stats' });
  const { stats } = await reply;
  return { ...stats, extra: stats.extra ?? {} };
}

/** A server child on the server CPU that says which port it listens on; stopped if it never does. */
async function startServerChild(spec: TargetSpec, runDir: string, env?: Record<string, string>): Promise<{ child: Child; port: number }> {
  const child = spawnPinned(spec.label, EDGE_CPU, tsNodeArgs(`bench/saturation/servers/${spec.kind}.ts`), {
    ipc: true,
    logFile: join(runDir, `${spec.label}.log`),
    ...(env === undefined ? {} : { env }),
  });
  try {
    const { port } = await nextMessage<Listening>(child, 'listening', 30_000);
    return { child, port };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Sends a schedule to a publishing child and waits for its result. */
function publishVia(child: Child, spec: ScheduleSpec): Promise<ScheduleResult> {
  const timeoutMs = windowOf(spec).endMs - Date.now() + PUBLISH_GRACE_MS;
  const reply = nextMessage<Published>(child, 'published', timeoutMs);
  child.process.send({ type: 'publish', spec });
  return reply.then((m) => m.result);
}

async function startPeerTarget(spec: TargetSpec, runDir: string): Promise<Target> {
  const { child, port } = await startServerChild(spec, runDir);
  const eio = spec.kind === 'socketio';
  return {
    spec,
    port,
    subscribePath: eio ? '/socket.io/?EIO=4&transport=websocket' : `/ws?subscribe=${BENCH_TOPIC}`,
    mode: eio ? 'eio' : 'json',
    serverPids: [child.pid],
    externalPublisher: false,
    publish: (schedule) => publishVia(child, schedule),
    stats: () => childStats(child),
    stop: () => child.stop(),
  };
}

/**
 * A server fed through the bus: nats-server, redis-server and the NATS publisher on the client
 * CPU, then our edge (N workers) or the bare uWS app that subscribes to NATS itself.
 */
async function startBusTarget(spec: TargetSpec, runDir: string): Promise<Target> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const nats = await startNats();
    const forgetNats = onCleanup(() => void nats.stop('SIGKILL'));
    stops.push(async () => {
      await nats.stop();
      forgetNats();
    });
    const redis = await startRedis();
    const forgetRedis = onCleanup(() => void redis.stop());
    stops.push(async () => {
      await redis.stop();
      forgetRedis();
    });
    const publisher = spawnPinned('nats publisher', CLIENT_CPU, tsNodeArgs('bench/saturation/nats-publisher.ts'), {
      ipc: true,
      logFile: join(runDir, 'nats-publisher.log'),
      env: { [CHILD_CONFIG_ENV]: JSON.stringify({ natsUrl: nats.url }) },
    });
    stops.push(() => publisher.stop());
    await nextMessage<Listening>(publisher, 'listening', 30_000);
    if (spec.kind === 'raw-uws-nats') {
      const { child, port } = await startServerChild(spec, runDir, { [CHILD_CONFIG_ENV]: JSON.stringify({ natsUrl: nats.url }) });
      stops.push(() => child.stop());
      return {
        spec,
        port,
        subscribePath: `/ws?subscribe=${BENCH_TOPIC}`,
        mode: 'json',
        serverPids: [child.pid],
        externalPublisher: true,
        publish: (schedule) => publishVia(publisher, schedule),
        stats: () => childStats(child),
        stop: stopAll,
      };
    }
    // On 2 CPUs a second worker can only go to the client core: N = 2 shows that contention.
    const cpus = spec.workers === 1 ? String(EDGE_CPU) : `${EDGE_CPU},${CLIENT_CPU}`;
    const edge = await startEdgeWorkers(spec.workers, cpus, { natsUrl: nats.url, redisUrl: redis.url, runDir });
    // Stopped first (pushed last): clients' sockets close before NATS goes.
    stops.push(async () => {
      await Promise.all(edge.children.map((c) => c.stop(5_000)));
    });
    return {
      spec,
      port: edge.port,
      subscribePath: `/ws?subscribe=${BENCH_TOPIC}`,
      mode: 'json',
      serverPids: edge.children.map((c) => c.pid),
      externalPublisher: true,
      publish: (schedule) => publishVia(publisher, schedule),
      // With several workers behind one port, /metrics answers from whichever the kernel picks.
      stats: () => (spec.workers === 1 ? edgeStats(edge.port) : Promise.resolve(unknownStats())),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function unknownStats(): ServerStats & { extra: Record<string, number> } {
  return { connections: Number.NaN, dropped: Number.NaN, bufferedBytes: Number.NaN, closes: {}, extra: {} };
}

/** The edge's own view from its /metrics (counters since it started). */
async function edgeStats(port: number): Promise<ServerStats & { extra: Record<string, number> }> {
  const counters = await fetchEdgeCounters(port);
  let text: string;
  try {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  } catch {
    return unknownStats();
  }
  const samples = (name: string): Array<{ labels: string; value: number }> =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))].map((m) => ({ labels: m[1] ?? '', value: Number(m[2]) }));
  const total = (name: string): number => samples(name).reduce((sum, s) => sum + s.value, 0);
  const closes: Record<string, number> = {};
  for (const s of samples('edge_ws_closes_total')) {
    const code = /code="([^"]*)"/.exec(s.labels)?.[1] ?? '?';
    if (s.value > 0) closes[code] = (closes[code] ?? 0) + s.value;
  }
  return {
    connections: total('edge_ws_connections'),
    dropped: counters.dropped,
    bufferedBytes: Number.NaN,
    closes,
    extra: {
      fanoutSent: counters.fanoutSent,
      ticksConflated: total('edge_ws_ticks_conflated_total'),
      backloggedConnections: total('edge_ws_backlogged_connections'),
      busReconnects: total('edge_bus_reconnects_total'),
    },
  };
}
