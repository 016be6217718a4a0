/**
 * Fan-out benchmark orchestrator: `npm run bench:fanout -- --connections 5000 --rate 200 ...`.
 * Runs each edge kind in turn (see scenario.ts), prints a Markdown table and writes it with the
 * machine facts and raw JSON to bench/results/fanout-<timestamp>.md. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from './args.js';
import { REPO_ROOT, cleanupAll } from './children.js';
import { machineFacts, resultsDetails, resultsMarkdown, resultsTable, type RunOutcome } from './report.js';
import { CLIENT_CPU, EDGE_CPU, runScenario } from './scenario.js';

const opts = parseBenchArgs(process.argv.slice(2));
const startedAt = new Date();
const log = (line: string): void => console.error(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);

// Whatever ends this process ends its children: normal exit, error, signals and the hard cap.
process.on('exit', cleanupAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every child`);
    cleanupAll();
    process.exit(130);
  });
}
const hardTimeout = setTimeout(() => {
  log(`hard timeout of ${opts.timeout} s reached: killing every child`);
  cleanupAll();
  process.exit(2);
}, opts.timeout * 1000);
hardTimeout.unref();

checkPlacement();
// Pin this process (all its threads) to the client CPU before starting anything: nats-server
// and redis-server started by the fixtures inherit it, so CPU 0 holds the edge alone.
execFileSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });

const runDir = mkdtempSync(join(os.tmpdir(), 'bench-fanout-'));
log(`options ${JSON.stringify(opts)}; logs in ${runDir}`);
const outcomes: RunOutcome[] = [];
for (const edge of opts.edges) {
  try {
    outcomes.push(await runScenario(edge, opts, runDir, log));
  } catch (err) {
    // Keep the other edge's numbers: record the failure and go on.
    log(`${edge}: run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    outcomes.push({ edge, error: err instanceof Error ? err.message : String(err) });
  }
}

const script = relative(REPO_ROOT, fileURLToPath(import.meta.url));
const commandLine = [process.argv0, ...process.execArgv, script, ...process.argv.slice(2)].join(' ');
const markdown = resultsMarkdown({ commandLine, startedAt, opts, facts: machineFacts(), outcomes });
const resultsDir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
// ISO 8601 basic format: no colons in the file name.
const file = join(
  resultsDir,
  `fanout-${startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.md`,
);
writeFileSync(file, markdown);
console.log(`${resultsTable(opts, outcomes)}\n\n${resultsDetails(outcomes)}`);
log(`wrote ${relative(REPO_ROOT, file)}`);
if (outcomes.every((o) => !('error' in o))) rmSync(runDir, { recursive: true, force: true });
process.exitCode = outcomes.some((o) => 'error' in o) ? 1 : 0;

/** The edge and the clients each need a CPU of their own, and taskset to put them there. */
function checkPlacement(): void {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('taskset not found: install util-linux (apt-get install -y util-linux)');
  }
  const cpus = os.availableParallelism();
  if (cpus <= Math.max(EDGE_CPU, CLIENT_CPU)) throw new Error(`needs CPUs ${EDGE_CPU} and ${CLIENT_CPU}; this machine has ${cpus}`);
}
