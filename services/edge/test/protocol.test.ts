import { describe, expect, it } from 'vitest';
import { createMemoryBus, createMemoryLastValueStore } from '@repo/bus';
import { aGateUpdate, aPriceUpdate, createTestProducer, ofType, useEdgeScope } from './harness.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const { edgeWith, client } = useEdgeScope();

describe('edge client protocol v1', () => {
  it('runs the full lifecycle: connected, subscribe, message, unsubscribe, close', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    const c = await client(e.wsUrl);

    const connected = await c.next(ofType('connected'));
    expect(Object.keys(connected)).toEqual(['type', 'client_id', 'message']);
    expect(connected.client_id).toMatch(UUID_V4);
    expect(connected.message).toBe('WebSocket connection established');

    c.send({ type: 'subscribe', topic: 'price:005930' });
    const ack = await c.next(ofType('subscribed'));
    expect(JSON.stringify(ack)).toBe('{"type":"subscribed","topic":"price:005930","message":"Subscribed to price:005930"}');

    const seq = await produce('price:005930', aPriceUpdate('005930'));
    const update = await c.next(ofType('price_update'));
    expect(Object.keys(update).slice(0, 4)).toEqual(['type', 'topic', 'seq', 'ticker']);
    expect(update).toMatchObject({
      topic: 'price:005930',
      seq,
      ticker: '005930',
      source: 'kiwoom_rest',
      data: { price: 72_400, bid_price: 72_400, ask_price: 72_500 },
    });

    c.send({ type: 'unsubscribe', topic: 'price:005930' });
    const unack = await c.next(ofType('unsubscribed'));
    expect(JSON.stringify(unack)).toBe('{"type":"unsubscribed","topic":"price:005930","message":"Unsubscribed from price:005930"}');

    // After unsubscribing, a new price must not arrive while a message on another topic does.
    c.send({ type: 'subscribe', topic: 'market-gate' });
    await c.next(ofType('subscribed', { topic: 'market-gate' }));
    await produce('price:005930', aPriceUpdate('005930', 73_000));
    await produce('market-gate', aGateUpdate());
    await c.next(ofType('market_gate_update'));
    expect(c.frames.filter((f) => f.type === 'price_update')).toHaveLength(1);

    await c.close();
    await expect(c.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('acks ?subscribe= topics in order before connected, then sends their last values', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    // A first subscriber makes the edge cache the gate; the query-string client then gets it from the cache.
    const warm = await client(`${e.wsUrl}?subscribe=market-gate`);
    await produce('market-gate', aGateUpdate('RED', 10));
    await warm.next(ofType('market_gate_update'));

    const c = await client(`${e.wsUrl}?subscribe=price:005930,%20market-gate,,price:000660`);
    await c.next(ofType('market_gate_update'));
    expect(c.frames.slice(0, 4).map((f) => [f.type, f.topic])).toEqual([
      ['subscribed', 'price:005930'],
      ['subscribed', 'market-gate'],
      ['subscribed', 'price:000660'],
      ['connected', undefined],
    ]);
    expect(c.frames[4]).toMatchObject({ type: 'market_gate_update', topic: 'market-gate', data: { status: 'RED', level: 10 } });
  });

  it('rejects an invalid ?subscribe= topic with an error frame and still connects', async () => {
    const e = await edgeWith();
    const c = await client(`${e.wsUrl}?subscribe=price:12345,market-gate`);
    await c.next(ofType('connected'));
    expect(c.frames.map((f) => f.type)).toEqual(['error', 'subscribed', 'connected']);
    expect(c.frames[0]).toMatchObject({ code: 'INVALID_TOPIC' });
  });

  it('accepts the ticker shorthand as the price topic', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    const c = await client(e.wsUrl);
    c.send({ type: 'subscribe', ticker: '0015N0' });
    const ack = await c.next(ofType('subscribed'));
    expect(ack).toEqual({ type: 'subscribed', topic: 'price:0015N0', message: 'Subscribed to price:0015N0' });
    await produce('price:0015N0', aPriceUpdate('0015N0', 1_000));
    await expect(c.next(ofType('price_update'))).resolves.toMatchObject({ ticker: '0015N0' });
  });

  it('answers ping with pong and keeps the seed error text for unknown types', async () => {
    const e = await edgeWith();
    const c = await client(e.wsUrl);
    c.send({ type: 'ping' });
    const pong = await c.next(ofType('pong'));
    expect(JSON.stringify(pong)).toBe('{"type":"pong"}');

    c.send({ type: 'hello' });
    c.send({ action: 'subscribe', topic: 'price:005930' });
    await c.next((f) => f.type === 'error' && f.message === 'Unknown message type: None');
    const errors = c.frames.filter((f) => f.type === 'error').map((f) => JSON.stringify(f));
    expect(errors).toEqual([
      '{"type":"error","message":"Unknown message type: hello"}',
      '{"type":"error","message":"Unknown message type: None"}',
    ]);
  });

  it('answers malformed JSON, binary and non-object frames with an error and keeps the connection', async () => {
    const e = await edgeWith();
    const c = await client(e.wsUrl);
    c.send('{not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send('[1,2]');
    c.send('"text"');
    await c.next((f) => f.type === 'error' && c.frames.filter((x) => x.type === 'error').length === 4);
    expect(c.frames.filter((f) => f.type === 'error').map((f) => f.code)).toEqual(['BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME']);
    c.send({ type: 'ping' });
    await c.next(ofType('pong'));
  });

  it('refuses invalid topics and tickers with INVALID_TOPIC and subscribes nothing', async () => {
    const e = await edgeWith();
    const c = await client(e.wsUrl);
    for (const frame of [
      { type: 'subscribe', topic: 'price:12345' },
      { type: 'subscribe', topic: 'vcp:signals' },
      { type: 'subscribe' },
      { type: 'subscribe', ticker: 'ABCDEF' },
      { type: 'subscribe', topic: 'md.price.>' },
    ]) {
      c.send(frame);
    }
    await c.next(() => c.frames.filter((f) => f.type === 'error').length === 5);
    expect(c.frames.filter((f) => f.type === 'error').every((f) => f.code === 'INVALID_TOPIC')).toBe(true);
    const stats = (await (await fetch(`${e.httpUrl}/ws/stats`)).json()) as { subscriptions: Record<string, number> };
    expect(stats.subscriptions).toEqual({});
  });

  it('closes with 1008 on sustained garbage', async () => {
    const e = await edgeWith({ config: { badFrameLimit: 3, badFrameWindowMs: 60_000 } });
    const c = await client(e.wsUrl);
    for (let i = 0; i < 4; i += 1) c.send('garbage');
    await expect(c.closed).resolves.toMatchObject({ code: 1008 });
    expect(c.frames.filter((f) => f.type === 'error')).toHaveLength(4);
  });

  it('answers unsubscribe even for a topic that was never subscribed', async () => {
    const e = await edgeWith();
    const c = await client(e.wsUrl);
    c.send({ type: 'unsubscribe', topic: 'price:000660' });
    await expect(c.next(ofType('unsubscribed'))).resolves.toEqual({
      type: 'unsubscribed',
      topic: 'price:000660',
      message: 'Unsubscribed from price:000660',
    });
  });
});

describe('edge robustness', () => {
  it('refuses a subscription with an error frame when the bus is closed, and keeps serving', async () => {
    const bus = createMemoryBus();
    const e = await edgeWith({ bus });
    const healthy = await client(`${e.wsUrl}?subscribe=market-gate`);
    const victim = await client(e.wsUrl);
    await Promise.all([healthy.next(ofType('connected')), victim.next(ofType('connected'))]);
    // A closed bus makes new subscriptions fail; the edge refuses the topic instead of crashing.
    await bus.drain();
    victim.send({ type: 'subscribe', topic: 'price:005930' });
    await expect(victim.next(ofType('error'))).resolves.toMatchObject({ code: 'EDGE_TOPIC_LIMIT' });
    healthy.send({ type: 'ping' });
    await healthy.next(ofType('pong'));
  });

  it('sends a stored snapshot once, to the latest subscribe, when a client re-subscribes during the read', async () => {
    let releaseRead: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (releaseRead = resolve));
    const stored = createMemoryLastValueStore();
    // A store whose first read waits until the test lets it go.
    const slowStore = { ...stored, get: async (topic: string) => (await gate, stored.get(topic)) };
    const e = await edgeWith({ lastValues: slowStore });
    await createTestProducer(e.bus, stored)('price:005930', aPriceUpdate('005930', 70_000));
    const c = await client(e.wsUrl);
    c.send({ type: 'subscribe', topic: 'price:005930' });
    c.send({ type: 'unsubscribe', topic: 'price:005930' });
    c.send({ type: 'subscribe', topic: 'price:005930' });
    await c.next(() => c.frames.filter((f) => f.type === 'subscribed').length === 2);
    releaseRead();
    await c.next(ofType('price_update'));
    // Prove nothing else is coming: a ping answered after the reads settled.
    c.send({ type: 'ping' });
    await c.next(ofType('pong'));
    expect(c.frames.map((f) => f.type)).toEqual(['connected', 'subscribed', 'unsubscribed', 'subscribed', 'price_update', 'pong']);
  });
});

describe('edge fan-out', () => {
  it('delivers one publish exactly once to each of many clients on a topic', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    const clients = await Promise.all(Array.from({ length: 50 }, () => client(`${e.wsUrl}?subscribe=signal:vcp`)));
    await Promise.all(clients.map((c) => c.next(ofType('connected'))));
    await produce('signal:vcp', {
      type: 'signal_update',
      data: { signal_type: 'VCP', signals: [{ ticker: '005930' }], count: 1, timestamp: new Date().toISOString() },
    });
    await produce('market-gate', aGateUpdate());
    await Promise.all(clients.map((c) => c.next(ofType('signal_update'))));
    // Isolation: nobody subscribed to market-gate got it; and nobody got the signal twice.
    await produce('signal:vcp', {
      type: 'signal_update',
      data: { signal_type: 'VCP', signals: [], count: 0, timestamp: new Date().toISOString() },
    });
    await Promise.all(clients.map((c) => c.next((f) => f.type === 'signal_update' && f.seq === 2)));
    for (const c of clients) {
      expect(c.frames.filter((f) => f.type === 'signal_update').map((f) => f.seq)).toEqual([1, 2]);
      expect(c.frames.some((f) => f.type === 'market_gate_update')).toBe(false);
    }
  });

  it('sends the last value right after the subscribed ack, from the local copy or the store', async () => {
    const e = await edgeWith();
    const produce = createTestProducer(e.bus, e.lastValues);
    // Nobody subscribed yet: the value is only in the last-value store.
    await produce('price:000660', aPriceUpdate('000660', 201_000));
    const c = await client(e.wsUrl);
    c.send({ type: 'subscribe', topic: 'price:000660' });
    const snap = await c.next(ofType('price_update'));
    expect(snap).toMatchObject({ topic: 'price:000660', seq: 1, data: { price: 201_000 } });
    const index = c.frames.indexOf(snap);
    expect(c.frames[index - 1]).toMatchObject({ type: 'subscribed', topic: 'price:000660' });

    const second = await client(e.wsUrl);
    second.send({ type: 'subscribe', topic: 'price:000660' });
    await second.next(ofType('price_update'));
    expect(second.frames.map((f) => f.type)).toEqual(['connected', 'subscribed', 'price_update']);
  });
});
