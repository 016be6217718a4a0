import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.js';
import { DbError, DbErrorCode } from './errors.js';
import { openTransactionScope } from './transaction-scope.js';

/**
 * PGlite's `query` uses the extended protocol (one statement); `exec` is the simple protocol, which
 * `pg` uses for parameterless queries. Choosing the same way keeps multi-statement SQL (migrations)
 * working on both drivers.
 */
async function run(target: PGlite | Transaction, sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<unknown>> {
  if (params === undefined || params.length === 0) {
    const results = await target.exec(sql);
    return { rows: results[results.length - 1]?.rows ?? [] };
  }
  const result = await target.query<unknown>(sql, [...params]);
  return { rows: result.rows };
}

/**
 * A `Db` over one PGlite instance that `openDb` created with our type parsers. PGlite is a single
 * session: its own mutex makes top-level statements wait while a transaction is open.
 */
export function createPgliteDb(pglite: PGlite): Db {
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing !== undefined) throw new DbError(DbErrorCode.Closed, 'query on a closed database');
  }

  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      assertOpen();
      return (await run(pglite, sql, params)) as QueryResult<R>;
    },

    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      assertOpen();
      // PGlite runs BEGIN, then COMMIT when the callback resolves or ROLLBACK when it rejects.
      return pglite.transaction(async (tx) => {
        const scope = openTransactionScope((sql, params) => run(tx, sql, params));
        try {
          const result = await fn(scope.db);
          scope.assertCommittable();
          return result;
        } finally {
          scope.finish();
        }
      });
    },

    close(): Promise<void> {
      closing ??= pglite.close();
      return closing;
    },
  };
}
