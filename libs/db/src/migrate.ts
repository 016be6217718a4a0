import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { DbError, DbErrorCode, MigrationChangedError } from './errors.js';

/** The table that records applied migrations unless `table` says otherwise. */
export const DEFAULT_MIGRATIONS_TABLE = 'schema_migrations';

export interface MigrateOptions {
  /**
   * Folder of `NNNN_name.sql` files, applied in file-name order.
   * @default this package's `src/migrations/`
   */
  directory?: URL | string;
  /**
   * Table (in the search path) recording applied migrations; another table keeps another set apart.
   * @default DEFAULT_MIGRATIONS_TABLE
   */
  table?: string;
}

export interface MigrateResult {
  /** File names this call applied, in order. */
  applied: string[];
  /** File names that were applied before, with unchanged checksums. */
  alreadyApplied: string[];
}

interface MigrationFile {
  /** The 4-digit prefix, the key in the migrations table. */
  version: string;
  /** The file name, e.g. `0002_daily_prices.sql`. */
  name: string;
  sql: string;
  /** SHA-256 (hex) of the file with CRLF line ends normalised, so a Windows checkout is not "changed". */
  checksum: string;
}

interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The SQL files are read at run time from beside this module. `tsc` does not copy `.sql` files to
 * `dist/`, so the folder lives only under `src/`: from `src/migrate.ts` (the `@repo/source`
 * condition, tsx, vitest) it is `./migrations/`; from `dist/migrate.js` it is `../src/migrations/`.
 */
function defaultDirectory(): string {
  const beside = fileURLToPath(new URL('./migrations/', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../src/migrations/', import.meta.url));
}

async function loadMigrations(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const version = MIGRATION_FILE.exec(name)?.[1];
    if (version === undefined) {
      throw new DbError(DbErrorCode.MigrationInvalid, `migration file ${name} does not match NNNN_lower_case_name.sql`);
    }
    const clash = seen.get(version);
    if (clash !== undefined) throw new DbError(DbErrorCode.MigrationInvalid, `migrations ${clash} and ${name} share number ${version}`);
    seen.set(version, name);
    const sql = (await readFile(join(directory, name), 'utf8')).replace(/\r\n/g, '\n');
    files.push({ version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Brings the schema up to date: applies each migration file not yet recorded, in order, each in
 * its own transaction together with its record, and returns what it did. Running it again is a
 * no-op. If an applied file's checksum changed, it applies nothing and throws
 * `MigrationChangedError`. Concurrent callers (several services starting at once) are serialised
 * by a transaction-scoped advisory lock, so each file runs once. A migration file must not contain
 * its own BEGIN/COMMIT or statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const table = options.table ?? DEFAULT_MIGRATIONS_TABLE;
  if (!SQL_IDENTIFIER.test(table))
    throw new DbError(DbErrorCode.MigrationInvalid, `invalid migrations table name ${JSON.stringify(table)}`);
  const directory =
    options.directory === undefined
      ? defaultDirectory()
      : typeof options.directory === 'string'
        ? options.directory
        : fileURLToPath(options.directory);
  const files = await loadMigrations(directory);

  // The lock key is per table, so independent migration sets do not wait for each other.
  const lock = (tx: Db): Promise<unknown> => tx.query('select pg_advisory_xact_lock(hashtext($1))', [`@repo/db migrate ${table}`]);

  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.query(
      `create table if not exists ${table} (
         version    text primary key,
         name       text not null,
         checksum   text not null,
         applied_at timestamptz not null default now()
       )`,
    );
  });

  const readApplied = async (q: Db): Promise<Map<string, AppliedRow>> => {
    const { rows } = await q.query<AppliedRow>(`select version, name, checksum from ${table} order by version`);
    return new Map(rows.map((row) => [row.version, row]));
  };
  const assertUnchanged = (file: MigrationFile, row: AppliedRow): void => {
    if (row.checksum !== file.checksum) throw new MigrationChangedError(file.name, row.checksum, file.checksum);
  };

  // Check every applied file before running anything, so a changed history stops the whole run.
  const appliedBefore = await readApplied(db);
  for (const file of files) {
    const row = appliedBefore.get(file.version);
    if (row !== undefined) assertUnchanged(file, row);
  }

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const file of files) {
    if (appliedBefore.has(file.version)) {
      result.alreadyApplied.push(file.name);
      continue;
    }
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while we waited for the lock.
      const row = (await readApplied(tx)).get(file.version);
      if (row !== undefined) {
        assertUnchanged(file, row);
        return false;
      }
      await tx.query(file.sql);
      await tx.query(`insert into ${table} (version, name, checksum) values ($1, $2, $3)`, [file.version, file.name, file.checksum]);
      return true;
    });
    (ran ? result.applied : result.alreadyApplied).push(file.name);
  }
  return result;
}
