/**
 * Opening and closing a scenario's connection set, and waiting for a server's memory to settle.
 * A set larger than one load generator's share is spread over several processes (all on the
 * client CPU): the per-process fd limit, not CPU, is why.
 */
import { join } from 'node:path';
import { CLIENT_CPU } from '../fanout/scenario.js';
import { processMemoryMb } from '../fanout/proc-stats.js';
import type { SaturationOptions } from './args.js';
import { MAX_CONNECTIONS_PER_LOADGEN, startLoadgen, type Loadgen, type Opened } from './loadgen.js';
import { BENCH_TOPIC } from './payload.js';
import { sleep, sum, type Session } from './step.js';
import type { Target } from './targets.js';

export interface Environment {
  readonly opts: SaturationOptions;
  readonly runDir: string;
  /** The compiled loadgen.c. */
  readonly binary: string;
  readonly log: (line: string) => void;
}

const HANDSHAKE_TIMEOUT_MS = 20_000;
let loadgenSerial = 0;

/** Starts `processes` load generators for `target` (no connections yet). */
export function startLoadgens(target: Target, processes: number, env: Environment, mode: 'json' | 'eio' = target.mode): Loadgen[] {
  return Array.from({ length: processes }, () => {
    loadgenSerial += 1;
    const name = `loadgen ${loadgenSerial}`;
    return startLoadgen(env.binary, {
      name,
      cpu: CLIENT_CPU,
      port: target.port,
      mode,
      room: BENCH_TOPIC,
      concurrency: env.opts.concurrency,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      logFile: join(env.runDir, `${target.spec.label}-loadgen-${loadgenSerial}.log`),
    });
  });
}

/** Opens `count` more connections spread evenly over `loadgens`; sums their replies. */
export async function openSpread(loadgens: readonly Loadgen[], count: number, path: string, smallBufferFraction = 0): Promise<Opened> {
  const shares = loadgens.map((_, k) => Math.floor(count / loadgens.length) + (k < count % loadgens.length ? 1 : 0));
  const replies = await Promise.all(loadgens.map((l, k) => l.open(shares[k] ?? 0, path, smallBufferFraction)));
  return {
    opened: sum(replies.map((r) => r.opened)),
    failed: sum(replies.map((r) => r.failed)),
    firstError: replies.find((r) => r.firstError !== '')?.firstError ?? '',
    open: sum(replies.map((r) => r.open)),
    ms: Math.max(...replies.map((r) => r.ms)),
  };
}

/** Opens a connection set of `count` subscribers for one scenario (`slowFraction`: see Loadgen.open). */
export async function openSession(
  target: Target,
  count: number,
  seq: { next: number },
  env: Environment,
  slowFraction = 0,
): Promise<Session & { readonly opened: Opened }> {
  const loadgens = startLoadgens(target, Math.ceil(count / MAX_CONNECTIONS_PER_LOADGEN), env);
  try {
    const opened = await openSpread(loadgens, count, target.subscribePath, slowFraction);
    env.log(
      `${target.spec.label}: ${opened.opened}/${count} connected in ${opened.ms} ms` +
        `${opened.failed > 0 ? `, ${opened.failed} failed (first: ${opened.firstError})` : ''}`,
    );
    if (opened.opened === 0) throw new Error(`no connection to ${target.spec.label} opened: ${opened.firstError}`);
    return { target, loadgens, readers: opened.opened, seq, opts: env.opts, log: env.log, opened };
  } catch (err) {
    await Promise.all(loadgens.map((l) => l.stop()));
    throw err;
  }
}

/** Closes a set and waits (bounded) until the server has let go of it, so the next scenario starts clean. */
export async function closeLoadgens(target: Target, loadgens: readonly Loadgen[]): Promise<void> {
  await Promise.all(loadgens.map((l) => l.stop()));
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const { connections } = await target.stats();
    if (!Number.isFinite(connections) || connections <= 0) break;
    await sleep(250);
  }
}

/**
 * The summed RSS of `pids` once it stops moving: the last 4 half-second samples within
 * 0.25 MB (or 0.2 %) of each other, or whatever it is after `maxWaitMs`.
 */
export async function settledRssMb(pids: readonly number[], maxWaitMs: number): Promise<{ mb: number; settled: boolean; seconds: number }> {
  const started = performance.now();
  const recent: number[] = [];
  for (;;) {
    recent.push(sum(pids.map((pid) => processMemoryMb(pid)?.rssMb ?? Number.NaN)));
    if (recent.length > 4) recent.shift();
    const spread = Math.max(...recent) - Math.min(...recent);
    const last = recent[recent.length - 1] ?? Number.NaN;
    const seconds = (performance.now() - started) / 1000;
    if (recent.length === 4 && spread <= Math.max(0.25, last * 0.002)) return { mb: last, settled: true, seconds };
    if (seconds * 1000 >= maxWaitMs) return { mb: last, settled: false, seconds };
    await sleep(500);
  }
}
