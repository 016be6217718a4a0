// The README's first command, literally, on a fresh clone: `npm ci && npm start` in a new
// directory with no `.data/`, `node_modules/` or build output, then a second (warm) start on the
// kept directory. Every other test reuses this checkout; this one is what a newcomer does.
//
// The clone is the working tree's files as `git clone` would lay them out (tracked and untracked
// but not ignored: a developer's uncommitted edits are tested too; on CI, a clean clone, the two
// are the same). `npm ci` is a real install into the clone, not a link to this checkout's
// node_modules: workspace links would point back here and hide a broken clone. npm's cache in
// HOME makes it take about 15 s.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureDashboard, readyUrl } from '../../scripts/dashboard-screenshot.js';
import { waitFor } from '../fixtures/wait-for.js';
import { connectClient, type Frame } from '../fixtures/ws-client.js';

const root = new URL('../../', import.meta.url).pathname;
const screenshots = join(root, 'test-output/e2e');
/** The README's promises: a cold start (history backfilled) ready within 60 s, a warm one within 20 s. */
const COLD_READY_MS = 60_000;
const WARM_READY_MS = 20_000;

let work: string;
let clone: string;
/** `node` and `npm` (wherever this run's are), in front of the system's own directories. */
let binDir: string;
/** The least a person's shell has: node and npm, and /usr/bin:/bin (npm runs scripts with `sh`). */
const path = (): string => `${binDir}:/usr/bin:/bin`;

/** Runs a command in the clone to completion; resolves with its exit code and output. */
async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** `npm start` in its own process group, so SIGINT reaches it as Ctrl-C in a terminal does. */
interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  readonly exited: Promise<number | null>;
}

function npmStart(): Started {
  // No environment but PORT (0: any free port; the ready line names it) and PATH.
  const child = spawn(join(binDir, 'npm'), ['start'], { cwd: clone, env: { PORT: '0', PATH: path() }, detached: true });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

async function waitReady(started: Started, timeoutMs: number): Promise<{ url: string; ms: number }> {
  const t0 = performance.now();
  const url = await waitFor(
    'the ready line of npm start',
    () => {
      if (started.child.exitCode !== null) throw new Error(`npm start exited with ${started.child.exitCode}:\n${started.output()}`);
      return readyUrl(started.output());
    },
    { timeoutMs, intervalMs: 50 },
  );
  return { url, ms: performance.now() - t0 };
}

/** Ctrl-C: SIGINT to the process group; npm start must exit 0 after an orderly shutdown. */
async function interrupt(started: Started): Promise<number | null> {
  process.kill(-started.child.pid!, 'SIGINT');
  return started.exited;
}

/** The JSON log records of a run (stdout is a pipe, so JSON, not pretty lines). */
function records(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function liveQuote(url: string): Promise<Frame> {
  const ws = await connectClient(`${url.replace('http', 'ws')}ws?subscribe=price:005930`);
  try {
    return await ws.next((f) => f.type === 'price_update' && f['ticker'] === '005930', { timeoutMs: 20_000 });
  } finally {
    await ws.close();
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  clone = join(work, 'krx-realtime');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(root, file), join(clone, file));
  }
  binDir = join(work, 'bin');
  mkdirSync(binDir);
  symlinkSync(process.execPath, join(binDir, 'node'));
  const npm = (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((d) => join(d, 'npm'))
    .find((p) => existsSync(p));
  if (npm === undefined) throw new Error('npm is not on PATH');
  symlinkSync(realpathSync(npm), join(binDir, 'npm'));
  mkdirSync(screenshots, { recursive: true });
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('a fresh clone, as the README says', () => {
  it('has no data directory, no node_modules and no build output before npm ci', () => {
    expect(existsSync(join(clone, 'package-lock.json'))).toBe(true);
    for (const absent of ['.data', 'node_modules', 'services/standalone/dist']) expect(existsSync(join(clone, absent))).toBe(false);
  });

  it('npm ci installs without asking to approve install scripts', async () => {
    const { code, output } = await run(join(binDir, 'npm'), ['ci'], { PATH: path(), HOME: process.env['HOME'] ?? work });
    expect(code, output).toBe(0);
    // esbuild's postinstall is denied in package.json's allowScripts: the dashboard build uses
    // the platform package npm installs, never that script (the last test proves it).
    expect(output).not.toMatch(/install-scripts|not yet covered by allowScripts/);
  }, 180_000);

  it(
    'npm start with only PORT: ready within 60 s, /health, the dashboard with live data, a live price, exit 0 on Ctrl-C',
    async () => {
      const started = npmStart();
      const { url, ms } = await waitReady(started, COLD_READY_MS);
      expect(ms).toBeLessThan(COLD_READY_MS);
      const ready = records(started.output()).find((r) => String(r['msg']).startsWith('standalone ready'));
      // The data directory the README names, created with its parent on this first start.
      expect(ready).toMatchObject({ bus: 'memory', lastValues: 'memory', database: `pglite:${join(clone, '.data', 'pglite')}` });

      expect((await fetch(`${url}health`)).status).toBe(200);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/app.js">');
      expect(await liveQuote(url)).toMatchObject({ type: 'price_update', topic: 'price:005930', source: 'kiwoom_rest' });

      // What a person sees in the browser, captured the way `npm run docs:screenshot` does.
      const shown = await captureDashboard(url, join(screenshots, 'fresh-clone-dashboard.png'));
      expect(shown).toMatchObject({ pricedRows: 5, pageErrors: [] });
      expect(shown.latencyP50).toMatch(/^\d+ ms$/);
      expect(shown.vcpRows).toBeGreaterThanOrEqual(1);
      expect(shown.jonggaRows).toBeGreaterThanOrEqual(1);

      expect(await interrupt(started)).toBe(0);
      const lines = records(started.output());
      expect(lines.at(-1)).toMatchObject({ msg: 'shutdown complete', reason: 'SIGINT' });
      expect(lines.filter((r) => Number(r['level']) >= 50)).toEqual([]);
      expect(started.output()).not.toMatch(/^\s+at /m);
    },
    COLD_READY_MS + 120_000,
  );

  it(
    'starts again on the kept directory (warm: no backfill) within 20 s and serves a live price',
    async () => {
      const started = npmStart();
      const { url, ms } = await waitReady(started, WARM_READY_MS);
      expect(ms).toBeLessThan(WARM_READY_MS);
      expect(await liveQuote(url)).toMatchObject({ ticker: '005930', source: 'kiwoom_rest' });
      expect(await interrupt(started)).toBe(0);
      expect(started.output()).not.toContain('backfilling history');
    },
    WARM_READY_MS + 40_000,
  );

  it('builds the dashboard after npm ci --ignore-scripts (no install script is needed)', async () => {
    const install = await run(join(binDir, 'npm'), ['ci', '--ignore-scripts'], { PATH: path(), HOME: process.env['HOME'] ?? work });
    expect(install.code, install.output).toBe(0);
    const build = await run(
      join(binDir, 'node'),
      [
        '--conditions=@repo/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { buildDashboard } = await import('@repo/dashboard'); const a = await buildDashboard(); console.log(JSON.stringify({ js: a.js.length, html: a.html.length }));",
      ],
      { PATH: path() },
    );
    expect(build.code, build.output).toBe(0);
    const sizes = JSON.parse(build.output.trim().split('\n').at(-1) ?? '{}') as { js: number; html: number };
    expect(sizes.js).toBeGreaterThan(10_000);
    expect(sizes.html).toBeGreaterThan(100);
  }, 180_000);
});
