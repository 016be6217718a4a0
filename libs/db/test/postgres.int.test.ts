import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import type { Db } from '../src/db.js';
import { openDb } from '../src/open-db.js';
import { describeDbContract } from './db.contract.js';

/**
 * A fresh database in the run's throw-away cluster; `drop()` closes the admin pool too.
 * `force` ends any session still connected, so a failed test cannot keep the database alive.
 */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await openDb({ url: inject('databaseUrl'), max: 1 });
  const name = `db_${randomUUID().replaceAll('-', '')}`;
  try {
    await admin.query(`create database ${name}`);
  } catch (err) {
    await admin.close();
    throw err;
  }
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.close();
      }
    },
  };
}

describeDbContract('PostgreSQL (pg pool)', async () => {
  const database = await createDatabase();
  const db = await openDb({ url: database.url, max: 4 });
  return {
    db,
    async cleanup() {
      try {
        await db.close();
      } finally {
        await database.drop();
      }
    },
  };
});

describe('openDb (PostgreSQL)', () => {
  async function openFresh(): Promise<Db> {
    const database = await createDatabase();
    onTestFinished(() => database.drop());
    const db = await openDb({ url: database.url, max: 2 });
    onTestFinished(() => db.close());
    return db;
  }

  it('pins DateStyle and TimeZone for every pooled connection', async () => {
    const db = await openFresh();

    const { rows } = await db.query('select current_setting($1) as date_style, current_setting($2) as time_zone', [
      'DateStyle',
      'TimeZone',
    ]);

    expect(rows).toEqual([{ date_style: 'ISO, MDY', time_zone: 'UTC' }]);
  });

  it('leaves the global pg type parsers alone', async () => {
    const db = await openFresh();
    await db.query('select 1.5::numeric');

    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    onTestFinished(() => client.end());
    const { rows } = await client.query<{ n: unknown; d: unknown }>("select 1.5::numeric as n, '2026-01-28'::date as d");

    expect(rows[0]?.n).toBe('1.5');
    expect(rows[0]?.d).toBeInstanceOf(Date);
  });

  it('keeps top-level queries off a transaction’s connection', async () => {
    const db = await openFresh();
    await db.query('create table t (v int)');

    await db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      // Another pooled connection does not see the uncommitted row.
      expect((await db.query('select count(*) as n from t')).rows).toEqual([{ n: 0 }]);
    });

    expect((await db.query('select count(*) as n from t')).rows).toEqual([{ n: 1 }]);
  });
});
