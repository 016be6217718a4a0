import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMemoryBus, createMemoryLastValueStore } from '@repo/bus';
import { silentLogger } from '@repo/observability';
import { encodeEnvelope, makeEnvelope, topicToSubject } from '@repo/protocol';
import { aPriceUpdate } from '../test/harness.js';
import { createEdgeMetrics } from './metrics.js';
import { createTopicBridge, FANOUT_SLICES } from './topic-bridge.js';

// The bridge's slice-by-slice fan-out against a model of what uWS does with a publish (every
// socket of the slice at that moment gets the frame, in publish order). Whatever the interleaving
// of messages, sockets joining and leaving slices, and loop turns, every socket's snapshot plus
// what it received afterwards is one run of consecutive seqs ending at the last message.

const TOPIC = 'price:005930';

type Op =
  | { readonly op: 'message' }
  | { readonly op: 'join'; readonly slice: number }
  | { readonly op: 'leave'; readonly which: number }
  | { readonly op: 'turn' };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constant({ op: 'message' as const }) },
    // A few slices, so that sockets meet in them, and the last one, which a round reaches last.
    { weight: 3, arbitrary: fc.record({ op: fc.constant('join' as const), slice: fc.constantFrom(0, 1, 2, FANOUT_SLICES - 1) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('leave' as const), which: fc.nat() }) },
    { weight: 3, arbitrary: fc.constant({ op: 'turn' as const }) },
  ),
  { maxLength: 60 },
);

interface Socket {
  readonly slice: number;
  readonly seqs: number[];
}

const seqOf = (frame: string): number => (JSON.parse(frame) as { seq: number }).seq;

async function play(script: readonly Op[], sliceAbove: number): Promise<{ sockets: Socket[]; lastSeq: number; published: string[] }> {
  const bus = createMemoryBus();
  const sockets: Socket[] = [];
  /** `turn:slice` of every publish, turns counted from the start of the script. */
  const published: string[] = [];
  let turns = 0;
  const nextTurn = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    turns += 1;
  };
  const bridge = createTopicBridge({
    bus,
    lastValues: createMemoryLastValueStore(),
    metrics: createEdgeMetrics(new Registry()),
    logger: silentLogger,
    maxTopics: 10,
    sliceAbove,
    publish: (_topic, slice, frame) => {
      published.push(`${turns}:${slice}`);
      for (const s of sockets) if (s.slice === slice) s.seqs.push(seqOf(frame));
    },
    numSubscribers: (_topic, slice) => sockets.filter((s) => s.slice === slice).length,
  });
  let seq = 0;
  try {
    for (const o of script) {
      if (o.op === 'message') {
        seq += 1;
        bus.publish(topicToSubject(TOPIC), encodeEnvelope(makeEnvelope(TOPIC, seq, 'test', aPriceUpdate('005930', 70_000 + seq))));
      } else if (o.op === 'join') {
        expect(bridge.acquire(TOPIC, o.slice)).toBe(true);
        const snapshot = bridge.cachedFrame(TOPIC, o.slice);
        sockets.push({ slice: o.slice, seqs: snapshot === undefined ? [] : [seqOf(snapshot)] });
      } else if (o.op === 'leave') {
        if (sockets.length === 0) continue;
        const [gone] = sockets.splice(o.which % sockets.length, 1);
        bridge.release(TOPIC, (gone as Socket).slice);
      } else {
        await nextTurn();
      }
    }
    // Every slice is reached within one round of turns.
    for (let turn = 0; turn <= FANOUT_SLICES; turn += 1) await nextTurn();
    return { sockets, lastSeq: seq, published };
  } finally {
    bridge.stop();
  }
}

describe('topic bridge fan-out slices', () => {
  it.each([
    ['slice by slice', 0],
    // Topics cross the threshold both ways while frames are in flight.
    ['around a threshold of 2', 2],
    ['in one turn', 1_000],
  ])('gives every socket a gap- and duplicate-free run of seqs up to the last message (%s)', async (_name, sliceAbove) => {
    await fc.assert(
      fc.asyncProperty(ops, async (script) => {
        const { sockets, lastSeq } = await play(script, sliceAbove);
        for (const s of sockets) {
          if (s.seqs.length === 0) continue;
          const first = s.seqs[0] as number;
          expect(s.seqs).toEqual(Array.from({ length: lastSeq - first + 1 }, (_, i) => first + i));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a slice in order when it empties and fills again while its frames wait', async () => {
    // The socket in slice 15 leaves while message 1 waits there; message 2 comes; a new socket joins 15.
    const script: Op[] = [
      { op: 'join', slice: 0 },
      { op: 'join', slice: 15 },
      { op: 'message' },
      { op: 'leave', which: 1 },
      { op: 'message' },
      { op: 'join', slice: 15 },
    ];
    const { sockets } = await play(script, 0);
    expect(sockets.map((s) => s.seqs)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('publishes one slice per loop turn above the threshold, every slice at once under it', async () => {
    const joins: Op[] = Array.from({ length: FANOUT_SLICES }, (_, slice) => ({ op: 'join', slice }));
    const sliced = await play([...joins, { op: 'message' }], 0);
    // Slice 0 goes with the message; slice k in turn k - 1 (the pump's immediate runs before this test's).
    expect(sliced.published).toEqual(Array.from({ length: FANOUT_SLICES }, (_, slice) => `${Math.max(0, slice - 1)}:${slice}`));
    const whole = await play([...joins, { op: 'message' }], 1_000);
    expect(whole.published).toEqual(Array.from({ length: FANOUT_SLICES }, (_, slice) => `0:${slice}`));
    // Frames that queue during a round go to a slice together, in one turn; slice 0, which had the
    // first, gets the other two when the cursor comes round again.
    const batched = await play([...joins, { op: 'message' }, { op: 'message' }, { op: 'message' }], 0);
    expect(batched.published.slice(0, 7)).toEqual(['0:0', '0:1', '0:1', '0:1', '1:2', '1:2', '1:2']);
    expect(batched.published.slice(-2)).toEqual(['15:0', '15:0']);
  });
});
