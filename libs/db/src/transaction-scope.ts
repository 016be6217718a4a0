import type { Db, QueryResult } from './db.js';
import { DbError, DbErrorCode } from './errors.js';

/** Runs one statement on the session that holds the transaction (a pooled `pg` client or PGlite's transaction). */
export type RunStatement = (sql: string, params: readonly unknown[] | undefined) => Promise<QueryResult<unknown>>;

/** A transaction handle plus what its owner needs to end it. */
export interface TransactionScope {
  readonly db: Db;
  /**
   * Throws `DB_TRANSACTION_ABORTED` if a statement through this handle failed and no savepoint
   * undid it. PostgreSQL answers COMMIT of an aborted transaction with a silent ROLLBACK, so
   * without this check a callback that swallowed an error would look committed.
   */
  assertCommittable(): void;
  /** Later statements through the handle (a leaked `tx`) reject instead of running on a reused session. */
  finish(): void;
}

/**
 * Wraps one transaction's session as a `Db`; both drivers use it, so savepoints and the
 * checks above behave the same on `pg` and PGlite. `savepoints` numbers the savepoints of one
 * top-level transaction.
 */
export function openTransactionScope(run: RunStatement, savepoints = { last: 0 }): TransactionScope {
  let finished = false;
  let failure: { error: unknown } | undefined;

  const db: Db = {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      if (finished) throw new DbError(DbErrorCode.TransactionFinished, 'query on a transaction that has already ended');
      try {
        // Row types are the caller's claim, as with any SQL driver.
        return (await run(sql, params)) as QueryResult<R>;
      } catch (err) {
        failure ??= { error: err };
        throw err;
      }
    },

    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const savepoint = `repo_db_sp_${++savepoints.last}`;
      await db.query(`SAVEPOINT ${savepoint}`);
      const inner = openTransactionScope(run, savepoints);
      let result: T;
      try {
        result = await fn(inner.db);
        inner.assertCommittable();
      } catch (err) {
        inner.finish();
        // A failed ROLLBACK TO is recorded in `failure` by db.query, so the enclosing transaction
        // refuses to commit; the caller still gets the error that started the rollback.
        await db.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
        throw err;
      }
      inner.finish();
      await db.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    },

    async close(): Promise<void> {
      throw new DbError(DbErrorCode.TransactionNotClosable, 'a transaction handle cannot close the database; its owner does');
    },
  };

  return {
    db,
    assertCommittable() {
      if (failure !== undefined) {
        throw new DbError(DbErrorCode.TransactionAborted, 'a statement in this transaction failed, so it was rolled back', {
          cause: failure.error,
        });
      }
    },
    finish() {
      finished = true;
    },
  };
}
