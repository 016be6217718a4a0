import { parseBusObject } from './codec.js';
import { ProtocolDecodeError, ProtocolErrorCode } from './errors.js';
import { isValidTicker } from './tickers.js';

/**
 * Demand on `ctl.demand`: which tickers an owner (an edge, or the signal engine) needs quotes for.
 * A `delta` goes out at once when a ticker gains its first or loses its last local subscriber; a
 * `lease` carries the owner's full set periodically and expires after `ttl_ms` unless renewed, so
 * the ingest leader forgets an owner that disappeared without saying goodbye.
 */
export type DemandMessage =
  | {
      readonly v: 1;
      readonly kind: 'delta';
      readonly owner: string;
      readonly add: readonly string[];
      readonly remove: readonly string[];
      readonly ts: string;
    }
  | {
      readonly v: 1;
      readonly kind: 'lease';
      readonly owner: string;
      readonly tickers: readonly string[];
      readonly ttl_ms: number;
      readonly ts: string;
    };

/** More tickers than KRX lists (about 2,800) would be a bug or an attack. */
export const MAX_DEMAND_TICKERS = 10_000;

const textEncoder = new TextEncoder();

export function encodeDemand(message: DemandMessage): Uint8Array {
  return textEncoder.encode(JSON.stringify(message));
}

/** Decodes and validates a demand message; throws ProtocolDecodeError naming every problem. */
export function decodeDemand(payload: Uint8Array | string): DemandMessage {
  const msg = parseBusObject(payload, 'demand');
  const problems: string[] = [];
  if (msg['v'] !== 1) problems.push('v must be 1');
  if (typeof msg['owner'] !== 'string' || msg['owner'] === '' || msg['owner'].length > 200)
    problems.push('owner must be a non-empty string');
  if (typeof msg['ts'] !== 'string') problems.push('ts must be a string');
  const tickerList = (key: string): void => {
    const list = msg[key];
    if (!Array.isArray(list) || list.length > MAX_DEMAND_TICKERS || !list.every(isValidTicker)) {
      problems.push(`${key} must be a list of at most ${MAX_DEMAND_TICKERS} valid tickers`);
    }
  };
  if (msg['kind'] === 'delta') {
    tickerList('add');
    tickerList('remove');
  } else if (msg['kind'] === 'lease') {
    tickerList('tickers');
    const ttl = msg['ttl_ms'];
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0) problems.push('ttl_ms must be a positive integer');
  } else {
    problems.push('kind must be delta or lease');
  }
  if (problems.length > 0) throw new ProtocolDecodeError(ProtocolErrorCode.BadEnvelope, `invalid demand: ${problems.join('; ')}`);
  return msg as unknown as DemandMessage;
}
