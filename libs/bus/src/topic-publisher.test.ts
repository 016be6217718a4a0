import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '@repo/protocol';
import { createMemoryBus } from './memory-bus.js';
import { createMemoryLastValueStore } from './memory-last-values.js';
import { createTopicPublisher } from './topic-publisher.js';

const gate = (level: number) => ({ type: 'market_gate_update', timestamp: '2026-11-25T01:00:00Z', data: { level } });

describe('TopicPublisher', () => {
  it('numbers per topic, writes the last value before publishing, and skips unchanged messages', async () => {
    const bus = createMemoryBus();
    const lastValues = createMemoryLastValueStore();
    const seen: number[] = [];
    bus.subscribe('md.gate', (data) => seen.push(decodeEnvelope(data).seq));
    const publisher = createTopicPublisher({ bus, lastValues, src: 'test' });
    expect(await publisher.publish('market-gate', gate(1), 'a')).toBe('published');
    expect(await publisher.publish('market-gate', gate(1), 'a')).toBe('unchanged');
    expect(await publisher.publish('market-gate', gate(2), 'b')).toBe('published');
    expect(seen).toEqual([1, 2]);
    const stored = decodeEnvelope((await lastValues.get('market-gate')) ?? '');
    expect(stored).toMatchObject({ seq: 2, src: 'test', data: { data: { level: 2 } } });
  });

  it('continues after the stored seq when a producer restarts', async () => {
    const bus = createMemoryBus();
    const lastValues = createMemoryLastValueStore();
    await createTopicPublisher({ bus, lastValues, src: 'first' }).publish('market-gate', gate(1));
    const second = createTopicPublisher({ bus, lastValues, src: 'second' });
    await second.publish('market-gate', gate(2));
    expect(decodeEnvelope((await lastValues.get('market-gate')) ?? '').seq).toBe(2);
  });

  it('keeps call order per topic even when calls overlap', async () => {
    const bus = createMemoryBus();
    const seen: number[] = [];
    bus.subscribe('md.gate', (data) => seen.push((decodeEnvelope(data).data as { data: { level: number } }).data.level));
    const publisher = createTopicPublisher({ bus, lastValues: createMemoryLastValueStore(), src: 'test' });
    await Promise.all([1, 2, 3, 4].map((level) => publisher.publish('market-gate', gate(level))));
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
