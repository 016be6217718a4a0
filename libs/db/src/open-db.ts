import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Db } from './db.js';
import { DbError, DbErrorCode } from './errors.js';
import { createPgDb } from './pg-db.js';
import { createPgliteDb } from './pglite-db.js';
import { arrayElementOid, scalarParsers } from './value-parsers.js';

/** Connections a `pg` pool opens at most, unless `max` says otherwise. */
export const DEFAULT_POOL_MAX = 10;

/** What `openDb` logs: a pino logger (or a child) fits. */
export interface DbLogger {
  warn(obj: object, msg?: string): void;
}

export interface OpenDbOptions {
  /** `postgres://…` or `postgresql://…` (a `pg` pool), `pglite:memory`, or `pglite:<data directory>`. */
  url: string;
  /**
   * Pool size for PostgreSQL URLs; ignored for PGlite, which is one session.
   * @default DEFAULT_POOL_MAX
   */
  max?: number;
  /** Receives errors of idle pooled connections (the pool drops them and reconnects on demand). Silent by default. */
  logger?: DbLogger;
}

/** Where a database URL points, without opening anything. */
export type DbTarget = { kind: 'postgres'; connectionString: string } | { kind: 'pglite'; dataDir: string | undefined };

/**
 * Classifies a database URL. The error never repeats the URL, which may hold a password.
 * @example parseDbUrl('pglite:memory') // { kind: 'pglite', dataDir: undefined }
 */
export function parseDbUrl(url: string): DbTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', connectionString: url };
  if (url.startsWith('pglite:')) {
    const rest = url.slice('pglite:'.length);
    if (rest === 'memory') return { kind: 'pglite', dataDir: undefined };
    if (rest !== '') return { kind: 'pglite', dataDir: rest };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new DbError(
    DbErrorCode.UnsupportedUrl,
    `unsupported database URL scheme ${scheme}: expected postgres://…, pglite:memory or pglite:<directory>`,
  );
}

// Session settings pinned for every pooled connection, so values are formatted the way the
// parsers expect whatever the server's postgresql.conf says (PGlite defaults to the same). An
// `options` parameter in the URL replaces these.
const PG_SESSION_OPTIONS = '-c DateStyle=ISO,MDY -c TimeZone=UTC';

/** pg's built-in parsers, typed: `@types/pg` declares them as returning `any`. */
const defaultParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (text: string) => unknown;

/** pg's parser for `text[]` splits any array literal into (nested) element strings and nulls. */
const TEXT_ARRAY_OID = 1009;
const textArrayParser = (text: string): unknown => defaultParser(TEXT_ARRAY_OID, 'text')(text);

function mapArray(value: unknown, parse: (text: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapArray(item, parse));
  return typeof value === 'string' ? parse(value) : value;
}

/** This pool's own type parsers (the global `pg.types` stays untouched for other pools in the process). */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser(oid, format) {
    if (format !== 'binary') {
      const scalar = scalarParsers[oid];
      if (scalar !== undefined) return scalar;
      const element = arrayElementOid[oid];
      const elementParser = element === undefined ? undefined : scalarParsers[element];
      if (elementParser !== undefined) return (text: string) => mapArray(textArrayParser(text), elementParser);
    }
    return defaultParser(oid, format);
  },
};

/**
 * Opens the database a URL names: a `pg.Pool` (connecting lazily, on the first query) or a
 * PGlite instance (ready when this resolves; about 3 s and 360 MB for 0.3.x). This is the only
 * place `@repo/db` makes a connection; the caller owns the result and calls `close()`.
 */
export async function openDb(options: OpenDbOptions): Promise<Db> {
  const target = parseDbUrl(options.url);
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: options.max ?? DEFAULT_POOL_MAX,
      options: PG_SESSION_OPTIONS,
      types: pgTypes,
    });
    // Without a listener, an idle client's error (server restart, network cut) would crash the process.
    const logger = options.logger;
    pool.on('error', (err) => logger?.warn({ err }, 'idle database connection failed; the pool will reconnect'));
    return createPgDb(pool);
  }
  // The one-argument form: `PGlite.create(undefined, options)` ignores `options`. PGlite parses
  // arrays with the element type's parser, so the scalar parsers cover numeric[] and friends.
  const pglite = await PGlite.create({
    ...(target.dataDir === undefined ? {} : { dataDir: target.dataDir }),
    parsers: { ...scalarParsers },
  });
  return createPgliteDb(pglite);
}
