/** Starting either edge under test pinned to its CPU, and reading its fan-out counters. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../test/fixtures/wait-for.js';
import type { EdgeKind } from './args.js';
import { spawnPinned, tsNodeArgs, type Child } from './children.js';

const EDGE_ENTRY: Readonly<Record<EdgeKind, string>> = {
  uws: 'services/edge/src/main.ts',
  ws: 'bench/fanout/ws-baseline-edge.ts',
};

export interface EdgeProcess {
  readonly child: Child;
  readonly port: number;
}

/** The Node flags of the edge's image (Dockerfile CMD), so the bench measures what is deployed. */
export const EDGE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** Starts the edge on a free port (PORT=0 + port file: never a port that may sit in TIME_WAIT). */
export async function startEdge(
  kind: EdgeKind,
  cpu: number,
  deps: { readonly natsUrl: string; readonly redisUrl: string; readonly runDir: string },
): Promise<EdgeProcess> {
  const portFile = join(deps.runDir, `${kind}-edge.port`);
  // A run starts the edge again per repeat in the same directory: the last edge's port file must
  // not be read as this one's (it would point at a closed port).
  rmSync(portFile, { force: true });
  const child = spawnPinned(`${kind} edge`, cpu, tsNodeArgs(EDGE_ENTRY[kind], kind === 'uws' ? EDGE_NODE_FLAGS : []), {
    logFile: join(deps.runDir, `${kind}-edge.log`),
    env: {
      PORT: '0',
      EDGE_PORT_FILE: portFile,
      EDGE_HOST: '127.0.0.1',
      NATS_URL: deps.natsUrl,
      REDIS_URL: deps.redisUrl,
      LOG_LEVEL: 'warn',
      EDGE_MAX_CONNECTIONS: '19000',
      // The baseline has no heartbeat; keep the uWS edge's out of the window too (it would be
      // one extra frame and one pong per client, not fan-out work).
      EDGE_PING_INTERVAL_MS: '600000',
      EDGE_IDLE_TIMEOUT_MS: '1200000',
      // The clients are gone when the edge is stopped; nothing to drain, so do not wait for it.
      EDGE_DRAIN_MS: '0',
    },
  });
  const readPort = (): number | undefined => {
    if (child.process.exitCode !== null) throw new Error(`${kind} edge exited:\n${child.tail()}`);
    const text = existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '';
    return text === '' ? undefined : Number(text);
  };
  try {
    return { child, port: await waitFor(`${kind} edge port file`, readPort, { timeoutMs: 30_000, intervalMs: 50 }) };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Fan-out counters both edges expose on GET /metrics (Prometheus text); NaN if unreadable. */
export async function fetchEdgeCounters(port: number): Promise<{ fanoutSent: number; dropped: number }> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const total = (pattern: RegExp): number => [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
    return {
      // Label order and extra labels (prom-client default labels) differ between the edges.
      fanoutSent: total(/^edge_ws_messages_sent_total\{[^}]*kind="fanout"[^}]*\} (\S+)$/gm),
      dropped: total(/^edge_ws_messages_dropped_total\{[^}]*\} (\S+)$/gm),
    };
  } catch {
    return { fanoutSent: Number.NaN, dropped: Number.NaN };
  }
}
