#!/usr/bin/env node
// `npm test`: checks that the server binaries the suite talks to exist (installing them with
// apt-get when running as root on Debian, failing with the package name otherwise), runs every
// vitest project with coverage, and prints the plain `N passed, N failed` line CI reads.
// Extra arguments go to vitest (`npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureServerBinaries } from './server-binaries.mjs';

const root = new URL('..', import.meta.url).pathname;
const missing = ensureServerBinaries({ log: (line) => console.log(line) });
if (missing.length > 0) {
  console.error(`npm test: required server binaries are missing: ${missing.map((m) => `${m.bin} (apt package ${m.pkg})`).join(', ')}.`);
  console.error(
    `Install them with: apt-get install -y ${missing.map((m) => m.pkg).join(' ')}   (or run as root: bash scripts/install-deps.sh)`,
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const outDir = join(root, '.test-results');
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, 'vitest.json');
const args = process.argv.slice(2);
const runsAll = !args.includes('--project');
const vitestArgs = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${jsonFile}`,
  ...(runsAll ? ['--coverage'] : []),
  ...args,
];
const result = spawnSync('npx', vitestArgs, { cwd: root, stdio: 'inherit' });

let summary = '0 passed, 1 failed';
try {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
} catch (err) {
  console.error(`npm test: no vitest report at ${jsonFile} (${err.message})`);
}
console.log(summary);
process.exit(result.status ?? 1);
