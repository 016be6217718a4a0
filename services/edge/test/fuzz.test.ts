// The frame fuzzer: 100,000 generated frames (garbage text and bytes, deep and huge JSON, wrong
// types, hostile unicode, prototype keys, oversized topics, junk around valid commands) against an
// in-process edge. Every frame gets exactly the answer the protocol table promises, in order; the
// edge never fails a handler, leaks no subscription and no memory, and still serves a well-behaved
// client afterwards. With the default limits, abusers are closed with a proper close frame.
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@repo/protocol';
import { connectClient, type TestClient } from '../../../test/fixtures/ws-client.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { FRAME_HARD_CAP_FACTOR } from '../src/app.js';
import { parseEdgeConfig } from '../src/config.js';
import {
  CALM_TOPIC,
  commandArb,
  expectedAnswer,
  frameArb,
  fuzzTopicArb,
  json,
  matches,
  preview,
  text,
  type Answer,
  type FuzzFrame,
} from './fuzz-frames.js';
import { aPriceUpdate, createTestProducer, metricValue, ofType, startTestEdge, type TestEdge } from './harness.js';

/** Low enough that the fuzz hits the per-connection topic cap often. */
const MAX_TOPICS = 30;
const TOTAL_FRAMES = 100_000;
const HEAP_PROBE_AT = 20_000;
/** 205 runs × 2 connections × (≥ 245 frames + the closing ping) ≥ 100,000 frames. */
const RUNS = 205;
const CONNECTIONS_PER_RUN = 2;
const FRAMES_PER_CONNECTION = { minLength: 245, maxLength: 260 } as const;

// ---------------------------------------------------------------------------------------------
// Driving a connection

function sendFrame(client: TestClient, frame: FuzzFrame): void {
  if (frame.kind === 'text') client.ws.send(frame.text);
  else client.ws.send(frame.bytes, { binary: true });
}

interface Session {
  readonly client: TestClient;
  readonly topics: Set<string>;
  /** Answers expected so far, with the frame that asked for each. */
  readonly expected: { answer: Answer; frame: FuzzFrame | 'sentinel' }[];
}

async function openSession(url: string): Promise<Session> {
  const client = await connectClient(url);
  await client.next(ofType('connected'));
  return { client, topics: new Set(), expected: [] };
}

/** Resolves once `count` frames arrived; rejects at once if the socket closes first. */
function untilFrames(client: TestClient, count: number, timeoutMs = 15_000): Promise<void> {
  if (client.frames.length >= count) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      client.ws.off('message', onMessage);
      client.ws.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onMessage = (): void => {
      if (client.frames.length >= count) finish();
    };
    const onClose = (code: number, reason: Buffer): void =>
      finish(new Error(`the edge closed the connection: ${code} ${reason.toString()}`));
    const timer = setTimeout(() => finish(new Error(`${client.frames.length} of ${count} frames within ${timeoutMs} ms`)), timeoutMs);
    client.ws.on('message', onMessage);
    client.ws.on('close', onClose);
  });
}

/** Sends the frames, then a ping, and checks every answer up to that ping's pong, in order. */
async function exchange(session: Session, frames: readonly FuzzFrame[], maxTopics: number): Promise<void> {
  for (const frame of frames) {
    sendFrame(session.client, frame);
    const { answer } = expectedAnswer(frame, session.topics, maxTopics);
    if (answer !== undefined) session.expected.push({ answer, frame });
  }
  session.client.send({ type: 'ping' });
  session.expected.push({ answer: { type: 'pong' }, frame: 'sentinel' });
  // Frame 0 is `connected`; the sentinel's pong is the last answer owed.
  const owedTo = (i: number): string => {
    const owed = session.expected[i];
    return owed === undefined ? 'nothing' : `${preview(owed.answer)} to ${preview(owed.frame)}`;
  };
  let closed = '';
  try {
    await untilFrames(session.client, session.expected.length + 1);
  } catch (err) {
    closed = ` (${(err as Error).message})`;
  }
  // The first answer out of line names the frame that broke the protocol.
  const answers = session.client.frames.slice(1);
  session.expected.forEach(({ answer }, i) => {
    const got = answers[i];
    if (got === undefined || !matches(got, answer)) expect.fail(`answer ${i}: expected ${owedTo(i)}, got ${preview(got)}${closed}`);
  });
}

async function subscriptionGauge(edge: TestEdge): Promise<number> {
  return metricValue(edge.registry, 'edge_ws_subscriptions');
}

interface WsStats {
  active_connections: number;
  subscriptions: Record<string, number>;
  active_tickers: string[];
}

async function wsStats(edge: TestEdge): Promise<WsStats> {
  const res = await fetch(`${edge.httpUrl}/ws/stats`);
  return (await res.json()) as WsStats;
}

/** A fresh client still gets a price published now: the edge is alive and fans out. */
async function assertServesWellBehavedClient(edge: TestEdge): Promise<void> {
  const client = await connectClient(`${edge.wsUrl}?subscribe=${CALM_TOPIC}`);
  await client.next(ofType('connected'));
  const publish = createTestProducer(edge.bus, edge.lastValues);
  const seq = await publish(CALM_TOPIC, aPriceUpdate('005930', 71_000));
  const update = await client.next(ofType('price_update', { seq }));
  expect(update).toMatchObject({ topic: 'price:005930', ticker: '005930', data: { price: 71_000 } });
  await client.close();
}

/** heapUsed after a full collection. The test workers run without --expose-gc, so the flag is set at run time. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

const prototypeSnapshot = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

// ---------------------------------------------------------------------------------------------

describe('edge frame fuzzer (raised limits: every frame is answered, nothing is closed)', () => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await startTestEdge({
      config: {
        maxTopicsPerConnection: MAX_TOPICS,
        maxMessagesPerSecond: 1_000_000,
        messageBurst: 1_000_000,
        badFrameLimit: 1_000_000,
        // Big echoes (a 15 KB unknown type comes back whole) must not trip the slow-client close.
        maxBackpressureBytes: 64 * 1024 * 1024,
        // No server heartbeat inside the answer stream.
        pingIntervalMs: 600_000,
        idleTimeoutMs: 1_200_000,
      },
    });
  });
  afterAll(async () => {
    await edge.stop();
  });

  it('answers 100,000 hostile frames per the protocol, leaks nothing and keeps serving', { timeout: 150_000 }, async ({ annotate }) => {
    const prototypeBefore = prototypeSnapshot();
    let framesSent = 0;
    let answersCounted = 0;
    let connections = 0;
    let heapAtProbe: number | undefined;
    let peakSubscriptions = 0;
    const answerKinds = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(frameArb, FRAMES_PER_CONNECTION), { minLength: CONNECTIONS_PER_RUN, maxLength: CONNECTIONS_PER_RUN }),
        async (batches) => {
          const sessions = await Promise.all(batches.map(() => openSession(edge.wsUrl)));
          try {
            await Promise.all(sessions.map((session, i) => exchange(session, batches[i] ?? [], MAX_TOPICS)));
            // Every accepted subscription is counted once, on the gauge and in /ws/stats.
            const held = sessions.reduce((n, s) => n + s.topics.size, 0);
            expect(await subscriptionGauge(edge)).toBe(held);
            const perTopic = new Map<string, number>();
            for (const s of sessions) for (const t of s.topics) perTopic.set(t, (perTopic.get(t) ?? 0) + 1);
            expect((await wsStats(edge)).subscriptions).toEqual(Object.fromEntries(perTopic));
            peakSubscriptions = Math.max(peakSubscriptions, held);
          } finally {
            await Promise.all(sessions.map((s) => s.client.close()));
          }
          await waitFor(
            'the fuzz connections to be released',
            async () => edge.edge.connectionCount === 0 && (await subscriptionGauge(edge)) === 0,
            {
              intervalMs: 2,
            },
          );
          connections += sessions.length;
          framesSent += batches.reduce((n, b) => n + b.length + 1, 0);
          for (const { answer } of sessions.flatMap((s) => s.expected)) {
            const kind = answer.type === 'error' ? `error ${answer.code ?? '(no code)'}` : answer.type;
            answerKinds.set(kind, (answerKinds.get(kind) ?? 0) + 1);
            answersCounted += 1;
          }
          if (heapAtProbe === undefined && framesSent >= HEAP_PROBE_AT) heapAtProbe = heapAfterGc();
        },
      ),
      { numRuns: RUNS, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );

    const heapAtEnd = heapAfterGc();
    await annotate(
      `frames sent ${framesSent} over ${connections} connections; answers counted ${answersCounted} ` +
        `(${[...answerKinds].map(([k, n]) => `${k} ${n}`).join(', ')}); peak subscriptions ${peakSubscriptions}; heapUsed after GC ${mb(heapAtProbe)} at ${HEAP_PROBE_AT} frames, ${mb(heapAtEnd)} at the end`,
    );
    expect(framesSent).toBeGreaterThanOrEqual(TOTAL_FRAMES);
    expect(peakSubscriptions).toBeGreaterThan(0);

    // Nothing leaked: no connection, subscription or topic left; no handler threw; nothing dropped.
    const stats = await wsStats(edge);
    expect(stats).toMatchObject({ active_connections: 0, subscriptions: {}, active_tickers: [] });
    expect(await metricValue(edge.registry, 'edge_ws_subscriptions')).toBe(0);
    expect(await metricValue(edge.registry, 'edge_topics')).toBe(0);
    expect(await metricValue(edge.registry, 'edge_handler_errors_total')).toBe(0);
    expect(await metricValue(edge.registry, 'edge_ws_messages_dropped_total', { reason: 'backpressure' })).toBe(0);
    // Every fuzz connection ended with the client's own 1000, none by the edge.
    expect(await metricValue(edge.registry, 'edge_ws_closes_total', { code: '1000' })).toBe(connections);
    const closes = await edge.registry.getSingleMetric('edge_ws_closes_total')!.get();
    expect(closes.values.filter((v) => v.value > 0).map((v) => v.labels['code'])).toEqual(['1000']);

    expect(prototypeSnapshot()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>)['type']).toBeUndefined();

    // Memory is flat: 80,000 more frames after the probe add no more than noise (a leak of even
    // 50 bytes per frame would add 4 MB).
    expect(heapAtProbe).toBeDefined();
    expect(heapAtEnd - (heapAtProbe ?? 0)).toBeLessThan(4 * 1024 * 1024);

    await assertServesWellBehavedClient(edge);
  });
});

describe('edge frame fuzzer (default limits: abusers are closed cleanly)', () => {
  const defaults = parseEdgeConfig({});
  let edge: TestEdge;
  beforeAll(async () => {
    // The default flood limits; only the heartbeat is moved out of the answer stream.
    edge = await startTestEdge({ config: { pingIntervalMs: 600_000, idleTimeoutMs: 1_200_000 } });
  });
  afterAll(async () => {
    await edge.stop();
  });

  /** After a run: the connection is gone, with every subscription it held, and no handler failed. */
  async function assertReleased(): Promise<void> {
    await waitFor('the abuser to be released', async () => edge.edge.connectionCount === 0 && (await subscriptionGauge(edge)) === 0, {
      intervalMs: 2,
    });
    expect((await wsStats(edge)).subscriptions).toEqual({});
    expect(await metricValue(edge.registry, 'edge_handler_errors_total')).toBe(0);
  }

  it(`closes with 1008 right after the invalid frame over EDGE_BAD_FRAME_LIMIT, having answered every frame before it`, async ({
    annotate,
  }) => {
    // Within the burst, so only the bad-frame limit can close (the sentinel ping included).
    const framesArb = fc.array(frameArb, { minLength: 1, maxLength: defaults.messageBurst - 1, size: 'max' });
    let closedRuns = 0;
    await fc.assert(
      fc.asyncProperty(framesArb, async (frames) => {
        const session = await openSession(edge.wsUrl);
        const expected: Answer[] = [];
        let invalid = 0;
        let closesAt: number | undefined;
        for (const [i, frame] of frames.entries()) {
          sendFrame(session.client, frame);
          if (closesAt !== undefined) continue;
          const owed = expectedAnswer(frame, session.topics, defaults.maxTopicsPerConnection);
          if (owed.answer !== undefined) expected.push(owed.answer);
          if (owed.invalid && ++invalid > defaults.badFrameLimit) closesAt = i;
        }
        if (closesAt === undefined) {
          session.client.send({ type: 'ping' });
          expected.push({ type: 'pong' });
          await untilFrames(session.client, expected.length + 1);
          await session.client.close();
        } else {
          expect(await session.client.closed).toEqual({ code: CloseCode.PolicyViolation, reason: 'too many invalid frames' });
          closedRuns += 1;
        }
        const answers = session.client.frames.slice(1);
        expect(answers).toHaveLength(expected.length);
        expected.forEach((answer, i) => expect(matches(answers[i] ?? {}, answer), `answer ${i}: ${preview(answers[i])}`).toBe(true));
        await assertReleased();
      }),
      { numRuns: 40 },
    );
    await annotate(`${closedRuns} of 40 runs went over the limit and were closed with 1008`);
    expect(closedRuns).toBeGreaterThan(0);
  });

  it('closes a flood of valid commands with 4002 after the burst, releasing its subscriptions, while a calm client keeps its prices', async () => {
    const calm = await connectClient(`${edge.wsUrl}?subscribe=${CALM_TOPIC}`);
    await calm.next(ofType('connected'));
    const publish = createTestProducer(edge.bus, edge.lastValues);
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArb, { minLength: 2 * defaults.messageBurst, maxLength: 4 * defaults.messageBurst }),
        async (commands) => {
          const session = await openSession(edge.wsUrl);
          const expected: Answer[] = [];
          for (const command of commands) {
            session.client.send(command);
            const { answer } = expectedAnswer(json(command), session.topics, defaults.maxTopicsPerConnection);
            if (answer !== undefined) expected.push(answer);
          }
          expect(await session.client.closed).toEqual({ code: CloseCode.RateLimited, reason: 'too many messages' });
          // The burst was served in order (a few more tokens may have refilled meanwhile), the rest refused.
          const answers = session.client.frames.slice(1);
          const owedInBurst = commands.slice(0, defaults.messageBurst).filter((c) => c.type !== 'pong').length;
          expect(answers.length).toBeGreaterThanOrEqual(owedInBurst);
          expect(answers.length).toBeLessThan(expected.length);
          answers.forEach((got, i) => expect(matches(got, expected[i]!), `answer ${i}: ${preview(got)}`).toBe(true));
          await waitFor('the flooder to be released', () => edge.edge.connectionCount === 1, { intervalMs: 2 });
          expect(await subscriptionGauge(edge)).toBe(1);
          const seq = await publish(CALM_TOPIC, aPriceUpdate('005930'));
          await calm.next(ofType('price_update', { seq }));
        },
      ),
      { numRuns: 10 },
    );
    await calm.close();
    await assertReleased();
  });

  it('ends the connection on an oversized frame (1009, or 1006 past the hard cap) or on invalid UTF-8 text (1006), releasing its subscriptions', async () => {
    const max = defaults.maxFrameBytes;
    const hardCap = FRAME_HARD_CAP_FACTOR * max;
    type Ending = { frame: FuzzFrame | { kind: 'invalid-utf8'; bytes: Uint8Array }; code: number };
    const endingArb: fc.Arbitrary<Ending> = fc.oneof(
      fc
        .integer({ min: max, max: hardCap - 32 })
        .map((n): Ending => ({ frame: text(`{"type":"ping","pad":"${'x'.repeat(n)}"}`), code: 1009 })),
      fc.integer({ min: max + 1, max: hardCap }).map((n): Ending => ({ frame: { kind: 'binary', bytes: new Uint8Array(n) }, code: 1009 })),
      // uWS drops a frame over maxPayloadLength without a close frame; app.ts documents the cap.
      fc.integer({ min: hardCap + 1, max: hardCap + 4096 }).map((n): Ending => ({ frame: text('y'.repeat(n)), code: 1006 })),
      // RFC 6455 §8.1: invalid UTF-8 in a text frame fails the connection, and uWS closes the
      // socket. A byte that appears nowhere in valid UTF-8, put anywhere in random bytes.
      fc
        .tuple(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.constantFrom(0xc0, 0xc1, 0xf5, 0xfe, 0xff))
        .map(([bytes, at, bad]): Ending => {
          const cut = at % (bytes.length + 1);
          return {
            frame: { kind: 'invalid-utf8', bytes: Buffer.concat([bytes.subarray(0, cut), Buffer.from([bad]), bytes.subarray(cut)]) },
            code: 1006,
          };
        }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzTopicArb, { maxLength: 5 }), endingArb, async (topics, ending) => {
        const session = await openSession(edge.wsUrl);
        for (const topic of topics) session.client.send({ type: 'subscribe', topic });
        await untilFrames(session.client, topics.length + 1);
        expect(await subscriptionGauge(edge)).toBe(new Set(topics).size);
        if (ending.frame.kind === 'invalid-utf8') session.client.ws.send(ending.frame.bytes, { binary: false });
        else sendFrame(session.client, ending.frame);
        expect((await session.client.closed).code).toBe(ending.code);
        expect(session.client.frames).toHaveLength(topics.length + 1);
        await assertReleased();
      }),
      { numRuns: 30 },
    );
    await assertServesWellBehavedClient(edge);
  });
});
