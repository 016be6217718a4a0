import { describe, expect, it, onTestFinished } from 'vitest';
import type { LastValueStore } from '../src/last-values.js';

export interface LastValueStoreUnderTest {
  store: LastValueStore;
  cleanup(): Promise<void>;
}

/** The behaviour every `LastValueStore` must have. Each test gets a fresh, isolated store. */
export function describeLastValueStoreContract(name: string, makeStore: () => Promise<LastValueStoreUnderTest>): void {
  describe(`${name} (LastValueStore contract)`, () => {
    async function setup(): Promise<LastValueStore> {
      const made = await makeStore();
      onTestFinished(() => made.cleanup());
      return made.store;
    }

    it('returns null for a topic never set', async () => {
      const store = await setup();
      expect(await store.get('price:005930')).toBeNull();
    });

    it('returns the stored JSON unchanged', async () => {
      const store = await setup();
      const json = JSON.stringify({ type: 'price_update', topic: 'price:005930', seq: 7, data: { name: '삼성전자', price: 71_500 } });

      await store.set('price:005930', json);

      expect(await store.get('price:005930')).toBe(json);
    });

    it('keeps only the last value of a topic', async () => {
      const store = await setup();

      await store.set('market-gate', '{"seq":1}');
      await store.set('market-gate', '{"seq":2}');

      expect(await store.get('market-gate')).toBe('{"seq":2}');
    });

    it('keeps topics apart', async () => {
      const store = await setup();

      await store.set('price:005930', '{"t":"a"}');
      await store.set('price:000660', '{"t":"b"}');

      expect(await store.get('price:005930')).toBe('{"t":"a"}');
      expect(await store.get('price:000660')).toBe('{"t":"b"}');
    });

    it('gets many topics in the order asked, with null where absent', async () => {
      const store = await setup();
      await store.set('signal:vcp', '{"v":1}');
      await store.set('market:kospi', '{"v":2}');

      expect(await store.getMany(['market:kospi', 'price:005930', 'signal:vcp', 'market:kospi'])).toEqual([
        '{"v":2}',
        null,
        '{"v":1}',
        '{"v":2}',
      ]);
    });

    it('gets an empty list for no topics', async () => {
      const store = await setup();
      expect(await store.getMany([])).toEqual([]);
    });
  });
}
