/** Any value `JSON.parse` can return: what a `jsonb` column gives back. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The rows of one statement. */
export interface QueryResult<R> {
  rows: R[];
}

/**
 * The database port every repository takes: a `pg` pool or PGlite (see `openDb`), or a transaction
 * on either. Both drivers return the same JS values: `int`/`bigint`/`numeric` → number,
 * `date` → `'YYYY-MM-DD'`, `timestamptz` → ISO-8601 UTC (`2026-01-28T01:48:55.123Z`), `jsonb` → parsed JSON.
 */
export interface Db {
  /**
   * Runs one statement with `$1…$n` parameters. Without parameters (or with none in the array) the
   * SQL may hold several statements (simple protocol, as `pg` does), and the last one's rows come back.
   * Pass JSON as `JSON.stringify(value)`: `pg` would turn a JS array into a Postgres array.
   */
  query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Runs `fn` in a transaction: committed when `fn` resolves, rolled back (and the error rethrown)
   * when it rejects. Inside `fn`, use only `tx`; a nested `tx.transaction` is a savepoint (run
   * nested ones one at a time: they share the session).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Ends the pool or closes PGlite; safe to call twice. A transaction handle cannot be closed. */
  close(): Promise<void>;
}
