/**
 * The backfill command (backfill-main.ts) as an operator runs it, against the simulator and a
 * fresh PostgreSQL database: ka10081 candles merged with ka10086 investor flows land in
 * daily_prices, newest first and consistent bar to bar; a bad argument stops it before it
 * touches the database.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dailyPriceRange, latestDailyPrices, openDb, type Db } from '@repo/db';
import { createKiwoomSim, parseKiwoomSimConfig, type KiwoomSim } from '@repo/kiwoom-sim';
import { silentLogger } from '@repo/observability';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { createTestDatabase } from '../../../test/fixtures/database.js';

const root = new URL('../../../', import.meta.url).pathname;
/** Each ticker costs one ka10081 and one ka10086 call, paced by the client at 1 call/s per api-id. */
const RUN_TIMEOUT_MS = 45_000;
const TICKERS = ['005930', '000660', '0015N0'];
const DAYS = 30;
/** The backfill's default `flowDays`: investor net buying is fetched for the newest 20 bars. */
const FLOW_DAYS = 20;

let sim: KiwoomSim;
beforeAll(async () => {
  sim = createKiwoomSim({
    config: parseKiwoomSimConfig({ KIWOOM_SIM_PORT: '0', KIWOOM_SIM_RATE_LIMITS: '*:0', KIWOOM_SIM_CLOCK: 'session' }),
    logger: silentLogger,
  });
  await sim.start();
});
afterAll(() => sim.stop());

/** A fresh database in the run's throw-away cluster, dropped when the test finishes. */
async function freshDatabase(): Promise<string> {
  const database = await createTestDatabase(inject('databaseUrl'), 'ingest_backfill');
  onTestFinished(() => database.drop());
  return database.url;
}

async function openFresh(url: string): Promise<Db> {
  const db = await openDb({ url, max: 2 });
  onTestFinished(() => db.close());
  return db;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs backfill-main.ts to its exit; fails if it is still running after RUN_TIMEOUT_MS. */
async function runBackfill(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--conditions=@repo/source', '--import', 'tsx', 'services/price-ingest/src/backfill-main.ts', ...args],
    { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`backfill still running after ${RUN_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`)), RUN_TIMEOUT_MS);
  });
  try {
    // 'close' comes after 'exit' once stdout and stderr are drained, so the output is complete.
    const [code] = (await Promise.race([once(child, 'close'), deadline])) as [number | null];
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

const isWeekday = (date: string): boolean => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day >= 1 && day <= 5;
};

describe('backfill-main.ts against the simulator', () => {
  it('a run of the backfill fills 30 consistent bars per ticker', { timeout: RUN_TIMEOUT_MS + 15_000 }, async () => {
    const databaseUrl = await freshDatabase();
    const run = await runBackfill(['--days', String(DAYS), '--tickers', TICKERS.join(',')], {
      DATABASE_URL: databaseUrl,
      KIWOOM_BASE_URL: sim.url,
      LOG_LEVEL: 'info',
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain(`backfill ${TICKERS.length}/${TICKERS.length} tickers, ${TICKERS.length * DAYS} rows, 0 failed`);

    const db = await openFresh(databaseUrl);
    for (const ticker of TICKERS) {
      const rows = await dailyPriceRange(db, ticker);
      expect(rows, ticker).toHaveLength(DAYS);
      expect(await latestDailyPrices(db, ticker, DAYS), ticker).toEqual(rows);
      for (const [i, row] of rows.entries()) {
        const label = `${ticker} ${row.date}`;
        expect(row.ticker, label).toBe(ticker);
        expect(row.source, label).toBe('kiwoom');
        expect(isWeekday(row.date), label).toBe(true);
        expect(row.low, label).toBeLessThanOrEqual(Math.min(row.open, row.close));
        expect(row.high, label).toBeGreaterThanOrEqual(Math.max(row.open, row.close));
        const older = rows[i + 1];
        if (older === undefined) continue;
        // Newest first, one bar per trading day.
        expect(row.date > older.date, label).toBe(true);
        expect(row.change, label).toBe(row.close - older.close);
      }
      for (const row of rows.slice(0, FLOW_DAYS)) {
        expect(row.foreignNetBuy, `${ticker} ${row.date}`).not.toBeNull();
        expect(row.institutionNetBuy, `${ticker} ${row.date}`).not.toBeNull();
      }
    }
  });

  it('rejects --days 0 with a usage message and exit code 2, before touching the database', async () => {
    const databaseUrl = await freshDatabase();
    const run = await runBackfill(['--days', '0', '--tickers', '005930'], {
      DATABASE_URL: databaseUrl,
      KIWOOM_BASE_URL: sim.url,
      LOG_LEVEL: 'info',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^usage: backfill .*--days N/m);
    expect(run.stderr).not.toContain('    at ');

    // Not even the migrations ran: the fresh database has no table.
    const db = await openFresh(databaseUrl);
    const { rows } = await db.query<{ tables: number }>(`select count(*)::int as tables from pg_tables where schemaname = 'public'`);
    expect(rows).toEqual([{ tables: 0 }]);
  });
});
