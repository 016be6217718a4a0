import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientTopics,
  clientAddress,
  createClientState,
  parseSubscribeQuery,
  recordBadFrame,
  takeInitialTopics,
  takeMessageToken,
} from './client-state.js';

describe('ClientTopics', () => {
  type Op = { op: 'set'; topic: string; generation: number } | { op: 'delete'; topic: string } | { op: 'clear' };
  const topic = fc.constantFrom('a', 'b', 'c', 'd');
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), topic, generation: fc.nat(100) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), topic }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
  );

  it('answers like a Map after any sequence of set, delete and clear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const topics = new ClientTopics();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.op === 'set') {
            topics.set(o.topic, o.generation);
            model.set(o.topic, o.generation);
          } else if (o.op === 'delete') {
            expect(topics.delete(o.topic)).toBe(model.delete(o.topic));
          } else {
            topics.clear();
            model.clear();
          }
          expect(topics.size).toBe(model.size);
          expect([...topics.keys()].sort()).toEqual([...model.keys()].sort());
          for (const t of ['a', 'b', 'c', 'd']) {
            expect(topics.get(t)).toBe(model.get(t));
            expect(topics.has(t)).toBe(model.has(t));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('takeInitialTopics', () => {
  it('hands the query topics over once and keeps none', () => {
    const state = createClientState(0, ['price:005930', 'market-gate']);
    expect(takeInitialTopics(state)).toEqual(['price:005930', 'market-gate']);
    expect(takeInitialTopics(state)).toEqual([]);
  });
});

describe('parseSubscribeQuery', () => {
  it('splits on commas, trims, skips empties and keeps the first of duplicates in order', () => {
    expect(parseSubscribeQuery('subscribe=price:005930,%20market-gate,,price:005930&x=1')).toEqual(['price:005930', 'market-gate']);
    expect(parseSubscribeQuery('')).toEqual([]);
    expect(parseSubscribeQuery('subscribe=a&subscribe=b')).toEqual(['a', 'b']);
  });
});

describe('recordBadFrame', () => {
  it('trips after more than the limit within the window and starts over after it', () => {
    const state = createClientState(0, []);
    expect([1, 2, 3].map((t) => recordBadFrame(state, t, 3, 100))).toEqual([false, false, false]);
    expect(recordBadFrame(state, 50, 3, 100)).toBe(true);
    expect(recordBadFrame(state, 150, 3, 100)).toBe(false);
  });
});

describe('takeMessageToken', () => {
  it('allows the burst at once, then refills at the rate, never above the burst', () => {
    const state = createClientState(0, [], { burst: 3 });
    expect([0, 0, 0, 0].map(() => takeMessageToken(state, 0, 10, 3))).toEqual([true, true, true, false]);
    // 10 per second: one token per 100 ms.
    expect(takeMessageToken(state, 50, 10, 3)).toBe(false);
    expect(takeMessageToken(state, 100, 10, 3)).toBe(true);
    expect(takeMessageToken(state, 100, 10, 3)).toBe(false);
    // A long pause refills to the burst, not beyond.
    expect([0, 0, 0, 0].map(() => takeMessageToken(state, 60_000, 10, 3))).toEqual([true, true, true, false]);
  });

  it('lets a client within the rate send forever', () => {
    const state = createClientState(0, [], { burst: 1 });
    for (let t = 0; t < 100_000; t += 100) expect(takeMessageToken(state, t, 10, 1)).toBe(true);
  });
});

describe('clientAddress', () => {
  it('is the last entry of the proxy header, or the peer without one', () => {
    expect(clientAddress('10.0.0.5', '')).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7')).toBe('203.0.113.7');
  });
});
