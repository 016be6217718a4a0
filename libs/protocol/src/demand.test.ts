import { describe, expect, it } from 'vitest';
import { decodeDemand, encodeDemand, type DemandMessage } from './demand.js';

describe('demand messages', () => {
  it('round-trips deltas and leases', () => {
    const delta: DemandMessage = { v: 1, kind: 'delta', owner: 'edge-1', add: ['005930'], remove: ['0015N0'], ts: '2026-11-25T01:00:00Z' };
    const lease: DemandMessage = {
      v: 1,
      kind: 'lease',
      owner: 'edge-1',
      tickers: ['005930', '000660'],
      ttl_ms: 30_000,
      ts: '2026-11-25T01:00:00Z',
    };
    expect(decodeDemand(encodeDemand(delta))).toEqual(delta);
    expect(decodeDemand(JSON.stringify(lease))).toEqual(lease);
  });

  it('names every problem of an invalid message', () => {
    expect(() => decodeDemand('{"v":2,"kind":"lease","owner":"","tickers":["12345"],"ttl_ms":0}')).toThrow(
      /v must be 1; owner must be a non-empty string; ts must be a string; tickers must be a list .*; ttl_ms must be a positive integer/,
    );
    expect(() => decodeDemand('{"v":1,"kind":"nope","owner":"x","ts":"t"}')).toThrow(/kind must be delta or lease/);
    expect(() => decodeDemand('[1]')).toThrow(/not an object/);
    expect(() => decodeDemand('nope')).toThrow(/not JSON/);
    expect(() => decodeDemand(JSON.stringify({ v: 1, kind: 'delta', owner: 'x', ts: 't', add: ['md.price.>'], remove: [] }))).toThrow(
      /add must be/,
    );
  });
});
