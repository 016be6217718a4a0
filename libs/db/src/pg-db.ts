import type pg from 'pg';
import type { Db, QueryResult } from './db.js';
import { DbError, DbErrorCode } from './errors.js';
import { openTransactionScope } from './transaction-scope.js';

/** `pg` answers a multi-statement simple query with one result per statement; callers get the last. */
function lastResult(result: unknown): QueryResult<unknown> {
  const last: unknown = Array.isArray(result) ? result[result.length - 1] : result;
  const rows = (last as { rows?: unknown[] } | undefined)?.rows;
  return { rows: rows ?? [] };
}

async function run(target: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<unknown>> {
  return lastResult(await target.query(sql, params === undefined ? undefined : [...params]));
}

/**
 * A `Db` over a `pg.Pool` that `openDb` created with our type parsers. Each top-level statement
 * may use a different pooled connection; a transaction holds one client until it ends.
 */
export function createPgDb(pool: pg.Pool): Db {
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing !== undefined) throw new DbError(DbErrorCode.Closed, 'query on a closed database');
  }

  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      assertOpen();
      return (await run(pool, sql, params)) as QueryResult<R>;
    },

    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      assertOpen();
      const client = await pool.connect();
      // Set when the connection's state is unknown, so the pool destroys it instead of reusing it.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
      } catch (err) {
        client.release(err instanceof Error ? err : true);
        throw err;
      }
      const scope = openTransactionScope((sql, params) => run(client, sql, params));
      try {
        const result = await fn(scope.db);
        scope.assertCommittable();
        scope.finish();
        await client.query('COMMIT');
        return result;
      } catch (err) {
        scope.finish();
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },

    close(): Promise<void> {
      closing ??= pool.end();
      return closing;
    },
  };
}
