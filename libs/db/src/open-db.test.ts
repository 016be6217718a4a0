import { describe, expect, it } from 'vitest';
import { DbError } from './errors.js';
import { openDb, parseDbUrl } from './open-db.js';

describe('parseDbUrl', () => {
  it('sends postgres:// and postgresql:// URLs to a pg pool', () => {
    expect(parseDbUrl('postgres://app@127.0.0.1:5432/app')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://app@127.0.0.1:5432/app',
    });
    expect(parseDbUrl('postgresql://app@db/app')).toMatchObject({ kind: 'postgres' });
  });

  it('sends pglite:memory to an in-memory PGlite and pglite:<dir> to a data directory', () => {
    expect(parseDbUrl('pglite:memory')).toEqual({ kind: 'pglite', dataDir: undefined });
    expect(parseDbUrl('pglite:/var/lib/app/pgdata')).toEqual({ kind: 'pglite', dataDir: '/var/lib/app/pgdata' });
  });

  it('rejects other URLs without echoing them, since they may hold a password', () => {
    for (const url of ['mysql://root:secret@db/app', 'pglite:', 'secret-without-scheme']) {
      const error = (() => {
        try {
          return parseDbUrl(url);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(DbError);
      expect(error).toMatchObject({ code: 'DB_UNSUPPORTED_URL' });
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('openDb', () => {
  it('opens a pg pool lazily, so closing one that never connected succeeds', async () => {
    // Port 1 on loopback: nothing listens, and nothing is dialled until a query runs.
    const db = await openDb({ url: 'postgres://nobody@127.0.0.1:1/none' });

    await db.close();

    await expect(db.query('select 1')).rejects.toMatchObject({ code: 'DB_CLOSED' });
  });
});
