import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Db } from '../src/db.js';
import { DbError, DbErrorCode, MigrationChangedError } from '../src/errors.js';
import { migrate } from '../src/migrate.js';
import {
  countDailyPrices,
  dailyPriceHistory,
  dailyPriceRange,
  latestDailyPrices,
  latestDailyPricesMany,
  upsertDailyPrices,
  type DailyPrice,
  type DailyPriceInput,
} from '../src/repositories/daily-prices.js';
import { listMarketHolidays, upsertMarketHolidays } from '../src/repositories/market-holidays.js';
import { latestMarketStatus, upsertMarketStatus, type MarketStatusInput } from '../src/repositories/market-status.js';
import { insertSignalSet, latestSignalSet, type SignalSetInput } from '../src/repositories/signals.js';
import { listStocks, upsertStocks, type StockInput } from '../src/repositories/stocks.js';

export interface DbUnderTest {
  db: Db;
  /** Closes the database (it may already be closed) and removes whatever `open` created. */
  cleanup(): Promise<void>;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const PACKAGE_MIGRATIONS = new URL('../src/migrations/', import.meta.url);

// Builders: each test states only the fields it is about.
const aStock = (over: Partial<StockInput> = {}): StockInput => ({
  ticker: '005930',
  name: '삼성전자',
  market: 'KOSPI',
  kind: 'stock',
  ...over,
});

const aBar = (over: Partial<DailyPriceInput> = {}): DailyPriceInput => ({
  ticker: '005930',
  date: '2026-01-28',
  open: 80_000,
  high: 81_500,
  low: 79_800,
  close: 81_000,
  volume: 12_345_678,
  source: 'kiwoom',
  ...over,
});

const aSignalSet = (over: Partial<SignalSetInput> = {}): SignalSetInput => ({
  signalType: 'JONGGA_V2',
  setDate: '2026-01-28',
  computedAt: '2026-01-28T15:35:00.000+09:00',
  payload: { signals: [], count: 0 },
  count: 0,
  checksum: 'c0',
  ...over,
});

const aMarketStatus = (over: Partial<MarketStatusInput> = {}): MarketStatusInput => ({
  date: '2026-01-28',
  computedAt: '2026-01-28T10:00:00.000+09:00',
  status: 'YELLOW',
  level: 50,
  kospi: 4981.88,
  kospiChangePct: 0.42,
  kosdaq: 1071.05,
  kosdaqChangePct: -0.37,
  sectors: [],
  payload: {},
  ...over,
});

/** The consecutive weekdays ending at `last`, oldest first. */
function tradingDays(count: number, last = '2026-01-30'): string[] {
  const days: string[] = [];
  for (const d = new Date(`${last}T00:00:00Z`); days.length < count; d.setUTCDate(d.getUTCDate() - 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.unshift(d.toISOString().slice(0, 10));
  }
  return days;
}

/**
 * The behaviour both drivers must share, from `openDb` through `migrate` to every repository.
 * `open` runs once per file (PGlite costs ~3 s and ~360 MB per instance); each test starts from
 * empty tables. The `close()` test runs last.
 */
export function describeDbContract(name: string, open: () => Promise<DbUnderTest>): void {
  describe(`${name} (Db contract)`, () => {
    let db: Db;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const opened = await open();
      db = opened.db;
      cleanup = opened.cleanup;
      await migrate(db);
    }, 30_000);

    afterAll(async () => {
      await cleanup?.();
    });

    beforeEach(async () => {
      await db.query('truncate stocks, daily_prices, signals, market_status, market_holidays restart identity');
    });

    /** A temporary migrations folder and a migrations table of its own, both removed after the test. */
    async function scratchMigrations(): Promise<{
      dir: string;
      table: string;
      prefix: string;
      write(file: string, sql: string): Promise<void>;
    }> {
      const dir = await mkdtemp(join(tmpdir(), 'db-migrations-'));
      const prefix = `t_${randomUUID().slice(0, 8)}`;
      const table = `${prefix}_migrations`;
      onTestFinished(async () => {
        await rm(dir, { recursive: true, force: true });
        await db.query(`drop table if exists ${table}, ${prefix}_a, ${prefix}_b`);
      });
      return { dir, table, prefix, write: (file, sql) => writeFile(join(dir, file), sql) };
    }

    async function tableExists(table: string): Promise<boolean> {
      const { rows } = await db.query<{ exists: boolean }>('select to_regclass($1) is not null as exists', [table]);
      return rows[0]?.exists === true;
    }

    describe('migrate', () => {
      it('records every package migration with its SHA-256 checksum', async () => {
        const files = (await readdir(PACKAGE_MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();

        const { rows } = await db.query<{ name: string; checksum: string }>(
          'select name, checksum from schema_migrations order by version',
        );

        expect(files.length).toBeGreaterThan(0);
        expect(rows.map((r) => r.name)).toEqual(files);
        for (const row of rows) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      });

      it('is a no-op when run again', async () => {
        const before = await db.query<{ n: number }>('select count(*) as n from schema_migrations');

        const result = await migrate(db);

        expect(result.applied).toEqual([]);
        expect(result.alreadyApplied).toHaveLength(before.rows[0]?.n ?? -1);
        expect((await db.query<{ n: number }>('select count(*) as n from schema_migrations')).rows).toEqual(before.rows);
      });

      it('applies new files in name order and only those', async () => {
        const m = await scratchMigrations();
        await m.write('0002_fill.sql', `insert into ${m.prefix}_a (v) values ('second');`);
        await m.write('0001_create.sql', `create table ${m.prefix}_a (v text);\ninsert into ${m.prefix}_a (v) values ('first');`);

        expect(await migrate(db, { directory: m.dir, table: m.table })).toEqual({
          applied: ['0001_create.sql', '0002_fill.sql'],
          alreadyApplied: [],
        });
        await m.write('0003_more.sql', `create table ${m.prefix}_b (v text);`);
        expect(await migrate(db, { directory: m.dir, table: m.table })).toEqual({
          applied: ['0003_more.sql'],
          alreadyApplied: ['0001_create.sql', '0002_fill.sql'],
        });

        expect((await db.query(`select v from ${m.prefix}_a order by v`)).rows).toEqual([{ v: 'first' }, { v: 'second' }]);
      });

      it('refuses to run anything when an applied file changed', async () => {
        const m = await scratchMigrations();
        await m.write('0001_create.sql', `create table ${m.prefix}_a (v text);`);
        await migrate(db, { directory: new URL(`file://${m.dir}/`), table: m.table });
        await m.write('0001_create.sql', `create table ${m.prefix}_a (v text, w text);`);
        await m.write('0002_next.sql', `create table ${m.prefix}_b (v text);`);

        const error = await migrate(db, { directory: m.dir, table: m.table }).catch((err: unknown) => err);

        expect(error).toBeInstanceOf(MigrationChangedError);
        expect(error).toMatchObject({ code: 'DB_MIGRATION_CHANGED', migration: '0001_create.sql' });
        expect(await tableExists(`${m.prefix}_b`)).toBe(false);
      });

      it('rolls back a failing file with its record and keeps the files before it', async () => {
        const m = await scratchMigrations();
        await m.write('0001_ok.sql', `create table ${m.prefix}_a (v text);`);
        await m.write('0002_broken.sql', `create table ${m.prefix}_b (v text);\nselect * from no_such_table;`);

        await expect(migrate(db, { directory: m.dir, table: m.table })).rejects.toMatchObject({ code: '42P01' });

        expect(await tableExists(`${m.prefix}_a`)).toBe(true);
        expect(await tableExists(`${m.prefix}_b`)).toBe(false);
        expect((await db.query(`select name from ${m.table}`)).rows).toEqual([{ name: '0001_ok.sql' }]);
      });

      it('applies each file once when two runs race', async () => {
        const m = await scratchMigrations();
        await m.write('0001_create.sql', `create table ${m.prefix}_a (v text);`);
        await m.write('0002_fill.sql', `insert into ${m.prefix}_a (v) values ('once');`);

        const results = await Promise.all([
          migrate(db, { directory: m.dir, table: m.table }),
          migrate(db, { directory: m.dir, table: m.table }),
        ]);

        expect(results.flatMap((r) => r.applied).sort()).toEqual(['0001_create.sql', '0002_fill.sql']);
        expect((await db.query(`select v from ${m.prefix}_a`)).rows).toEqual([{ v: 'once' }]);
      });

      it('rejects a file that does not follow NNNN_name.sql', async () => {
        const m = await scratchMigrations();
        await m.write('add_column.sql', 'select 1;');

        await expect(migrate(db, { directory: m.dir, table: m.table })).rejects.toMatchObject({ code: DbErrorCode.MigrationInvalid });
      });
    });

    describe('values', () => {
      it('returns numeric and bigint as numbers, date as YYYY-MM-DD and timestamptz as ISO-8601 UTC', async () => {
        const { rows } = await db.query(
          `select 1.5::numeric as n, 9007199254740991::bigint as b, 7::integer as i, '2026-01-28'::date as d,
                  '2026-01-28 10:48:55.123456+09'::timestamptz as ts, array[1.25, 2]::numeric[] as ns,
                  array['2026-01-28'::date] as ds, null::numeric as nothing`,
        );

        expect(rows).toEqual([
          {
            n: 1.5,
            b: 9007199254740991,
            i: 7,
            d: '2026-01-28',
            ts: '2026-01-28T01:48:55.123Z',
            ns: [1.25, 2],
            ds: ['2026-01-28'],
            nothing: null,
          },
        ]);
      });

      it('formats timestamptz the same whatever the session time zone', async () => {
        const rows = await db.transaction(async (tx) => {
          await tx.query("set local time zone 'Asia/Seoul'");
          return (await tx.query("select '2026-01-28T01:48:55.5Z'::timestamptz as ts, '2026-01-28'::date as d")).rows;
        });

        expect(rows).toEqual([{ ts: '2026-01-28T01:48:55.500Z', d: '2026-01-28' }]);
      });

      it('runs several statements in one parameterless query and returns the last one’s rows', async () => {
        expect((await db.query('select 1 as a; select 2 as b')).rows).toEqual([{ b: 2 }]);
      });

      it('rejects server errors with their SQLSTATE code', async () => {
        await expect(upsertStocks(db, [aStock({ market: 'NYSE' as 'KOSPI' })])).rejects.toMatchObject({ code: '23514' });
      });
    });

    describe('transaction', () => {
      it('commits when the callback resolves', async () => {
        const result = await db.transaction(async (tx) => {
          await upsertStocks(tx, [aStock()]);
          return 'done';
        });

        expect(result).toBe('done');
        expect(await listStocks(db)).toHaveLength(1);
      });

      it('rolls back and rethrows the same error when the callback rejects', async () => {
        const boom = new Error('boom');

        await expect(
          db.transaction(async (tx) => {
            await upsertStocks(tx, [aStock()]);
            throw boom;
          }),
        ).rejects.toBe(boom);

        expect(await listStocks(db)).toEqual([]);
      });

      it('rolls back only the nested transaction that failed', async () => {
        await db.transaction(async (tx) => {
          await upsertStocks(tx, [aStock({ ticker: '005930' })]);
          await tx
            .transaction(async (inner) => {
              await upsertStocks(inner, [aStock({ ticker: '000660', name: 'SK하이닉스' })]);
              throw new Error('inner');
            })
            .catch((err: unknown) => expect(err).toMatchObject({ message: 'inner' }));
          await upsertStocks(tx, [aStock({ ticker: '035420', name: 'NAVER' })]);
        });

        expect((await listStocks(db)).map((s) => s.ticker)).toEqual(['005930', '035420']);
      });

      it('refuses to commit when a statement failed even if the callback swallowed the error', async () => {
        const error = await db
          .transaction(async (tx) => {
            await upsertStocks(tx, [aStock()]);
            await tx.query('select 1 / 0').catch(() => 'ignored');
          })
          .catch((err: unknown) => err);

        expect(error).toBeInstanceOf(DbError);
        expect(error).toMatchObject({ code: 'DB_TRANSACTION_ABORTED', cause: { code: '22012' } });
        expect(await listStocks(db)).toEqual([]);
      });

      it('rejects a transaction handle used after its transaction ended', async () => {
        const leaked = await db.transaction(async (tx) => tx);

        await expect(leaked.query('select 1')).rejects.toMatchObject({ code: DbErrorCode.TransactionFinished });
        await expect(leaked.close()).rejects.toMatchObject({ code: DbErrorCode.TransactionNotClosable });
      });
    });

    describe('stocks', () => {
      it('round-trips stocks ordered by ticker, with defaults for omitted fields', async () => {
        await upsertStocks(db, [
          aStock({
            ticker: '069500',
            name: 'KODEX 200',
            kind: 'etf',
            sector: null,
            listedShares: 180_000_000,
            updatedAt: '2026-01-28T18:00:00+09:00',
          }),
          aStock({ ticker: '005930', sector: '전기전자', listedShares: 5_969_782_550, isManaged: false, isSuspended: true }),
        ]);

        const stocks = await listStocks(db);

        expect(stocks[0]).toMatchObject({ ticker: '005930', name: '삼성전자', market: 'KOSPI', kind: 'stock', sector: '전기전자' });
        expect(stocks[0]).toMatchObject({ listedShares: 5_969_782_550, isManaged: false, isSuspended: true });
        expect(stocks[0]?.updatedAt).toMatch(ISO_UTC);
        expect(stocks[1]).toEqual({
          ticker: '069500',
          name: 'KODEX 200',
          market: 'KOSPI',
          kind: 'etf',
          sector: null,
          listedShares: 180_000_000,
          isManaged: false,
          isSuspended: false,
          updatedAt: '2026-01-28T09:00:00.000Z',
        });
      });

      it('replaces every column of a ticker that exists, the last duplicate winning', async () => {
        await upsertStocks(db, [aStock({ sector: '전기전자', listedShares: 1 })]);

        await upsertStocks(db, [aStock({ name: 'old' }), aStock({ name: '삼성전자 (new)', market: 'KOSDAQ', kind: 'preferred' })]);

        expect(await listStocks(db)).toMatchObject([
          { ticker: '005930', name: '삼성전자 (new)', market: 'KOSDAQ', kind: 'preferred', sector: null, listedShares: null },
        ]);
      });

      it('rejects a ticker outside the wire rule (six [0-9A-Z] with a digit)', async () => {
        await expect(upsertStocks(db, [aStock({ ticker: 'A005930' })])).rejects.toMatchObject({ code: '23514' });
        await expect(upsertStocks(db, [aStock({ ticker: 'ABCDEF' })])).rejects.toMatchObject({ code: '23514' });
      });
    });

    describe('daily prices', () => {
      it('round-trips every column, numbers as numbers and dates as YYYY-MM-DD', async () => {
        const bar: DailyPrice = {
          ticker: '005930',
          date: '2026-01-28',
          open: 80_000,
          high: 81_500,
          low: 79_800,
          close: 81_000,
          volume: 12_345_678,
          tradingValue: 1_000_123_456_789,
          change: -1_500,
          changeRate: -1.82,
          foreignNetBuy: -250_000,
          institutionNetBuy: 120_000,
          individualNetBuy: 130_000,
          source: 'kiwoom',
          updatedAt: '2026-01-28T09:00:00.000Z',
        };

        await upsertDailyPrices(db, [{ ...bar, updatedAt: '2026-01-28T18:00:00+09:00' }]);

        expect(await latestDailyPrices(db, '005930', 1)).toEqual([bar]);
        expect(await countDailyPrices(db)).toBe(1);
      });

      it('stores null for optional fields never given and stamps updatedAt now', async () => {
        await upsertDailyPrices(db, [aBar()]);

        const [row] = await latestDailyPrices(db, '005930');

        expect(row).toMatchObject({ tradingValue: null, change: null, changeRate: null, foreignNetBuy: null, individualNetBuy: null });
        expect(Math.abs(Date.parse(row?.updatedAt ?? '') - Date.now())).toBeLessThan(60_000);
      });

      it('overwrites OHLCV on conflict and keeps stored optional fields the new row leaves out', async () => {
        await upsertDailyPrices(db, [aBar({ close: 81_000, tradingValue: 5e11, foreignNetBuy: 10 })]);

        await upsertDailyPrices(db, [aBar({ close: 82_000, volume: 1, source: 'sim', foreignNetBuy: null, institutionNetBuy: 20 })]);

        expect(await latestDailyPrices(db, '005930')).toMatchObject([
          { close: 82_000, volume: 1, source: 'sim', tradingValue: 5e11, foreignNetBuy: 10, institutionNetBuy: 20 },
        ]);
      });

      it('writes more than 500 rows in chunks, the last duplicate winning', async () => {
        const days = tradingDays(601);
        const rows = ['005930', '000660'].flatMap((ticker) => days.map((date, i) => aBar({ ticker, date, close: 50_000 + i })));

        await upsertDailyPrices(db, [...rows, aBar({ ticker: '000660', date: '2026-01-30', close: 1 })]);

        expect(await countDailyPrices(db)).toBe(1_202);
        expect(await latestDailyPrices(db, '000660', 1)).toMatchObject([{ date: '2026-01-30', close: 1 }]);
      });

      it('returns the newest n bars of a ticker, newest first', async () => {
        await upsertDailyPrices(
          db,
          tradingDays(5).map((date, i) => aBar({ date, close: 100 + i })),
        );
        await upsertDailyPrices(db, [aBar({ ticker: '000660', date: '2026-02-02' })]);

        expect((await latestDailyPrices(db, '005930')).map((r) => [r.date, r.close])).toEqual([
          ['2026-01-30', 104],
          ['2026-01-29', 103],
        ]);
        expect(await latestDailyPrices(db, '005930', 3)).toHaveLength(3);
        expect(await latestDailyPrices(db, '999999')).toEqual([]);
      });

      it('returns the newest two bars of many tickers in one query, an empty list for unknown ones', async () => {
        const days = tradingDays(3);
        await upsertDailyPrices(
          db,
          ['005930', '000660'].flatMap((ticker) => days.map((date) => aBar({ ticker, date }))),
        );

        const latest = await latestDailyPricesMany(db, ['000660', '005930', '123456', '005930']);

        expect([...latest.keys()]).toEqual(['000660', '005930', '123456']);
        expect(latest.get('000660')?.map((r) => r.date)).toEqual(['2026-01-30', '2026-01-29']);
        expect(latest.get('005930')?.map((r) => r.date)).toEqual(['2026-01-30', '2026-01-29']);
        expect(latest.get('123456')).toEqual([]);
        expect((await latestDailyPricesMany(db, [])).size).toBe(0);
      });

      it('returns a date range newest first, capped by limit', async () => {
        await upsertDailyPrices(
          db,
          tradingDays(10).map((date) => aBar({ date })),
        );

        const dates = async (options: Parameters<typeof dailyPriceRange>[2]): Promise<string[]> =>
          (await dailyPriceRange(db, '005930', options)).map((r) => r.date);

        expect(await dates({ from: '2026-01-22', to: '2026-01-27' })).toEqual(['2026-01-27', '2026-01-26', '2026-01-23', '2026-01-22']);
        expect(await dates({ from: '2026-01-22', limit: 2 })).toEqual(['2026-01-30', '2026-01-29']);
        expect(await dates({ to: '2026-01-20' })).toEqual(['2026-01-20', '2026-01-19']);
        expect(await dates(undefined)).toHaveLength(10);
      });

      it('returns the newest bars of each ticker oldest first for the signal engine', async () => {
        const days = tradingDays(6);
        await upsertDailyPrices(
          db,
          ['005930', '000660'].flatMap((ticker) => days.map((date, i) => aBar({ ticker, date, close: i }))),
        );

        const history = await dailyPriceHistory(db, ['005930', '000660', '123456'], 4);

        expect(history.get('005930')?.map((r) => [r.date, r.close])).toEqual([
          ['2026-01-27', 2],
          ['2026-01-28', 3],
          ['2026-01-29', 4],
          ['2026-01-30', 5],
        ]);
        expect(history.get('000660')).toHaveLength(4);
        expect(history.get('123456')).toEqual([]);
      });

      it('rejects a row count that is not a positive integer', async () => {
        await expect(latestDailyPrices(db, '005930', 0)).rejects.toBeInstanceOf(RangeError);
        await expect(dailyPriceRange(db, '005930', { limit: 1.5 })).rejects.toBeInstanceOf(RangeError);
        await expect(dailyPriceHistory(db, ['005930'], -1)).rejects.toBeInstanceOf(RangeError);
      });

      it('reads the latest bars of a ticker through the primary key backwards', async () => {
        const plan = await db.transaction(async (tx) => {
          await tx.query('set local enable_seqscan = off');
          return (
            await tx.query<Record<string, string>>("explain select * from daily_prices where ticker = '005930' order by date desc limit 2")
          ).rows;
        });

        expect(plan.map((row) => Object.values(row).join('')).join('\n')).toContain('Index Scan Backward using daily_prices_pkey');
      });
    });

    describe('signal sets', () => {
      it('stores a set and returns it with its id, the payload round-tripping Korean text', async () => {
        const payload = {
          signal_type: 'JONGGA_V2',
          signals: [
            {
              ticker: '005930',
              name: '삼성전자',
              score: { total: 8, news: 2, volume: 2, chart: 1, candle: 1, period: 1, flow: 0 },
              grade: 'A',
              entry_price: 80_000,
              change_rate: 3.25,
              reasons: ['긍정적 뉴스 다수', '거래대금 급증'],
              news_source: null,
              is_new_high: true,
            },
          ],
          count: 1,
          timestamp: '2026-01-28T15:35:00+09:00',
        };

        const stored = await insertSignalSet(db, aSignalSet({ payload, count: 1, checksum: 'abc' }));

        const expected = {
          id: 1,
          signalType: 'JONGGA_V2',
          setDate: '2026-01-28',
          computedAt: '2026-01-28T06:35:00.000Z',
          payload,
          count: 1,
          checksum: 'abc',
        };
        expect(stored).toEqual(expected);
        expect(await latestSignalSet(db, 'JONGGA_V2')).toEqual(expected);
      });

      it('round-trips a payload that is a JSON array', async () => {
        await insertSignalSet(db, aSignalSet({ payload: [{ ticker: '005930' }, 'VCP 수축 감지', 1.5, null] }));

        expect((await latestSignalSet(db, 'JONGGA_V2'))?.payload).toEqual([{ ticker: '005930' }, 'VCP 수축 감지', 1.5, null]);
      });

      it('returns the newest set date, then the newest computation, per type', async () => {
        await insertSignalSet(db, aSignalSet({ setDate: '2026-01-29', computedAt: '2026-01-29T15:00:00+09:00', checksum: 'day2-early' }));
        await insertSignalSet(db, aSignalSet({ setDate: '2026-01-29', computedAt: '2026-01-29T15:35:00+09:00', checksum: 'day2-final' }));
        await insertSignalSet(db, aSignalSet({ setDate: '2026-01-28', computedAt: '2026-01-30T01:00:00+09:00', checksum: 'backfill' }));
        await insertSignalSet(db, aSignalSet({ signalType: 'VCP', setDate: '2026-01-27', checksum: 'vcp' }));

        expect((await latestSignalSet(db, 'JONGGA_V2'))?.checksum).toBe('day2-final');
        expect((await latestSignalSet(db, 'VCP'))?.checksum).toBe('vcp');
        expect(await latestSignalSet(db, 'DAYTRADING')).toBeUndefined();
      });
    });

    describe('market status', () => {
      it('round-trips a gate with zeros kept as numbers', async () => {
        const sectors = [{ name: '반도체', ticker: '091160', change_pct: 0, signal: 'neutral' }];
        const payload = { status: 'RED', level: 0, kospi: 4981.88, kospi_change_pct: -3.52, sectors };

        await upsertMarketStatus(
          db,
          aMarketStatus({ status: 'RED', level: 0, kospiChangePct: 0, kosdaqChangePct: -3.37, sectors, payload }),
        );

        expect(await latestMarketStatus(db)).toEqual({
          date: '2026-01-28',
          computedAt: '2026-01-28T01:00:00.000Z',
          status: 'RED',
          level: 0,
          kospi: 4981.88,
          kospiChangePct: 0,
          kosdaq: 1071.05,
          kosdaqChangePct: -3.37,
          sectors,
          payload,
        });
      });

      it('replaces the row of the same date and returns the newest date', async () => {
        await upsertMarketStatus(db, aMarketStatus({ date: '2026-01-29', level: 40 }));
        await upsertMarketStatus(db, aMarketStatus({ date: '2026-01-28', level: 10 }));
        await upsertMarketStatus(
          db,
          aMarketStatus({ date: '2026-01-29', status: 'GREEN', level: 75, computedAt: '2026-01-29T14:00:00+09:00' }),
        );

        expect(await latestMarketStatus(db)).toMatchObject({
          date: '2026-01-29',
          status: 'GREEN',
          level: 75,
          computedAt: '2026-01-29T05:00:00.000Z',
        });
        expect((await db.query('select date from market_status order by date')).rows).toEqual([
          { date: '2026-01-28' },
          { date: '2026-01-29' },
        ]);
      });

      it('rejects a computedAt without an offset instead of storing it 9 hours off', async () => {
        await expect(upsertMarketStatus(db, aMarketStatus({ computedAt: '2026-01-28T10:00:00' }))).rejects.toBeInstanceOf(RangeError);
        await expect(insertSignalSet(db, aSignalSet({ computedAt: '2026-01-28T15:35:00' }))).rejects.toBeInstanceOf(RangeError);
        expect(await latestMarketStatus(db)).toBeUndefined();
      });

      it('returns undefined when no gate was stored', async () => {
        expect(await latestMarketStatus(db)).toBeUndefined();
      });
    });

    describe('market holidays', () => {
      it('upserts closure days and lists a range oldest first', async () => {
        await upsertMarketHolidays(db, [
          { date: '2026-12-31', name: '연말 휴장일', kind: 'krx' },
          { date: '2026-01-01', name: '신정' },
          { date: '2026-05-01', name: '근로자의 날', kind: 'krx' },
        ]);
        await upsertMarketHolidays(db, [{ date: '2026-01-01', name: '신정', kind: 'public' }]);

        expect(await listMarketHolidays(db, { to: '2026-06-30' })).toEqual([
          { date: '2026-01-01', name: '신정', kind: 'public' },
          { date: '2026-05-01', name: '근로자의 날', kind: 'krx' },
        ]);
        expect(await listMarketHolidays(db)).toHaveLength(3);
      });
    });

    // Last on purpose: it closes the shared database; cleanup() closes it again.
    describe('close', () => {
      it('is idempotent and makes later queries reject with DB_CLOSED', async () => {
        await db.close();
        await db.close();

        await expect(db.query('select 1')).rejects.toMatchObject({ code: DbErrorCode.Closed });
        await expect(db.transaction(async () => undefined)).rejects.toMatchObject({ code: DbErrorCode.Closed });
      });
    });
  });
}
