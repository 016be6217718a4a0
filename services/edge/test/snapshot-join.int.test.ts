import { Redis } from 'ioredis';
import { connect } from 'nats';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNatsBus, createRedisLastValueStore, createTopicPublisher, type Bus, type LastValueStore } from '@repo/bus';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type TestClient } from '../../../test/fixtures/ws-client.js';
import { aPriceUpdate, startTestEdge, type TestEdge } from './harness.js';

// The snapshot a subscriber gets and the live stream after it are joined by `seq`: whatever the
// timing of a subscribe against a producer publishing every millisecond, a subscriber sees one
// run of consecutive seqs, from its first frame to the last published, with no gap and no
// duplicate. Against real nats-server and redis-server, where the bus subscription, the store read
// and the producer's store-then-publish race each other. Twice: an edge that fans out in one pass,
// and one that goes slice by slice for every topic (EDGE_FANOUT_SLICE_ABOVE=0), where a subscriber
// can join a slice that the latest message has not reached yet.

const closers: (() => Promise<unknown>)[] = [];
const edges = new Map<string, TestEdge>();
let publisher: ReturnType<typeof createTopicPublisher>;
let prefix: string;

beforeAll(async () => {
  prefix = `join${randomUUID()}:`;
  const ports = async (): Promise<{ bus: Bus; lastValues: LastValueStore }> => {
    const nc = await connect({ servers: inject('natsUrl') });
    const redis = new Redis(inject('redisUrl'));
    closers.push(
      () => nc.close(),
      () => redis.quit(),
    );
    return { bus: createNatsBus(nc), lastValues: createRedisLastValueStore(redis, { keyPrefix: prefix }) };
  };
  for (const [name, fanoutSliceAbove] of [
    ['one pass', 1_000_000],
    ['slice by slice', 0],
  ] as const) {
    const edge = await startTestEdge({ ...(await ports()), config: { fanoutSliceAbove } });
    closers.push(() => edge.stop());
    edges.set(name, edge);
  }
  const producerPorts = await ports();
  publisher = createTopicPublisher({ bus: producerPorts.bus, lastValues: producerPorts.lastValues, src: 'join-test' });
});
afterAll(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

/** A producer on its own connections that publishes one tick of `topic` every millisecond until stopped. */
function producer(topic: string): { stop(): Promise<number>; readonly published: number } {
  let published = 0;
  let running = true;
  const ticker = topic.slice('price:'.length);
  const loop = (async () => {
    while (running) {
      await publisher.publish(topic, aPriceUpdate(ticker, 70_000 + published));
      published += 1;
      // The producer's cadence (one tick per millisecond), not a wait for a condition.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  return {
    get published() {
      return published;
    },
    async stop() {
      running = false;
      await loop;
      return published;
    },
  };
}

const seqsOf = (c: TestClient, topic: string): number[] =>
  c.frames.filter((f) => f.type === 'price_update' && f.topic === topic).map((f) => f.seq as number);

describe('snapshot joined to the stream by seq', () => {
  let run = 0;
  const firstTicker = 900_000 + Math.floor(Math.random() * 90_000);
  it.each(['one pass', 'slice by slice'])(
    'leaves no gap and no duplicate for any subscriber, under a publish every millisecond (%s)',
    async (name) => {
      const edge = edges.get(name) as TestEdge;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            // Ticks published before anyone subscribes (0: the store is empty at the first subscribe).
            before: fc.integer({ min: 0, max: 30 }),
            // Subscribers joining, each after a wait in ms relative to the previous one.
            joins: fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 15 }), viaQuery: fc.boolean() }), {
              minLength: 1,
              maxLength: 5,
            }),
            // One subscriber unsubscribes and subscribes again mid-stream.
            resubscribe: fc.boolean(),
          }),
          async ({ before, joins, resubscribe }) => {
            run += 1;
            // A topic of its own per run (and per test process: the store outlives it).
            const ticker = String(firstTicker + run);
            const topic = `price:${ticker}`;
            const source = producer(topic);
            await waitFor(`${before} ticks before the first subscribe`, () => source.published >= before, { intervalMs: 1 });
            const clients: TestClient[] = [];
            let last: number;
            try {
              for (const join of joins) {
                if (join.afterMs > 0) {
                  const until = source.published + join.afterMs;
                  await waitFor('the producer to move on', () => source.published >= until, { intervalMs: 1 });
                }
                const c = await connectClient(join.viaQuery ? `${edge.wsUrl}?subscribe=${topic}` : edge.wsUrl);
                clients.push(c);
                if (!join.viaQuery) c.send({ type: 'subscribe', topic });
              }
              const again = clients[0] as TestClient;
              if (resubscribe) {
                await again.next((f) => f.type === 'price_update' && f.topic === topic);
                again.send({ type: 'unsubscribe', topic });
                await again.next((f) => f.type === 'unsubscribed');
                again.frames.length = 0;
                again.send({ type: 'subscribe', topic });
              }
              const until = source.published + 20;
              await waitFor('20 more ticks', () => source.published >= until, { intervalMs: 1 });
            } finally {
              last = await source.stop();
            }
            try {
              for (const c of clients) {
                await c.next((f) => f.type === 'price_update' && f.topic === topic && f.seq === last, { timeoutMs: 5_000 });
                const seqs = seqsOf(c, topic);
                const first = seqs[0] ?? 0;
                expect(seqs).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
              }
            } finally {
              await Promise.all(clients.map((c) => c.close()));
            }
          },
        ),
        { numRuns: 25 },
      );
    },
  );
});
