import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '@repo/protocol';
import { createMemoryBus } from './memory-bus.js';
import { createMemoryLastValueStore } from './memory-last-values.js';
import { silentLogger } from './logger.js';
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

  it('keeps the live flow when the store fails: publishes anyway, continues its seq, warns once per 10 s', async () => {
    const bus = createMemoryBus();
    const store = createMemoryLastValueStore();
    let down = false;
    const lastValues = {
      ...store,
      get: (topic: string) => (down ? Promise.reject(new Error('store down')) : store.get(topic)),
      set: (topic: string, value: string) => (down ? Promise.reject(new Error('store down')) : store.set(topic, value)),
    };
    const seen: number[] = [];
    bus.subscribe('md.gate', (data) => seen.push(decodeEnvelope(data).seq));
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_obj: object, msg?: string) => warnings.push(msg ?? '') };
    const publisher = createTopicPublisher({ bus, lastValues, src: 'test', logger });
    await publisher.publish('market-gate', gate(1));
    down = true;
    await publisher.publish('market-gate', gate(2));
    // A reset while the store is down (a re-taken lease) keeps the known seq.
    publisher.reset();
    await publisher.publish('market-gate', gate(3));
    expect(seen).toEqual([1, 2, 3]);
    // Two failures (a write, then a read and a write), one warning: an outage fails every message.
    expect(warnings).toEqual(['last value store unavailable; publishing without it']);
    // A topic never numbered cannot start without the store: it could go back below a stored seq.
    await expect(publisher.publish('index:KOSPI', gate(1))).rejects.toThrow('store down');
    down = false;
    await publisher.publish('market-gate', gate(4));
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(decodeEnvelope((await store.get('market-gate')) ?? '').seq).toBe(4);
  });

  it('after reset, continues from the higher of its own seq and the stored one', async () => {
    const bus = createMemoryBus();
    const store = createMemoryLastValueStore();
    let lost = false;
    // A restarted Redis without persistence answers every read with nothing.
    const lastValues = { ...store, get: (topic: string) => (lost ? Promise.resolve(null) : store.get(topic)) };
    const a = createTopicPublisher({ bus, lastValues, src: 'a' });
    const b = createTopicPublisher({ bus, lastValues, src: 'b' });
    await a.publish('market-gate', gate(1));
    await a.publish('market-gate', gate(2));
    // Another producer ran meanwhile: a continues after it.
    await b.publish('market-gate', gate(3));
    a.reset();
    await a.publish('market-gate', gate(4));
    expect(decodeEnvelope((await store.get('market-gate')) ?? '').seq).toBe(4);
    // The store lost its value: a does not go back to 1.
    lost = true;
    a.reset();
    await a.publish('market-gate', gate(5));
    expect(decodeEnvelope((await store.get('market-gate')) ?? '').seq).toBe(5);
  });

  it('writes the last message of every topic again when the store is back (a restarted Redis lost them)', async () => {
    const bus = createMemoryBus();
    const store = createMemoryLastValueStore();
    let reconnected: (() => void) | undefined;
    const lastValues = {
      ...store,
      onReconnect: (listener: () => void) => {
        reconnected = listener;
        return () => undefined;
      },
    };
    const publisher = createTopicPublisher({ bus, lastValues, src: 'test' });
    await publisher.publish('market-gate', gate(1));
    await publisher.publish('market-gate', gate(2));
    await publisher.publish('signal:vcp', gate(7));
    // The store comes back empty.
    const fresh = createMemoryLastValueStore();
    Object.assign(lastValues, { get: fresh.get, set: fresh.set, getMany: fresh.getMany });
    reconnected?.();
    // Each topic's chain runs the rewrite in order; a publish after it waits its turn.
    await publisher.publish('market-gate', gate(3));
    expect(decodeEnvelope((await fresh.get('signal:vcp')) ?? '').seq).toBe(1);
    expect(decodeEnvelope((await fresh.get('market-gate')) ?? '').seq).toBe(3);
  });

  it('publishes nothing once mayPublish says no, even when it turns during the store write (fencing)', async () => {
    const bus = createMemoryBus();
    const store = createMemoryLastValueStore();
    let allowed = true;
    const lastValues = {
      ...store,
      // The lease is lost while the write is in flight (a process paused right there).
      set: async (topic: string, value: string) => {
        await store.set(topic, value);
        allowed = false;
      },
    };
    const seen: number[] = [];
    bus.subscribe('md.gate', (data) => seen.push(decodeEnvelope(data).seq));
    const publisher = createTopicPublisher({ bus, lastValues, src: 'test', mayPublish: () => allowed });
    expect(await publisher.publish('market-gate', gate(1))).toBe('fenced');
    expect(await publisher.publish('market-gate', gate(2))).toBe('fenced');
    expect(seen).toEqual([]);
    allowed = true;
    lastValues.set = (topic, value) => store.set(topic, value);
    expect(await publisher.publish('market-gate', gate(3))).toBe('published');
    // The fenced messages used no seq.
    expect(seen).toEqual([1]);
  });
});
