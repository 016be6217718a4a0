/** Stable codes of `@repo/db` errors. Errors from the server itself keep the driver's error and its SQLSTATE `code`. */
export const DbErrorCode = {
  /** `openDb` got a URL that is neither `postgres://…` nor `pglite:…`. */
  UnsupportedUrl: 'DB_UNSUPPORTED_URL',
  /** A query on a `Db` after `close()`. */
  Closed: 'DB_CLOSED',
  /** A query on a transaction handle after its transaction committed or rolled back. */
  TransactionFinished: 'DB_TRANSACTION_FINISHED',
  /** The transaction's callback resolved although a statement in it failed, so it cannot commit. */
  TransactionAborted: 'DB_TRANSACTION_ABORTED',
  /** `close()` on a transaction handle: the transaction's owner closes the database. */
  TransactionNotClosable: 'DB_TRANSACTION_NOT_CLOSABLE',
  /** The migrations folder holds a file that does not follow `NNNN_name.sql`, or two files share a number. */
  MigrationInvalid: 'DB_MIGRATION_INVALID',
  /** A migration that was already applied has different content now. */
  MigrationChanged: 'DB_MIGRATION_CHANGED',
} as const;
export type DbErrorCode = (typeof DbErrorCode)[keyof typeof DbErrorCode];

/** Base of every error `@repo/db` raises itself. */
export class DbError extends Error {
  override readonly name: string = 'DbError';
  readonly code: DbErrorCode;

  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An applied migration file was edited; `migrate` refuses to run anything until it is restored. */
export class MigrationChangedError extends DbError {
  override readonly name = 'MigrationChangedError';
  /** The file name, e.g. `0002_daily_prices.sql`. */
  readonly migration: string;
  /** SHA-256 (hex) recorded when the file was applied. */
  readonly appliedChecksum: string;
  /** SHA-256 (hex) of the file as it is now. */
  readonly currentChecksum: string;

  constructor(migration: string, appliedChecksum: string, currentChecksum: string) {
    super(
      DbErrorCode.MigrationChanged,
      `migration ${migration} changed after it was applied (checksum ${appliedChecksum.slice(0, 12)}… is now ${currentChecksum.slice(0, 12)}…); add a new migration instead`,
    );
    this.migration = migration;
    this.appliedChecksum = appliedChecksum;
    this.currentChecksum = currentChecksum;
  }
}
