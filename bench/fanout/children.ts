/**
 * Child processes of the benchmark, each pinned to a CPU with `taskset` (which execs, so the
 * pid we hold is the node process itself), plus one registry of everything that must die with
 * the orchestrator: children and fixture servers are killed on normal exit, error, signals and
 * the hard timeout alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMessage } from './ipc.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<string>;
  /** The last few KB of stdout+stderr, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Synchronous kill functions: they must work from a process 'exit' handler. */
const cleanups = new Set<() => void>();

export function onCleanup(kill: () => void): () => void {
  cleanups.add(kill);
  return () => cleanups.delete(kill);
}

/** Kills everything still registered; idempotent, synchronous. */
export function cleanupAll(): void {
  for (const kill of [...cleanups]) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  cleanups.clear();
}

/** The node command line that runs a TypeScript file of this repo from source. */
export function tsNodeArgs(file: string, nodeFlags: readonly string[] = []): string[] {
  return [process.execPath, ...nodeFlags, '--conditions=@repo/source', '--import', 'tsx', file];
}

export interface SpawnOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Also append the output to this file. */
  readonly logFile?: string;
  /** Open a Node IPC channel (children that are Node scripts of ours). */
  readonly ipc?: boolean;
}

export function spawnPinned(name: string, cpu: number, argv: readonly string[], opts: SpawnOptions = {}): Child {
  const proc = spawn('taskset', ['-c', String(cpu), ...argv], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: opts.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not spawn ${name}`);
  const pid = proc.pid;
  let output = '';
  const log = opts.logFile === undefined ? undefined : createWriteStream(opts.logFile, { flags: 'a' });
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-6_000);
    log?.write(chunk);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      unregister();
      log?.end();
      resolve(signal ?? String(code));
    });
    proc.once('error', (err) => {
      unregister();
      resolve(`spawn error: ${err.message}`);
    });
  });
  const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const unregister = onCleanup(() => {
    if (alive()) proc.kill('SIGKILL');
  });
  return {
    name,
    pid,
    process: proc,
    exited,
    tail: () => output,
    async stop(graceMs = 3_000) {
      if (alive()) proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (alive()) proc.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's next IPC message of `type`. Rejects if it exits first or after `timeoutMs`, with
 * its output tail so a crash explains itself.
 */
export function nextMessage<T extends { readonly type: string }>(child: Child, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isMessage<T>(message, type)) return;
      done();
      resolve(message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      done();
      reject(new Error(`${child.name} exited (${signal ?? String(code)}) before sending '${type}':\n${child.tail()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${child.name} sent no '${type}' within ${timeoutMs} ms:\n${child.tail()}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.once('exit', onExit);
  });
}
