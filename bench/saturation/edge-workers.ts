/**
 * Our edge as N processes on one port. N = 1 starts exactly like the fan-out bench
 * (bench/fanout/edge-process.ts: PORT=0 and a port file). For N > 1 every worker gets the same
 * explicit port, and the kernel spreads connections across them (SO_REUSEPORT, which uSockets
 * sets on every listen socket). Checked on this uws-pack build: two processes given the same
 * fixed port both listen and each gets about half of the connections; but a port the first
 * process got from PORT=0 can NOT be shared (the second bind fails; Linux does not allow
 * reuseport on a port it picked itself), so the port comes from the free-port fixture instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/fixtures/free-port.js';
import { waitFor } from '../../test/fixtures/wait-for.js';
import { spawnPinned, tsNodeArgs, type Child } from '../fanout/children.js';
import { EDGE_NODE_FLAGS, startEdge } from '../fanout/edge-process.js';

export interface EdgeWorkers {
  readonly children: readonly Child[];
  readonly port: number;
}

export interface EdgeDeps {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly runDir: string;
}

/** Starts `workers` edge processes on one port, each pinned to `cpus` (e.g. "0" or "0,1"). */
export async function startEdgeWorkers(workers: number, cpus: string, deps: EdgeDeps): Promise<EdgeWorkers> {
  if (workers === 1) {
    const edge = await startEdge('uws', Number(cpus.split(',')[0]), deps);
    pin(edge.child.pid, cpus);
    return { children: [edge.child], port: edge.port };
  }
  const port = await freePort();
  const children: Child[] = [];
  try {
    for (let k = 0; k < workers; k += 1) {
      const portFile = join(deps.runDir, `edge-worker-${k}.port`);
      rmSync(portFile, { force: true }); // an earlier repeat's file names a closed port
      const child = spawnPinned(`edge worker ${k}`, 0, tsNodeArgs('services/edge/src/main.ts', EDGE_NODE_FLAGS), {
        logFile: join(deps.runDir, `edge-worker-${k}.log`),
        env: { ...benchEdgeEnv(deps), PORT: String(port), EDGE_PORT_FILE: portFile },
      });
      children.push(child);
      await waitFor(`edge worker ${k} to listen on ${port}`, () => {
        if (child.process.exitCode !== null) throw new Error(`edge worker ${k} exited:\n${child.tail()}`);
        return existsSync(portFile) && readFileSync(portFile, 'utf8').trim() !== '';
      });
      pin(child.pid, cpus);
    }
  } catch (err) {
    await Promise.all(children.map((c) => c.stop()));
    throw err;
  }
  return { children, port };
}

/**
 * The edge settings of a bench run, as bench/fanout/edge-process.ts sets them for one worker:
 * heartbeat out of the way, connection cap at the fd limit, no drain wait on stop.
 */
function benchEdgeEnv(deps: EdgeDeps): Record<string, string> {
  return {
    NATS_URL: deps.natsUrl,
    REDIS_URL: deps.redisUrl,
    EDGE_HOST: '127.0.0.1',
    EDGE_MAX_CONNECTIONS: '19000',
    EDGE_PING_INTERVAL_MS: '600000',
    EDGE_IDLE_TIMEOUT_MS: '1200000',
    EDGE_DRAIN_MS: '0',
    LOG_LEVEL: 'warn',
  };
}

/** Re-pins a running process and all its threads (taskset -a: libuv and V8 threads too). */
function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Open sockets of a process (client connections plus a handful of its own): shows how the kernel spread clients. */
export function socketCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return Number.NaN;
  }
}
