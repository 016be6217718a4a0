import type { Db, JsonValue } from '../db.js';
import { assertTimestampWithOffset, jsonParam } from './sql.js';

/** A stored signal set: one row per published set. */
export interface SignalSet {
  id: number;
  /** `VCP`, `JONGGA_V2`, … (upper case). */
  signalType: string;
  /** The engine's as_of trading date, `YYYY-MM-DD`. */
  setDate: string;
  /** ISO-8601 UTC. */
  computedAt: string;
  /** The full set as published. */
  payload: JsonValue;
  count: number;
  checksum: string;
}

export interface SignalSetInput {
  signalType: string;
  setDate: string;
  /** ISO-8601 with an offset. */
  computedAt: string;
  /** Any JSON-serialisable value; stored as `jsonb`. */
  payload: unknown;
  count: number;
  checksum: string;
}

const COLUMNS = `id, signal_type as "signalType", set_date as "setDate", computed_at as "computedAt", payload, count, checksum`;

/** Stores a published set and returns it as stored (with its id). */
export async function insertSignalSet(db: Db, set: SignalSetInput): Promise<SignalSet> {
  assertTimestampWithOffset(set.computedAt, 'computedAt');
  const { rows } = await db.query<SignalSet>(
    `insert into signals (signal_type, set_date, computed_at, payload, count, checksum)
     values ($1, $2, $3, $4::jsonb, $5, $6)
     returning ${COLUMNS}`,
    [set.signalType, set.setDate, set.computedAt, jsonParam(set.payload, 'signal set payload'), set.count, set.checksum],
  );
  const stored = rows[0];
  if (stored === undefined) throw new Error('insert into signals returned no row');
  return stored;
}

/** The latest set of a type (newest set date, then newest computation), or undefined if none. */
export async function latestSignalSet(db: Db, signalType: string): Promise<SignalSet | undefined> {
  const { rows } = await db.query<SignalSet>(
    `select ${COLUMNS} from signals where signal_type = $1 order by set_date desc, computed_at desc, id desc limit 1`,
    [signalType],
  );
  return rows[0];
}
