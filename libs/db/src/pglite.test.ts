// The Db contract on PGlite, in the unit project: no server process, but ~3 s and ~360 MB per
// instance, so the contract opens one instance for the whole file.
import { describeDbContract } from '../test/db.contract.js';
import { openDb } from './open-db.js';

describeDbContract('PGlite (pglite:memory)', async () => {
  const db = await openDb({ url: 'pglite:memory' });
  return { db, cleanup: () => db.close() };
});
