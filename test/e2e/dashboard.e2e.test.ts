// The dashboard in Debian's Chromium against one real `npm start` process (simulator, PGlite,
// price-ingest, signal-engine and the edge in one process). Each test opens its own browser
// context, so watchlists in localStorage never leak between tests. Screenshots land in
// test-output/e2e/ (gitignored).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/dashboard-screenshot.js';
import { startTcpProxy } from '../fixtures/tcp-proxy.js';
import { waitFor } from '../fixtures/wait-for.js';

const root = new URL('../../', import.meta.url).pathname;
const screenshots = join(root, 'test-output/e2e');
const TEST_TIMEOUT_MS = 90_000;
/** Quotes tick every 10 s; the signal sets and the gate come within ~40 s of a cold start. */
const LIVE_MS = 30_000;
const SIGNALS_MS = 75_000;

const NOT_CONNECTED = '[data-testid="ws-status-connecting"], [data-testid="ws-status-error"], [data-testid="ws-status-disconnected"]';
const UPDATED_ROW = '[data-testid^="price-row-"]:has([data-testid="price-updated"])';

let standalone: ChildProcess;
let output = '';
let dataDir: string;
let edgeUrl: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
  const portFile = join(dataDir, 'port');
  standalone = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/standalone/src/main.ts'], {
    cwd: root,
    // Only what the process needs: no NATS_URL, REDIS_URL or DATABASE_URL from the outer environment.
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      EDGE_PORT_FILE: portFile,
      EDGE_DRAIN_MS: '200',
      STANDALONE_DATA_DIR: join(dataDir, 'pglite'),
      STANDALONE_HISTORY_DAYS: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  standalone.stdout?.on('data', keep);
  standalone.stderr?.on('data', keep);
  const port = await waitFor(
    'the standalone to write its port file',
    () => {
      if (standalone.exitCode !== null) throw new Error(`standalone exited with ${standalone.exitCode}: ${output}`);
      try {
        return Number(readFileSync(portFile, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  edgeUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (standalone !== undefined && standalone.exitCode === null && standalone.signalCode === null) {
    const exited = once(standalone, 'exit');
    standalone.kill('SIGTERM');
    const deadline = setTimeout(() => standalone.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(deadline);
  }
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

interface Dashboard {
  readonly page: Page;
  /** Text frames the page sent on any of its WebSockets. */
  readonly sent: string[];
  /** Uncaught page errors; every test ends by asserting there were none. */
  readonly errors: string[];
}

/** A fresh browser context (its own localStorage) with `pages` tabs open on `url`. */
async function openDashboards(url: string, pages = 1): Promise<Dashboard[]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  onTestFinished(() => context.close());
  const dashboards: Dashboard[] = [];
  for (let i = 0; i < pages; i += 1) {
    const page = await context.newPage();
    const sent: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))));
    await page.goto(url);
    dashboards.push({ page, sent, errors });
  }
  return dashboards;
}

async function connected(page: Page, timeout = LIVE_MS): Promise<void> {
  await page.getByTestId('ws-status-connected').waitFor({ timeout });
}

/** How many quotes the grid has rendered (it counts them in data-updates). */
async function gridUpdates(page: Page): Promise<number> {
  return Number(await page.getByTestId('price-grid').getAttribute('data-updates'));
}

function parsePrice(text: string | null): number {
  expect(text).toMatch(/^\d{1,3}(,\d{3})*$/);
  return Number(text?.replaceAll(',', ''));
}

/** The computed text colour; runs in the page (typed by hand: the check tsconfig has no DOM lib). */
const colourOf = (locator: Locator): Promise<string> =>
  locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);

const shot = (page: Page, name: string): Promise<Buffer> =>
  page.screenshot({ path: join(screenshots, `dashboard-${name}.png`), fullPage: true });

describe('dashboard (served by the edge of npm start)', () => {
  it('serves the page, its bundle and its stylesheet, and still 404s everything else', async () => {
    const page = await fetch(`${edgeUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const js = await fetch(`${edgeUrl}/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${edgeUrl}/styles.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${edgeUrl}/index.php`)).status).toBe(404);
  });

  it(
    'shows live prices: rows flash with price-updated, prices are numbers, and rises are red, falls blue',
    async () => {
      const [dash] = await openDashboards(`${edgeUrl}/`);
      const { page } = dash!;
      await connected(page);
      expect(await page.getByTestId('ws-status-connected').getAttribute('aria-label')).toBe('WebSocket 연결됨');
      await expect.poll(() => page.getByTestId('ws-icon-connected').isVisible()).toBe(true);
      expect(await page.getByTestId('ws-status-connected').textContent()).toContain('실시간 연결됨');

      const row = page.locator(UPDATED_ROW).first();
      await row.waitFor({ timeout: LIVE_MS });
      await shot(page, 'prices');
      expect(parsePrice(await row.getByTestId('price-value').textContent())).toBeGreaterThan(0);

      // Every row of the default watchlist gets a price, and its colour follows the sign of its change.
      for (const ticker of ['005930', '000660', '035420', '0015N0', '064350']) {
        const tickerRow = page.getByTestId(`price-row-${ticker}`);
        const priced = tickerRow.locator('[data-testid="price-value"][data-value]');
        await priced.waitFor({ timeout: LIVE_MS });
        parsePrice(await priced.textContent());
        const change = tickerRow.getByTestId('price-change');
        const changeText = (await change.textContent()) ?? '';
        const look = [await change.getAttribute('class'), await colourOf(change)];
        if (changeText.startsWith('▲')) expect(look).toEqual([expect.stringContaining('up'), 'rgb(209, 36, 47)']);
        else if (changeText.startsWith('▼')) expect(look).toEqual([expect.stringContaining('down'), 'rgb(31, 95, 209)']);
        else expect(look[0]).toContain('flat');
      }

      // The marker goes again about 1.5 s after the update.
      const marker = page.locator(UPDATED_ROW).first().getByTestId('price-updated');
      await marker.waitFor({ state: 'detached', timeout: 5_000 });
      expect(dash!.errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows the market gate with a GREEN, YELLOW or RED status, its level and both indices',
    async () => {
      const [dash] = await openDashboards(`${edgeUrl}/`);
      const { page } = dash!;
      const status = page.getByTestId('market-gate-status');
      await status.filter({ hasText: /^(GREEN|YELLOW|RED)$/ }).waitFor({ timeout: SIGNALS_MS });
      const gate = page.getByTestId('market-gate');
      const word = (await status.textContent())!;
      expect(await gate.getAttribute('class')).toContain(`gate-${word.toLowerCase()}`);
      expect(await gate.locator('.gate-level-value').textContent()).toMatch(/^\d{1,3}$/);
      expect(await gate.locator('.index-value').allTextContents()).toEqual([
        expect.stringMatching(/^[\d,]+\.\d\d$/),
        expect.stringMatching(/^[\d,]+\.\d\d$/),
      ]);
      await shot(page, 'market-gate');
      expect(dash!.errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fills the VCP and closing-bet tables with graded signals (064350 among the closing bets)',
    async () => {
      const [dash] = await openDashboards(`${edgeUrl}/`);
      const { page } = dash!;
      const vcpRows = page.getByTestId('vcp-table').locator('[data-testid^="vcp-row-"]');
      await vcpRows.first().waitFor({ timeout: SIGNALS_MS });
      const jongga = page.getByTestId('jongga-row-064350');
      await jongga.waitFor({ timeout: SIGNALS_MS });

      expect(await vcpRows.count()).toBeGreaterThanOrEqual(1);
      for (const grade of await vcpRows.locator('.grade').allTextContents()) expect(grade).toMatch(/^[SABC]$/);
      expect(await jongga.locator('.grade').textContent()).toMatch(/^[SABC]$/);
      // Entry, target and stop levels are prices.
      const levels = await jongga.locator('td.num').allTextContents();
      expect(levels.filter((t) => /^\d{1,3}(,\d{3})+$/.test(t)).length).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId('jongga-table').locator('[data-testid^="jongga-row-"]').count()).toBeGreaterThanOrEqual(1);
      await shot(page, 'signals');
      expect(dash!.errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'recovers from a dropped connection without a reload: reconnecting status, 재연결 N, connected, prices flow again',
    async () => {
      const proxy = await startTcpProxy(Number(new URL(edgeUrl).port));
      onTestFinished(() => proxy.stop());
      const [dash] = await openDashboards(`http://127.0.0.1:${proxy.port}/`);
      const { page } = dash!;
      await connected(page);
      await page.locator(UPDATED_ROW).first().waitFor({ timeout: LIVE_MS });
      // A reload would lose this.
      await page.evaluate(() => Object.assign(globalThis, { __sameDocument: true }));
      const acceptedBefore = proxy.accepted;

      proxy.cut();
      await page.locator(NOT_CONNECTED).first().waitFor({ timeout: LIVE_MS });
      await page
        .getByTestId('ws-reconnect-count')
        .filter({ hasText: /재연결 [1-9]/ })
        .waitFor({ timeout: LIVE_MS });
      await shot(page, 'reconnecting');
      const updatesWhileDown = await gridUpdates(page);

      proxy.restore();
      await connected(page, LIVE_MS);
      // The client keeps the outage's count after it is back.
      expect(await page.getByTestId('ws-reconnect-count').textContent()).toMatch(/재연결 [1-9]/);
      await expect.poll(() => gridUpdates(page), { timeout: LIVE_MS }).toBeGreaterThan(updatesWhileDown);
      await page.locator(UPDATED_ROW).first().waitFor({ timeout: LIVE_MS });
      await shot(page, 'reconnected');

      expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
      expect(await page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(dash!.errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps two tabs live at once: each gets its own connection and later quotes',
    async () => {
      const tabs = await openDashboards(`${edgeUrl}/`, 2);
      for (const { page } of tabs) await connected(page);
      const ids = await Promise.all(tabs.map(({ page }) => page.locator('.ws-client-id').getAttribute('title')));
      expect(new Set(ids).size).toBe(2);
      for (const { page } of tabs) await page.locator(UPDATED_ROW).first().waitFor({ timeout: LIVE_MS });
      // Past the snapshots: both tabs render a quote published after both were up.
      const baseline = await Promise.all(tabs.map(({ page }) => gridUpdates(page)));
      await Promise.all(
        tabs.map(({ page }, i) => expect.poll(() => gridUpdates(page), { timeout: LIVE_MS }).toBeGreaterThan(baseline[i]!)),
      );
      await Promise.all(tabs.map(({ page }, i) => shot(page, `tab-${i + 1}`)));
      for (const { errors } of tabs) expect(errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'adds a ticker (subscribes, shows its price), rejects an invalid one with ticker-error, and removes one (unsubscribes)',
    async () => {
      const [dash] = await openDashboards(`${edgeUrl}/`);
      const { page, sent } = dash!;
      await connected(page);
      const input = page.getByTestId('ticker-input');
      const add = page.getByTestId('ticker-add');

      for (const invalid of ['ABCDEF', '12345', '1234567', '00593가']) {
        await input.fill(invalid);
        expect(await page.getByTestId('ticker-error').count()).toBe(0);
        await add.click();
        await page.getByTestId('ticker-error').waitFor({ timeout: 5_000 });
      }
      await shot(page, 'ticker-error');
      await input.fill('005930');
      await add.click();
      expect(await page.getByTestId('ticker-error').textContent()).toContain('이미');

      await input.fill('035720');
      await add.click();
      const row = page.getByTestId('price-row-035720');
      await row.waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('ticker-error').count()).toBe(0);
      const price = row.locator('[data-testid="price-value"][data-value]');
      await price.waitFor({ timeout: LIVE_MS });
      expect(parsePrice(await price.textContent())).toBeGreaterThan(0);
      await shot(page, 'ticker-added');

      const subscribes = sent.map((f) => JSON.parse(f) as { type?: string; topic?: string }).filter((f) => f.type === 'subscribe');
      expect(subscribes.map((f) => f.topic)).toContain('price:035720');
      // Nothing invalid ever reached the socket.
      expect(subscribes.filter((f) => !/^(price:[0-9A-Z]{6}|market-gate|signal:[a-z_0-9]+)$/.test(f.topic ?? ''))).toEqual([]);
      expect(subscribes.filter((f) => f.topic === 'price:005930')).toHaveLength(1);

      await page.getByTestId('ticker-remove-035720').click();
      await row.waitFor({ state: 'detached', timeout: 5_000 });
      await expect
        .poll(() => sent.some((f) => f === JSON.stringify({ type: 'unsubscribe', topic: 'price:035720' })), { timeout: 5_000 })
        .toBe(true);
      expect(dash!.errors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
