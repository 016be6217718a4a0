// The README's screenshot, made by a script so it never drifts from what the dashboard shows.
// `npm run docs:screenshot` starts `npm start`'s entry point on a fresh temporary data directory,
// waits until the dashboard shows live prices, the market gate, both signal tables and a
// bus-to-browser latency in milliseconds, and writes docs/dashboard.png. The fresh-clone e2e test
// calls `captureDashboard` on its own run, so the same steps are checked by `npm test`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { waitFor } from '../test/fixtures/wait-for.js';

/** Debian's Chromium, never a downloaded browser; the flags keep it off the closed network. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the page showed when the screenshot was taken. */
export interface DashboardCapture {
  readonly latencyP50: string;
  readonly latencyP95: string;
  readonly gate: string;
  readonly pricedRows: number;
  readonly vcpRows: number;
  readonly jonggaRows: number;
  readonly pageErrors: readonly string[];
}

/**
 * Opens `url` in headless Chromium at 1280×900, waits (up to `timeoutMs`) for a complete, live
 * dashboard and writes a full-page PNG to `outPath`.
 */
export async function captureDashboard(url: string, outPath: string, opts: { timeoutMs?: number } = {}): Promise<DashboardCapture> {
  const timeout = opts.timeoutMs ?? 90_000;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(url);
    await page.getByTestId('ws-status-connected').waitFor({ timeout });
    await page.locator('[data-testid^="price-row-"] [data-testid="price-value"][data-value]').first().waitFor({ timeout });
    await page
      .getByTestId('market-gate-status')
      .filter({ hasText: /^(GREEN|YELLOW|RED)$/ })
      .waitFor({ timeout });
    await page.getByTestId('vcp-table').locator('[data-testid^="vcp-row-"]').first().waitFor({ timeout });
    await page.getByTestId('jongga-table').locator('[data-testid^="jongga-row-"]').first().waitFor({ timeout });
    // The latency of fan-out frames (arrival − the producer's ts): milliseconds, never a clock
    // offset. The p95 waits until the snapshots delivered on subscribe (the last value, up to one
    // poll old) have left the 10 s window, so the picture shows the live path.
    await page
      .getByTestId('live-latency')
      .filter({ hasText: /^\d+ ms$/ })
      .waitFor({ timeout });
    await page
      .getByTestId('live-latency-p95')
      .filter({ hasText: /^\d+ ms$/ })
      .waitFor({ timeout });
    const capture: DashboardCapture = {
      latencyP50: (await page.getByTestId('live-latency').textContent()) ?? '',
      latencyP95: (await page.getByTestId('live-latency-p95').textContent()) ?? '',
      gate: (await page.getByTestId('market-gate-status').textContent()) ?? '',
      pricedRows: await page.locator('[data-testid^="price-row-"] [data-testid="price-value"][data-value]').count(),
      vcpRows: await page.getByTestId('vcp-table').locator('[data-testid^="vcp-row-"]').count(),
      jonggaRows: await page.getByTestId('jongga-table').locator('[data-testid^="jongga-row-"]').count(),
      pageErrors,
    };
    await page.screenshot({ path: outPath, fullPage: true });
    return capture;
  } finally {
    await browser.close();
  }
}

/** The URL of the dashboard in `npm start`'s ready line (JSON on a pipe), once it has been printed. */
export function readyUrl(output: string): string | undefined {
  return /standalone ready: dashboard (http:\/\/[\d.]+:\d+\/)/.exec(output)?.[1];
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(root, 'docs', 'dashboard.png');
  const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-screenshot-'));
  const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/standalone/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', STANDALONE_DATA_DIR: join(dataDir, 'pglite') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await waitFor(
      'the ready line of npm start',
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
        return readyUrl(output);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const capture = await captureDashboard(url, out);
    process.stdout.write(`wrote ${out}: ${JSON.stringify(capture)}\n`);
  } finally {
    child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
