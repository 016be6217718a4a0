/**
 * The orchestrator's side of loadgen.c: building it with the system C compiler into the run's
 * temporary directory, starting copies pinned to the client CPU, and one typed call per line
 * command. Each command gets exactly one JSON line back, in order, so replies are matched to
 * requests by position.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, onCleanup } from '../fanout/children.js';
import type { HistogramSnapshot } from '../fanout/histogram.js';

/** A process holding more sockets than this splits them with another one (see bench/README.md). */
export const MAX_CONNECTIONS_PER_LOADGEN = 10_000;

export interface Opened {
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string;
  /** Connections of this process open right now (all `open` commands so far). */
  readonly open: number;
  readonly ms: number;
}

export interface LoadgenReport {
  readonly open: number;
  /** Open and still reading: the subscribers a measured message is expected at. */
  readonly reading: number;
  readonly slow: number;
  readonly closes: number;
  readonly closeCodes: Readonly<Record<string, number>>;
  readonly framesTotal: number;
  /** Payload frames with seq inside the window. */
  readonly received: number;
  /** Jumps in a connection's seq inside the window, and the frames they skipped. */
  readonly gaps: number;
  readonly gapMissing: number;
  readonly dups: number;
  readonly negative: number;
  readonly badFrames: number;
  readonly protocolErrors: number;
  readonly sendErrors: number;
  readonly idleMs: number;
  /** getrusage of the load generator itself, cumulative. */
  readonly cpuUserS: number;
  readonly cpuSysS: number;
  readonly maxRssKb: number;
  readonly histogram: HistogramSnapshot;
  /** Per measured frame: kernel receive timestamp → read. Large values: the client fell behind. */
  readonly holdHistogram: HistogramSnapshot;
  /** Per measured frame: publish → kernel receive timestamp (this client's own delay left out). */
  readonly arrivalHistogram: HistogramSnapshot;
}

export interface Probed {
  readonly probes: number;
  readonly timeouts: number;
  /** Subscribe sent → snapshot frame read. */
  readonly histogram: HistogramSnapshot;
  /** Subscribe sent → snapshot's kernel receive timestamp (the prober's own delay left out). */
  readonly arrivalHistogram: HistogramSnapshot;
}

export interface LoadgenOptions {
  readonly name: string;
  readonly cpu: number;
  readonly port: number;
  readonly mode: 'json' | 'eio';
  /** The Socket.IO room joined in eio mode. */
  readonly room: string;
  readonly concurrency: number;
  readonly handshakeTimeoutMs: number;
  readonly logFile: string;
}

export interface Loadgen {
  readonly name: string;
  readonly pid: number;
  /**
   * Opens `count` more connections to `path`; resolves when each is ready or failed. The ones
   * that `slow(smallBufferFraction)` will pick get a 4 KiB receive buffer (see loadgen.c).
   */
  open(count: number, path: string, smallBufferFraction?: number): Promise<Opened>;
  window(seqLo: number, seqHi: number): Promise<void>;
  /** Reads each socket at most every `ms` (0: as soon as data lands); see loadgen.c's main loop. */
  interval(ms: number): Promise<void>;
  /** Stops reading `fraction` of the open connections; resolves with how many. */
  slow(fraction: number): Promise<number>;
  probe(count: number, intervalMs: number, topic: string): Promise<Probed>;
  stat(): Promise<{ framesTotal: number; idleMs: number; open: number }>;
  report(): Promise<LoadgenReport>;
  /** Closes every connection (the process exits); idempotent. */
  stop(): Promise<void>;
}

/** Builds loadgen.c into `dir`; throws a clear error when no C compiler is installed. */
export function compileLoadgen(dir: string): string {
  return compileC(dir, 'loadgen', ['-lm']);
}

/** Builds bench/saturation/<name>.c into `dir` with the system C compiler (-O2). */
export function compileC(dir: string, name: string, libs: readonly string[] = []): string {
  const binary = join(dir, name);
  const source = join(REPO_ROOT, 'bench', 'saturation', `${name}.c`);
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', binary, source, ...libs], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`cc not found: ${name}.c is built at run time (apt-get install -y gcc)`, { cause: err });
    }
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not compile ${source}:\n${stderr}`, { cause: err });
  }
  return binary;
}

export function startLoadgen(binary: string, o: LoadgenOptions): Loadgen {
  const argv = ['-c', String(o.cpu), binary, '-p', String(o.port), '-m', o.mode, '-r', o.room];
  argv.push('-c', String(o.concurrency), '-t', String(o.handshakeTimeoutMs));
  const proc = spawn('taskset', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not spawn ${o.name}`);
  const pid = proc.pid;
  const forget = onCleanup(() => proc.kill('SIGKILL'));
  const log = createWriteStream(o.logFile, { flags: 'a' });
  proc.stderr.pipe(log);
  // Writing a command to a process that just died raises EPIPE here; `exited` reports the death.
  proc.stdin.on('error', () => undefined);
  const waiting: Array<{ resolve: (reply: Record<string, unknown>) => void; reject: (err: Error) => void }> = [];
  let gone: Error | undefined;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const next = waiting.shift();
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (reply['type'] === 'error') next?.reject(new Error(`${o.name} refused a command: ${String(reply['message'])}`));
    else next?.resolve(reply);
  });
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      forget();
      gone = new Error(`${o.name} exited (${signal ?? String(code)}); see ${o.logFile}`);
      for (const w of waiting.splice(0)) w.reject(gone);
      resolve();
    });
  });
  const request = <T>(line: string): Promise<T> => {
    if (gone !== undefined) return Promise.reject(gone);
    return new Promise<T>((resolve, reject) => {
      waiting.push({ resolve: (reply) => resolve(reply as T), reject });
      proc.stdin.write(`${line}\n`);
    });
  };
  return {
    name: o.name,
    pid,
    open: (count, path, fraction = 0) => request<Opened>(`open ${count} ${path} ${fraction}`),
    window: async (seqLo, seqHi) => void (await request(`window ${seqLo} ${seqHi}`)),
    interval: async (ms) => void (await request(`interval ${ms}`)),
    slow: async (fraction) => (await request<{ slow: number }>(`slow ${fraction}`)).slow,
    probe: (count, intervalMs, topic) => request<Probed>(`probe ${count} ${intervalMs} ${topic}`),
    stat: () => request(`stat`),
    report: () => request<LoadgenReport>('report'),
    async stop() {
      if (gone === undefined) proc.stdin.end('quit\n');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
