import { once } from 'node:events';
import { pingFrame } from '@repo/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { Changes, FaultServer, aPriceUpdate, record, type ClientRecord, type Frame, type StateEvent } from '../test/fault-server.js';
import { createClient, type Client, type ClientOptions } from './index.js';

let changes: Changes;
let server: FaultServer;
const clients: Client[] = [];

beforeEach(async () => {
  changes = new Changes();
  server = await FaultServer.start(changes);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
  await server.stop();
});

/** Fakes only the clock and timers; sockets and `ws` internals keep running on real I/O. */
function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** A client on the fault server; `random: () => 0` makes every reconnect immediate unless a test says otherwise. */
function start(options: Partial<ClientOptions> = {}): { client: Client; rec: ClientRecord } {
  const client = createClient({ url: server.url, WebSocket, random: () => 0, ...options });
  clients.push(client);
  return { client, rec: record(client, changes) };
}

const count = (states: readonly StateEvent[], state: StateEvent['state']): number => states.filter((s) => s.state === state).length;
const framesOf = (frames: readonly Frame[], type: string): Frame[] => frames.filter((f) => f['type'] === type);

async function connected(rec: ClientRecord, times = 1): Promise<void> {
  await changes.until(() => count(rec.states, 'connected') >= times, `connected ×${times}`);
}

/** Frames on one socket arrive in order: once this unsolicited pong is delivered, everything sent before it was handled. */
async function fence(rec: ClientRecord, connIndex: number): Promise<void> {
  const pongs = rec.ofType('pong').length;
  server.send(server.connection(connIndex), { type: 'pong' });
  await changes.until(() => rec.ofType('pong').length > pongs, 'the fence pong');
}

describe('createClient against a protocol v1 server', () => {
  it('connects only on connect(), sends its topics as frames after open and delivers typed messages', async () => {
    server.publish(aPriceUpdate('005930', 7));
    const { client, rec } = start({ topics: ['price:005930', 'market-gate'] });
    expect(client.state).toBe('disconnected');
    expect(client.topics()).toEqual(['price:005930', 'market-gate']);
    expect(server.upgradeAttempts).toBe(0);

    client.connect();
    client.connect();
    await changes.until(
      () => rec.ofType('price_update').length === 1 && rec.ofType('subscribed').length === 2,
      'the acks and the snapshot',
    );

    expect(server.upgradeAttempts).toBe(1);
    expect(server.connection(0).path).toBe('/ws');
    expect(server.connection(0).received).toEqual([
      { type: 'subscribe', topic: 'price:005930' },
      { type: 'subscribe', topic: 'market-gate' },
    ]);
    expect(rec.states).toEqual([
      { state: 'connecting', reconnectCount: 0 },
      { state: 'connected', reconnectCount: 0 },
    ]);
    const quote = rec.ofType('price_update')[0];
    expect(quote?.data.price).toBe(72_400);
    expect(quote).toMatchObject({ topic: 'price:005930', seq: 7, ticker: '005930' });
    expect(client.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rec.ofType('subscribed').map((m) => m.topic)).toEqual(['price:005930', 'market-gate']);

    client.subscribe('market:kospi');
    client.unsubscribe('market-gate');
    await changes.until(() => rec.ofType('unsubscribed').length === 1, 'the unsubscribe ack');
    expect(server.connection(0).received.slice(2)).toEqual([
      { type: 'subscribe', topic: 'market:kospi' },
      { type: 'unsubscribe', topic: 'market-gate' },
    ]);
    expect(client.topics()).toEqual(['price:005930', 'market:kospi']);
  });

  it('answers a server ping with a pong and sends its own ping every pingIntervalMs', async () => {
    useFakeClock();
    const { client, rec } = start({ pingIntervalMs: 1_000, silenceTimeoutMs: 10_000 });
    client.connect();
    await connected(rec);
    const conn = server.connection(0);

    server.send(conn, pingFrame(new Date()));
    await changes.until(() => framesOf(conn.received, 'pong').length === 1, 'the pong');
    expect(rec.ofType('ping')).toHaveLength(1);

    vi.advanceTimersByTime(999);
    await fence(rec, 0);
    expect(framesOf(conn.received, 'ping')).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await changes.until(() => framesOf(conn.received, 'ping').length === 1, 'the first client ping');
    vi.advanceTimersByTime(1_000);
    await changes.until(() => framesOf(conn.received, 'ping').length === 2, 'the second client ping');
    // The server's pongs reach the application too.
    await changes.until(() => rec.ofType('pong').length === 3, 'pongs to both pings');
  });
});

describe('reconnecting', () => {
  it('reconnects after the server drops the socket (1006), counting attempts, and re-subscribes every topic', async () => {
    const { client, rec } = start({ topics: ['price:005930'] });
    client.connect();
    await connected(rec);
    client.subscribe('market:kospi');
    await changes.until(() => server.connections[0]?.topics.size === 2, 'both subscriptions');

    server.dropAll();
    await connected(rec, 2);
    expect(rec.states).toEqual([
      { state: 'connecting', reconnectCount: 0 },
      { state: 'connected', reconnectCount: 0 },
      { state: 'disconnected', reconnectCount: 0, code: 1006 },
      { state: 'connecting', reconnectCount: 1 },
      { state: 'connected', reconnectCount: 1 },
    ]);
    expect(client.reconnectCount).toBe(1);
    await changes.until(() => server.connections[1]?.topics.size === 2, 'the re-subscriptions');
    expect(server.connection(1).received).toEqual([
      { type: 'subscribe', topic: 'price:005930' },
      { type: 'subscribe', topic: 'market:kospi' },
    ]);

    // The next outage counts from 1 again.
    server.dropAll();
    await connected(rec, 3);
    expect(rec.states.slice(5)).toEqual([
      { state: 'disconnected', reconnectCount: 0, code: 1006 },
      { state: 'connecting', reconnectCount: 1 },
      { state: 'connected', reconnectCount: 1 },
    ]);
  });

  it('does not reconnect after the server closes with 1000', async () => {
    useFakeClock();
    const { client, rec } = start();
    client.connect();
    await connected(rec);

    server.closeAll(1000, 'bye');
    await changes.until(() => client.state === 'disconnected' && server.connection(0).closed !== undefined, 'the close');
    expect(rec.states.at(-1)).toEqual({ state: 'disconnected', reconnectCount: 0, code: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * 60_000);
    expect(server.upgradeAttempts).toBe(1);
    expect(client.state).toBe('disconnected');

    // An explicit connect() starts again.
    client.connect();
    await connected(rec, 2);
  });

  it.each([1001, 1008, 1009, 1011, 1012, 1013, 4000])('reconnects after the server closes with %i', async (code) => {
    const { client, rec } = start({ topics: ['signal:vcp'] });
    client.connect();
    await connected(rec);

    server.closeAll(code, 'test');
    await connected(rec, 2);
    expect(rec.states.slice(2)).toEqual([
      { state: 'disconnected', reconnectCount: 0, code },
      { state: 'connecting', reconnectCount: 1 },
      { state: 'connected', reconnectCount: 1 },
    ]);
    await changes.until(() => server.connections[1]?.topics.has('signal:vcp') === true, 'the re-subscription');
    expect(client.state).toBe('connected');
  });

  it('backs off on refused upgrades (503) with growing delays capped at maxMs, then connects', async () => {
    useFakeClock();
    server.refuseNext(6);
    const { client, rec } = start({ random: () => 1, backoff: { baseMs: 100, maxMs: 1_000 } });
    client.connect();

    const delays: number[] = [];
    for (let failure = 1; failure <= 6; failure += 1) {
      await changes.until(() => count(rec.states, 'error') === failure, `failed attempt ${failure}`);
      // Only the reconnect timer is pending between attempts.
      expect(vi.getTimerCount()).toBe(1);
      const before = Date.now();
      vi.advanceTimersToNextTimer();
      delays.push(Date.now() - before);
    }
    await connected(rec);

    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(server.upgradeAttempts).toBe(7);
    expect(rec.states.slice(0, 4)).toEqual([
      { state: 'connecting', reconnectCount: 0 },
      { state: 'error', reconnectCount: 0, code: 1006 },
      { state: 'connecting', reconnectCount: 1 },
      { state: 'error', reconnectCount: 1, code: 1006 },
    ]);
    expect(rec.states.at(-1)).toEqual({ state: 'connected', reconnectCount: 6 });
  });

  it('gives up with state error after maxReconnects attempts of one outage, until connect() is called', async () => {
    useFakeClock();
    server.refuseNext(100);
    const { client, rec } = start({ maxReconnects: 2 });
    client.connect();
    for (let failure = 1; failure <= 3; failure += 1) {
      await changes.until(() => count(rec.states, 'error') === failure, `failed attempt ${failure}`);
      vi.advanceTimersToNextTimer();
    }
    expect(server.upgradeAttempts).toBe(3);
    expect(rec.states.at(-1)).toEqual({ state: 'error', reconnectCount: 2, code: 1006 });
    expect(vi.getTimerCount()).toBe(0);

    server.refuseNext(0);
    client.connect();
    await connected(rec);
    expect(rec.states.at(-1)).toEqual({ state: 'connected', reconnectCount: 0 });
  });
});

describe('silence', () => {
  it('closes and reconnects when nothing arrives for silenceTimeoutMs (the server stalls)', async () => {
    useFakeClock();
    const { client, rec } = start({ topics: ['market:kosdaq'], pingIntervalMs: 400, silenceTimeoutMs: 1_000 });
    client.connect();
    await connected(rec);
    await changes.until(() => server.connections[0]?.topics.size === 1, 'the subscription');
    server.stall(server.connection(0));

    vi.advanceTimersByTime(999);
    expect(client.state).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(rec.states.at(-1)).toEqual({ state: 'disconnected', reconnectCount: 0, code: 4000 });

    vi.advanceTimersToNextTimer();
    await connected(rec, 2);
    expect(rec.states.slice(2)).toEqual([
      { state: 'disconnected', reconnectCount: 0, code: 4000 },
      { state: 'connecting', reconnectCount: 1 },
      { state: 'connected', reconnectCount: 1 },
    ]);
    await changes.until(() => server.connections[1]?.topics.has('market:kosdaq') === true, 'the re-subscription');
  });

  it('counts any inbound frame as liveness: answered pings keep a connection open past the timeout', async () => {
    useFakeClock();
    const { client, rec } = start({ pingIntervalMs: 400, silenceTimeoutMs: 1_000 });
    client.connect();
    await connected(rec);
    for (let round = 1; round <= 6; round += 1) {
      vi.advanceTimersByTime(400);
      await changes.until(() => rec.ofType('pong').length === round, `pong ${round}`);
    }
    expect(client.state).toBe('connected');
    expect(server.upgradeAttempts).toBe(1);
  });

  it('gives up on a handshake that never completes after silenceTimeoutMs, then retries', async () => {
    useFakeClock();
    server.hangUpgrades(true);
    const { client, rec } = start({ silenceTimeoutMs: 1_000 });
    client.connect();
    await changes.until(() => server.upgradeAttempts === 1, 'the hung upgrade');
    server.hangUpgrades(false);

    vi.advanceTimersByTime(1_000);
    expect(rec.states).toEqual([
      { state: 'connecting', reconnectCount: 0 },
      { state: 'error', reconnectCount: 0, code: 4000 },
    ]);
    vi.advanceTimersToNextTimer();
    await connected(rec);
    expect(client.reconnectCount).toBe(1);
  });
});

describe('sequence numbers', () => {
  it('drops stale and unsubscribed messages, reports a gap and resyncs the topic, and keeps the seqs across connections', async () => {
    const { client, rec } = start({ topics: ['price:005930'] });
    client.connect();
    await changes.until(() => server.connections[0]?.topics.has('price:005930') === true, 'the subscription');
    const conn = server.connection(0);
    const seqs = (): number[] => rec.ofType('price_update').map((m) => m.seq);

    server.publish(aPriceUpdate('005930', 5));
    server.send(conn, aPriceUpdate('005930', 5, 1)); // the same seq again (a late snapshot)
    server.send(conn, aPriceUpdate('005930', 3, 2)); // older
    server.send(conn, aPriceUpdate('000660', 1)); // a topic this client does not want
    server.publish(aPriceUpdate('005930', 6));
    await fence(rec, 0);
    expect(seqs()).toEqual([5, 6]);
    expect(rec.gaps).toEqual([]);

    server.publish(aPriceUpdate('005930', 9));
    await changes.until(() => rec.gaps.length === 1, 'the gap');
    expect(rec.gaps).toEqual([['price:005930', 7, 9]]);
    // Resync: unsubscribe + subscribe; the server answers with `subscribed` and the snapshot (seq 9, already seen).
    await changes.until(() => rec.ofType('subscribed').length === 2, 'the resync ack');
    expect(conn.received.slice(1)).toEqual([
      { type: 'unsubscribe', topic: 'price:005930' },
      { type: 'subscribe', topic: 'price:005930' },
    ]);
    server.publish(aPriceUpdate('005930', 10));
    await changes.until(() => seqs().length === 4, 'seq 10');
    expect(seqs()).toEqual([5, 6, 9, 10]);
    // The resync's own unsubscribe ack is not the application's business.
    expect(rec.ofType('unsubscribed')).toEqual([]);
    expect(client.topics()).toEqual(['price:005930']);

    // A new connection (perhaps another edge) keeps the sequence state: seqs are the producer's, so
    // the snapshot of seq 10 is a duplicate and dropped; the next message continues without a gap.
    server.dropAll();
    await changes.until(() => rec.ofType('subscribed').length === 3, 'the subscription on the new connection');
    server.publish(aPriceUpdate('005930', 11));
    await changes.until(() => seqs().length === 5, 'seq 11');
    expect(seqs()).toEqual([5, 6, 9, 10, 11]);
    expect(rec.gaps).toHaveLength(1);

    // After unsubscribe, late messages of the topic are dropped.
    client.unsubscribe('price:005930');
    await changes.until(() => rec.ofType('unsubscribed').length === 1, 'the unsubscribe ack');
    server.send(server.connection(1), aPriceUpdate('005930', 12));
    await fence(rec, 1);
    expect(seqs()).toHaveLength(5);
  });
});

describe('close()', () => {
  it('closes with 1000, clears every timer and never reconnects; connect() starts again', async () => {
    useFakeClock();
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    }
    const { client, rec } = start({ WebSocket: TrackedWebSocket, topics: ['market-gate'], pingIntervalMs: 1_000, silenceTimeoutMs: 3_000 });
    client.connect();
    await connected(rec);

    client.close();
    expect(rec.states.at(-1)).toEqual({ state: 'disconnected', reconnectCount: 0, code: 1000 });
    expect(client.clientId).toBeUndefined();
    await changes.until(() => server.connection(0).closed !== undefined, 'the server-side close');
    expect(server.connection(0).closed?.code).toBe(1000);
    const socket = sockets[0];
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) await once(socket, 'close');
    expect(vi.getTimerCount()).toBe(0);

    vi.advanceTimersByTime(60_000);
    expect(server.upgradeAttempts).toBe(1);
    expect(framesOf(server.connection(0).received, 'ping')).toEqual([]);
    expect(rec.states).toHaveLength(3);

    client.connect();
    await connected(rec, 2);
    expect(rec.states.at(-1)).toEqual({ state: 'connected', reconnectCount: 0 });
    await changes.until(() => server.connections[1]?.topics.has('market-gate') === true, 'the topics remembered across close()');
  });

  it('cancels a pending reconnect', async () => {
    useFakeClock();
    const { client, rec } = start({ random: () => 1, backoff: { baseMs: 5_000, maxMs: 5_000 } });
    client.connect();
    await connected(rec);
    server.dropAll();
    await changes.until(() => client.state === 'disconnected', 'the drop');
    expect(vi.getTimerCount()).toBe(1);

    client.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(server.upgradeAttempts).toBe(1);
    expect(rec.states.at(-1)).toEqual({ state: 'disconnected', reconnectCount: 0, code: 1000 });
  });

  it('aborts a handshake in progress', async () => {
    useFakeClock();
    server.hangUpgrades(true);
    const { client, rec } = start();
    client.connect();
    await changes.until(() => server.upgradeAttempts === 1, 'the hung upgrade');

    client.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(rec.states).toEqual([
      { state: 'connecting', reconnectCount: 0 },
      { state: 'disconnected', reconnectCount: 0, code: 1000 },
    ]);
    vi.advanceTimersByTime(10 * 60_000);
    expect(server.upgradeAttempts).toBe(1);
  });
});
