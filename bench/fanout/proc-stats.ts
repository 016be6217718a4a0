/**
 * Process and CPU accounting from /proc (Linux only). CPU is user+sys ticks of a whole process
 * (all threads: libuv pool, V8 GC, uWS) and is turned into "% of one core" over a wall interval.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime and stime of a process in seconds; null once it is gone. */
export function processCpuSeconds(pid: number): { readonly user: number; readonly sys: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing paren are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the paren the list starts at field 3 (state), so utime (14) and stime (15) are at 11, 12.
    return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK };
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (peak RSS as the kernel saw it) in MB; null once the process is gone. */
export function processMemoryMb(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** One CPU's jiffies from /proc/stat, split the way the foreign-load check needs them. */
interface CoreTicks {
  /** user + nice + system: what processes (ours or not) ran. */
  readonly tasks: number;
  /** irq + softirq: loopback packet delivery lands here, for whichever process sent. */
  readonly interrupts: number;
  /** Time the hypervisor gave this vCPU to someone else. */
  readonly steal: number;
  readonly total: number;
}

function readCores(): Map<number, CoreTicks> {
  const cores = new Map<number, CoreTicks>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (m === null) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (m[2] ?? '')
      .trim()
      .split(/\s+/)
      .map(Number);
    cores.set(Number(m[1]), {
      tasks: user + nice + system,
      interrupts: irq + softirq,
      steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
    });
  }
  return cores;
}

interface ProcessEntry {
  readonly ppid: number;
  readonly comm: string;
  /** Own user+sys plus that of reaped children: a short-lived job shows up on its parent. */
  readonly treeCpuSeconds: number;
}

/** Every process on the machine: parent, name and CPU so far (one read of each /proc/<pid>/stat). */
function readAllProcesses(): Map<number, ProcessEntry> {
  const all = new Map<number, ProcessEntry>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the paren.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      all.set(Number(entry), { ppid: Number(fields[1]), comm, treeCpuSeconds: ticks / CLK_TCK });
    } catch {
      // exited meanwhile
    }
  }
  return all;
}

/** The start of a process's command line (NUL-separated in /proc); null once it is gone. */
function commandLine(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return text === '' ? null : text.slice(0, 80);
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const all = readAllProcesses();
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...all].filter(([, p]) => frontier.includes(p.ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/**
 * The pid of `ksoftirqd/<cpu>`: under heavy loopback traffic the kernel defers packet processing
 * to this thread, so its time is caused by the benchmark, not by a neighbour.
 */
export function softirqThread(cpu: number): number | undefined {
  for (const [pid, p] of readAllProcesses()) if (p.comm === `ksoftirqd/${cpu}`) return pid;
  return undefined;
}

/** A process that is not ours and used CPU during the window: names the noise on a shared machine. */
export interface ForeignProcess {
  readonly pid: number;
  readonly command: string;
  readonly cpuPct: number;
}

export interface CoreUsage {
  /** Busy share of the core (tasks + interrupts + steal), %. */
  readonly busyPct: number;
  readonly interruptsPct: number;
  readonly stealPct: number;
  /** CPU of our own processes placed on this core, %. */
  readonly ownPct: number;
  /** Busy minus ours: other processes, steal, interrupts outside our processes; competes with the benchmark, %. */
  readonly foreignPct: number;
  /** The worst one-second interval of foreign load: short bursts show up in tail latency. */
  readonly foreignMaxPct: number;
}

export interface CpuWindow {
  readonly seconds: number;
  /** % of one core per process over the whole window (NaN if it was not alive throughout). */
  readonly processPct: ReadonlyMap<number, number>;
  /** The kernel-mode part of processPct (syscalls, and the loopback TCP work they trigger). */
  readonly processSysPct: ReadonlyMap<number, number>;
  readonly cores: ReadonlyMap<number, CoreUsage>;
  /** The busiest processes that are not ours (any core), % of one core over the window. */
  readonly foreignTop: readonly ForeignProcess[];
}

interface Sample {
  readonly wallMs: number;
  readonly processes: ReadonlyMap<number, { readonly user: number; readonly sys: number } | null>;
  readonly cores: ReadonlyMap<number, CoreTicks>;
}

/**
 * Samples CPU every `intervalMs` from now until `stop()`: per process (user+sys of all threads)
 * and per core. `placement` maps each core to the pids of ours pinned to it, so whatever else
 * ran on that core is reported as foreign load (other tests on a shared machine, steal).
 */
export function monitorCpu(placement: ReadonlyMap<number, readonly number[]>, intervalMs = 1_000): { stop(): CpuWindow } {
  const pids = [...placement.values()].flat();
  const take = (): Sample => ({
    wallMs: performance.now(),
    processes: new Map(pids.map((pid) => [pid, processCpuSeconds(pid)])),
    cores: readCores(),
  });
  const everyoneBefore = readAllProcesses();
  const samples: Sample[] = [take()];
  const timer = setInterval(() => samples.push(take()), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(take());
      const everyoneAfter = readAllProcesses();
      const first = samples[0] as Sample;
      const last = samples[samples.length - 1] as Sample;
      const processPct = new Map(pids.map((pid) => [pid, processPercent(first, last, pid)]));
      const processSysPct = new Map(pids.map((pid) => [pid, processPercent(first, last, pid, 'sys')]));
      const cores = new Map<number, CoreUsage>();
      for (const [core, own] of placement) {
        const whole = coreUsage(first, last, core, own);
        let foreignMaxPct = 0;
        for (let i = 1; i < samples.length; i += 1) {
          const part = coreUsage(samples[i - 1] as Sample, samples[i] as Sample, core, own);
          if (Number.isFinite(part.foreignPct)) foreignMaxPct = Math.max(foreignMaxPct, part.foreignPct);
        }
        cores.set(core, { ...whole, foreignMaxPct });
      }
      const seconds = (last.wallMs - first.wallMs) / 1000;
      const ours = new Set(pids);
      const foreignTop = [...everyoneAfter]
        // pid 1 inherits and reaps every orphan, adding whole lifetimes of CPU at once: not a window share.
        .filter(([pid]) => !ours.has(pid) && pid !== 1)
        .map(([pid, p]) => ({
          pid,
          comm: p.comm,
          cpuPct: ((p.treeCpuSeconds - (everyoneBefore.get(pid)?.treeCpuSeconds ?? 0)) / seconds) * 100,
        }))
        .filter((p) => p.cpuPct >= 1)
        .sort((a, b) => b.cpuPct - a.cpuPct)
        .slice(0, 5)
        .map(({ pid, comm, cpuPct }) => ({ pid, command: commandLine(pid) ?? comm, cpuPct }));
      return { seconds, processPct, processSysPct, cores, foreignTop };
    },
  };
}

function processPercent(a: Sample, b: Sample, pid: number, part: 'user' | 'sys' | 'both' = 'both'): number {
  const before = a.processes.get(pid);
  const after = b.processes.get(pid);
  if (before == null || after == null || b.wallMs === a.wallMs) return Number.NaN;
  const seconds = (t: { user: number; sys: number }): number => (part === 'both' ? t.user + t.sys : t[part]);
  return ((seconds(after) - seconds(before)) / ((b.wallMs - a.wallMs) / 1000)) * 100;
}

function coreUsage(a: Sample, b: Sample, core: number, own: readonly number[]): Omit<CoreUsage, 'foreignMaxPct'> {
  const before = a.cores.get(core);
  const after = b.cores.get(core);
  if (before === undefined || after === undefined || after.total === before.total) {
    return { busyPct: Number.NaN, interruptsPct: Number.NaN, stealPct: Number.NaN, ownPct: Number.NaN, foreignPct: Number.NaN };
  }
  const pct = (key: keyof CoreTicks): number => ((after[key] - before[key]) / (after.total - before.total)) * 100;
  const ownPct = own.reduce((sum, pid) => sum + (processPercent(a, b, pid) || 0), 0);
  const busyPct = pct('tasks') + pct('interrupts') + pct('steal');
  // A tick that lands in a softirq is charged both to the interrupted process's stime and to the
  // core's softirq column, so our processes' share is taken from the whole busy time. Tick
  // sampling makes small negatives possible; foreign load is never below zero.
  return { busyPct, interruptsPct: pct('interrupts'), stealPct: pct('steal'), ownPct, foreignPct: Math.max(0, busyPct - ownPct) };
}

/** Samples a process's RSS every `intervalMs` and keeps the peak. */
export function watchPeakRss(pid: number, intervalMs = 1000): { stop(): { peakRssMb: number; hwmMb: number } } {
  let peakRssMb = 0;
  let hwmMb = 0;
  const sample = (): void => {
    const mem = processMemoryMb(pid);
    if (mem === null) return;
    peakRssMb = Math.max(peakRssMb, mem.rssMb);
    hwmMb = Math.max(hwmMb, mem.hwmMb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { peakRssMb, hwmMb };
    },
  };
}
