import { describe, expect, it } from 'vitest';
import { describeLastValueStoreContract } from '../test/last-values.contract.js';
import { createMemoryLastValueStore } from './memory-last-values.js';

describeLastValueStoreContract('MemoryLastValueStore', async () => ({
  store: createMemoryLastValueStore(),
  cleanup: async () => undefined,
}));

describe('MemoryLastValueStore', () => {
  it('counts its topics', async () => {
    const store = createMemoryLastValueStore();
    await store.set('a', '1');
    await store.set('b', '2');
    await store.set('a', '3');

    expect(store.size).toBe(2);
  });

  it('drops the oldest written topic when full', async () => {
    const store = createMemoryLastValueStore({ maxTopics: 2 });
    await store.set('a', '1');
    await store.set('b', '2');

    await store.set('c', '3');

    expect(store.size).toBe(2);
    expect(await store.getMany(['a', 'b', 'c'])).toEqual([null, '2', '3']);
  });

  it('counts a rewrite as the newest write, so a busy topic is not evicted', async () => {
    const store = createMemoryLastValueStore({ maxTopics: 2 });
    await store.set('a', '1');
    await store.set('b', '2');
    await store.set('a', '1b');

    await store.set('c', '3');

    expect(await store.getMany(['a', 'b', 'c'])).toEqual(['1b', null, '3']);
  });

  it('rejects a bound that is not a positive integer', () => {
    for (const maxTopics of [0, -1, 1.5, Number.NaN]) {
      expect(() => createMemoryLastValueStore({ maxTopics }), String(maxTopics)).toThrow(RangeError);
    }
  });
});
