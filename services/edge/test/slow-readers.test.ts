import { describe, expect, it } from 'vitest';
import type { FanoutPayload } from '@repo/protocol';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import type { TestClient } from '../../../test/fixtures/ws-client.js';
import { aPriceUpdate, createTestProducer, metricValue, ofType, useEdgeScope } from './harness.js';

const { edgeWith, client } = useEdgeScope();

const TOPICS = ['price:005930', 'market:kospi', 'signal:vcp', 'market-gate'];

/** A signal big enough to fill the socket buffers quickly (about 8 KB). */
const aSignal = (n: number): FanoutPayload => ({
  type: 'signal_update',
  data: { signal_type: 'VCP', signals: [{ n, note: 'v'.repeat(8 * 1024) }], count: 1, timestamp: new Date().toISOString() },
});

const anIndexTick = (value: number): FanoutPayload => ({
  type: 'index_update',
  code: '001',
  name: 'KOSPI',
  data: { index: value, change: 1.5, change_rate: 0.06, volume: 412_000 },
  timestamp: new Date().toISOString(),
});

const seqsOf = (c: TestClient, topic: string): number[] =>
  c.frames.filter((f) => f.topic === topic && typeof f.seq === 'number' && f.type !== 'subscribed').map((f) => f.seq as number);

describe('slow readers (EDGE_SLOW_CLIENT_POLICY=conflate)', () => {
  it('conflate ticks while a client stops reading; when it resumes it gets the latest price and every signal in order', async () => {
    const e = await edgeWith({
      config: { slowClientPolicy: 'conflate', conflateBytes: 16 * 1024, maxBackpressureBytes: 16 * 1024 * 1024, backlogCheckMs: 5 },
    });
    const produce = createTestProducer(e.bus, e.lastValues);
    const query = `?subscribe=${TOPICS.join(',')}`;
    const slow = await client(`${e.wsUrl}${query}`);
    const fast = await client(`${e.wsUrl}${query}`);
    await Promise.all([slow.next(ofType('connected')), fast.next(ofType('connected'))]);
    // Stops reading: the kernel buffers fill, then the edge's send buffer.
    slow.ws.pause();

    // Ticks and signals interleaved, in lock step with the reading client, until the edge has
    // moved the paused one to its backlog and conflated a good number of its ticks.
    let price = 70_000;
    let signals = 0;
    let lastSignalSeq = 0;
    let lastPriceSeq = 0;
    await waitFor(
      'the paused client backlogged and 200 ticks conflated',
      async () => {
        for (let i = 0; i < 20; i += 1) {
          lastPriceSeq = await produce('price:005930', aPriceUpdate('005930', (price += 10)));
          await produce('market:kospi', anIndexTick(price / 30));
        }
        signals += 1;
        lastSignalSeq = await produce('signal:vcp', aSignal(signals));
        await fast.next((f) => f.topic === 'signal:vcp' && f.seq === lastSignalSeq, { fromIndex: Math.max(0, fast.frames.length - 50) });
        return (await metricValue(e.registry, 'edge_ws_ticks_conflated_total', { kind: 'price', reason: 'slow_reader' })) >= 200;
      },
      { timeoutMs: 10_000, intervalMs: 0 },
    );
    expect(await metricValue(e.registry, 'edge_ws_backlogged_connections')).toBe(1);
    const gateSeq = await produce('market-gate', {
      type: 'market_gate_update',
      timestamp: new Date().toISOString(),
      data: { status: 'GREEN', level: 70, kospi: 2_650, kospi_change_pct: 1, kosdaq: 870, kosdaq_change_pct: 0, sectors: [] },
    });

    slow.ws.resume();
    await slow.next((f) => f.topic === 'price:005930' && f.seq === lastPriceSeq, { timeoutMs: 10_000 });
    await slow.next((f) => f.topic === 'signal:vcp' && f.seq === lastSignalSeq, { timeoutMs: 10_000 });
    await slow.next((f) => f.topic === 'market-gate' && f.seq === gateSeq, { timeoutMs: 10_000 });

    // Every signal, in order, once; ticks strictly increasing (never a stale one after a newer
    // one), fewer than were published, ending on the latest.
    const signalSeqs = seqsOf(slow, 'signal:vcp');
    expect(signalSeqs).toEqual(Array.from({ length: signals }, (_, i) => i + 1));
    const priceSeqs = seqsOf(slow, 'price:005930');
    expect(priceSeqs.every((s, i) => i === 0 || s > (priceSeqs[i - 1] as number))).toBe(true);
    expect(priceSeqs.at(-1)).toBe(lastPriceSeq);
    expect(priceSeqs.length).toBeLessThan(lastPriceSeq);
    const lastPrice = slow.frames.findLast((f) => f.topic === 'price:005930') as { data: { price: number } };
    expect(lastPrice.data.price).toBe(price);
    const indexSeqs = seqsOf(slow, 'market:kospi');
    expect(indexSeqs.every((s, i) => i === 0 || s > (indexSeqs[i - 1] as number))).toBe(true);
    expect(await metricValue(e.registry, 'edge_ws_ticks_conflated_total', { kind: 'index', reason: 'slow_reader' })).toBeGreaterThan(0);

    // The reading client missed nothing, and the slow one went back to its topics.
    expect(seqsOf(fast, 'price:005930')).toHaveLength(lastPriceSeq);
    await waitFor(
      'the slow client back on its topics',
      async () => (await metricValue(e.registry, 'edge_ws_backlogged_connections')) === 0,
    );
    expect(await metricValue(e.registry, 'edge_ws_backlog_transitions_total', { to: 'live' })).toBe(1);
    const after = await produce('price:005930', aPriceUpdate('005930', price + 10));
    await slow.next((f) => f.topic === 'price:005930' && f.seq === after);
    expect(await metricValue(e.registry, 'edge_ws_closes_total', { code: '1013' })).toBe(0);
    slow.send({ type: 'ping' });
    await slow.next(ofType('pong'));
  });

  it('close a client with 1013 only when its signals would pass the hard cap', async () => {
    const e = await edgeWith({
      config: { slowClientPolicy: 'conflate', conflateBytes: 16 * 1024, maxBackpressureBytes: 256 * 1024, backlogCheckMs: 5 },
    });
    const produce = createTestProducer(e.bus, e.lastValues);
    const slow = await client(`${e.wsUrl}?subscribe=signal:vcp`);
    const fast = await client(`${e.wsUrl}?subscribe=signal:vcp`);
    await Promise.all([slow.next(ofType('connected')), fast.next(ofType('connected'))]);
    // Stops reading: the kernel buffers fill, then the edge's send buffer.
    slow.ws.pause();
    let n = 0;
    await waitFor(
      'the paused client closed at the hard cap',
      async () => {
        n += 1;
        const seq = await produce('signal:vcp', aSignal(n));
        await fast.next((f) => f.topic === 'signal:vcp' && f.seq === seq, { fromIndex: Math.max(0, fast.frames.length - 5) });
        return (await metricValue(e.registry, 'edge_ws_closes_total', { code: '1013' })) === 1;
      },
      { timeoutMs: 10_000, intervalMs: 0 },
    );
    slow.ws.resume();
    const { code } = await slow.closed;
    // Behind a full buffer the close frame may not get through (1006); either way it is gone.
    expect([1013, 1006]).toContain(code);
    // What it did receive is a gap-free prefix: nothing dropped silently in the middle.
    const got = seqsOf(slow, 'signal:vcp');
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
  });
});
