/**
 * Saturation bench orchestrator: `npm run bench:saturation -- [--quick] [--servers ...] ...`.
 * For each repeat and each server (raw uWS, our edge with 1..N workers, ws, Socket.IO) it runs
 * the selected scenarios (scenarios.ts) and writes bench/results/<UTC stamp>/summary.md and
 * raw.json. See bench/README.md, "bench/saturation".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, cleanupAll } from '../fanout/children.js';
import { machineFacts } from '../fanout/report.js';
import { CLIENT_CPU, EDGE_CPU } from '../fanout/scenario.js';
import { estimateSeconds, parseSaturationArgs } from './args.js';
import { compileLoadgen } from './loadgen.js';
import { probeLine, runMachineProbe, type MachineProbe } from './machine-probe.js';
import { mediansOf } from './medians.js';
import { socketIoVersion, summaryMarkdown, type RunSummary } from './report.js';
import { runRepeat, type Previous, type RepeatResult } from './scenarios.js';
import type { TargetSpec } from './targets.js';

const opts = parseSaturationArgs(process.argv.slice(2));
const startedAt = new Date();
const log = (line: string): void => console.error(`[saturation ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);
const script = relative(REPO_ROOT, fileURLToPath(import.meta.url));
const commandLine = ['npm run bench:saturation --', ...process.argv.slice(2)].join(' ');
// ISO 8601 basic format in UTC, no colons: a directory name.
const stamp = `${startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
const outDir = join(REPO_ROOT, 'bench', 'results', stamp);
const results: RepeatResult[] = [];
/** probe.c's figures before the first server and after the last; an aborted run lacks one or both. */
const machine: { before?: MachineProbe; after?: MachineProbe } = {};
const targets: TargetSpec[] = opts.servers.flatMap((kind): TargetSpec[] =>
  kind === 'edge'
    ? opts.edgeWorkers.map((workers) => ({ kind, workers, label: workers === 1 ? 'edge' : `edge-w${workers}` }))
    : [{ kind, workers: 1, label: kind }],
);

/** Writes what exists so far; synchronous so the hard timeout can call it before exiting. */
function writeOutputs(): string {
  const facts = { ...machineFacts(), socketIo: socketIoVersion() };
  const summary: RunSummary = {
    commandLine,
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    opts,
    facts,
    probes: machine,
    labels: targets.map((t) => t.label),
    results,
  };
  mkdirSync(outDir, { recursive: true });
  const markdown = summaryMarkdown(summary);
  writeFileSync(join(outDir, 'summary.md'), markdown);
  const medians = Object.fromEntries(targets.map((t) => [t.label, mediansOf(results.filter((r) => r.label === t.label))]));
  writeFileSync(
    join(outDir, 'raw.json'),
    JSON.stringify({ ...summary, script, startedAt: startedAt.toISOString(), medians }, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? null : v,
    ),
  );
  return markdown;
}

// Every child dies with this process, whichever way it ends.
process.on('exit', cleanupAll);
const abort = (why: string, code: number): never => {
  log(`${why}: killing every child`);
  cleanupAll();
  try {
    log(`partial results in ${relative(REPO_ROOT, outDir)}`);
    writeOutputs();
  } catch (err) {
    log(`could not write partial results: ${String(err)}`);
  }
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => abort(signal, 130));
setTimeout(() => abort(`hard timeout of ${opts.timeout} s`, 2), opts.timeout * 1000).unref();

pinToClientCpu();

const runDir = mkdtempSync(join(tmpdir(), 'bench-saturation-'));
const binary = compileLoadgen(runDir);
// Before any server starts and after the last stops, so nothing else competes for the CPUs.
machine.before = runMachineProbe(runDir);
log(probeLine('before the servers', machine.before));
log(`estimated ${Math.round(estimateSeconds({ ...opts }) / 60)} min; hard timeout ${opts.timeout} s; logs in ${runDir}`);
const previous: Previous = new Map();
for (let repeat = 0; repeat < opts.repeats; repeat += 1) {
  for (const spec of targets) {
    try {
      results.push(await runRepeat(spec, repeat, { opts, runDir, binary, log }, previous));
    } catch (err) {
      log(`${spec.label}: could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      results.push({ label: spec.label, repeat, connectionSets: [], errors: [err instanceof Error ? err.message : String(err)] });
    }
  }
}
machine.after = runMachineProbe(runDir);
log(probeLine('after the servers', machine.after));
console.log(writeOutputs());
log(`wrote ${relative(REPO_ROOT, join(outDir, 'summary.md'))} and raw.json`);
const failed = results.some((r) => r.errors.length > 0);
if (!failed) rmSync(runDir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;

/**
 * Pins this process, all threads, to the client CPU before anything starts: nats-server and
 * redis-server (started by the test fixtures) inherit it, leaving CPU 0 to the server under test.
 */
function pinToClientCpu(): void {
  if (cpus().length <= Math.max(EDGE_CPU, CLIENT_CPU)) throw new Error(`the bench uses CPUs ${EDGE_CPU} and ${CLIENT_CPU}`);
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
  } catch (err) {
    throw new Error('could not pin with taskset (apt-get install -y util-linux)', { cause: err });
  }
}
