import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TOPICS, createClient, type Client, type ClientOptions, type WebSocketConstructor, type WebSocketLike } from './index.js';

/** An in-memory socket shaped like the browser's (no `terminate`), driven by the test. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: string[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  receiveRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  closeFromServer(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const clients: Client[] = [];

function fakeClient(options: Partial<ClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const FakeWebSocket: WebSocketConstructor = class extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  };
  const client = createClient({ url: 'ws://edge.test/ws', WebSocket: FakeWebSocket, random: () => 0, ...options });
  clients.push(client);
  const socket = (index: number): FakeSocket => {
    const found = sockets[index];
    if (found === undefined) throw new Error(`no socket #${index}`);
    return found;
  };
  return { client, sockets, socket };
}

const parsed = (socket: FakeSocket): unknown[] => socket.sent.map((s) => JSON.parse(s) as unknown);

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('createClient options', () => {
  it('rejects a URL that is not ws: or wss:, and bad timer values, at creation', () => {
    expect(() => fakeClient({ url: '/ws' })).toThrow(/absolute ws:\/\/ or wss:\/\/ URL/);
    expect(() => fakeClient({ url: 'http://edge.test/ws' })).toThrow(/must use ws: or wss:/);
    expect(() => fakeClient({ pingIntervalMs: 0 })).toThrow(RangeError);
    expect(() => fakeClient({ silenceTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => fakeClient({ backoff: { baseMs: 1_000, maxMs: 10 } })).toThrow(/backoff.maxMs/);
    expect(() => fakeClient({ maxReconnects: -1 })).toThrow(RangeError);
    expect(() => fakeClient({ url: 'wss://edge.test/ws', maxReconnects: 0 })).not.toThrow();
  });

  it('uses globalThis.WebSocket by default and says what to pass when there is none', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => createClient({ url: 'ws://edge.test/ws' })).toThrow(/pass options.WebSocket/);
    const created: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class extends FakeSocket {
        constructor(url: string) {
          super(url);
          created.push(url);
        }
      },
    );
    const client = createClient({ url: 'ws://edge.test/ws' });
    client.connect();
    client.close();
    expect(created).toEqual(['ws://edge.test/ws']);
  });
});

describe('topics', () => {
  it('rejects invalid topics and caps the set at MAX_TOPICS (200) with a clear error', () => {
    const { client } = fakeClient();
    expect(() => client.subscribe('price:12345')).toThrow(TypeError);
    expect(() => client.subscribe('vcp:signals')).toThrow(/invalid topic/);
    for (let i = 0; i < MAX_TOPICS; i += 1) client.subscribe(`price:${String(i).padStart(6, '0')}`);
    client.subscribe('price:000000'); // already there: no-op, not an error
    expect(client.topics()).toHaveLength(200);
    expect(() => client.subscribe('market-gate')).toThrow(/at most 200 topics/);
    client.unsubscribe('price:000000');
    client.subscribe('market-gate');
    expect(client.topics()).toHaveLength(200);
    expect(() => fakeClient({ topics: Array.from({ length: MAX_TOPICS + 1 }, (_, i) => `price:${String(i).padStart(6, '0')}`) })).toThrow(
      RangeError,
    );
  });

  it('remembers topics while disconnected and sends them once after open; an unknown unsubscribe sends nothing', () => {
    const { client, socket } = fakeClient({ topics: ['signal:vcp'] });
    client.subscribe('signal:vcp');
    client.subscribe('market:kospi');
    client.unsubscribe('market:kosdaq');
    client.connect();
    expect(socket(0).sent).toEqual([]);
    socket(0).open();
    expect(parsed(socket(0))).toEqual([
      { type: 'subscribe', topic: 'signal:vcp' },
      { type: 'subscribe', topic: 'market:kospi' },
    ]);
  });
});

describe('inbound frames', () => {
  it('ignores binary, malformed and unknown frames, fan-out without topic/seq, yet counts them as liveness', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { client, socket } = fakeClient({ topics: ['price:005930'], pingIntervalMs: 10_000, silenceTimeoutMs: 1_000 });
    const delivered: unknown[] = [];
    client.on('price_update', (m) => delivered.push(m));
    client.on('error', (m) => delivered.push(m));
    client.on('subscribed', (m) => delivered.push(m));
    client.on('connected', (m) => delivered.push(m));
    client.connect();
    socket(0).open();
    for (const frame of [
      new Uint8Array([1, 2]),
      '{oops',
      '[1]',
      'null',
      '{"type":"stats"}',
      '{"type":"price_update","seq":1}',
      '{"type":"subscribed"}',
      '{"type":"connected"}',
    ]) {
      vi.advanceTimersByTime(900);
      socket(0).receiveRaw(frame);
    }
    socket(0).receive({ type: 'price_update', topic: 'price:005930', seq: 1.5 });
    expect(delivered).toEqual([]);
    expect(client.clientId).toBeUndefined();
    expect(client.state).toBe('connected');
    socket(0).receive({ type: 'error', code: 'INVALID_TOPIC', message: 'Invalid topic' });
    expect(delivered).toEqual([{ type: 'error', code: 'INVALID_TOPIC', message: 'Invalid topic' }]);
  });

  it('closes a silent socket with 4000 where it cannot terminate it (browsers), and ignores its late events', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { client, socket, sockets } = fakeClient({ pingIntervalMs: 10_000, silenceTimeoutMs: 1_000 });
    const states: string[] = [];
    client.onState((state, info) => states.push(`${state}:${info.reconnectCount}:${info.code ?? '-'}`));
    client.connect();
    socket(0).open();
    vi.advanceTimersByTime(1_000);
    expect(socket(0).closedWith).toEqual({ code: 4000, reason: 'silence timeout' });
    socket(0).closeFromServer(1006); // the browser's close event, later
    socket(0).receive({ type: 'ping' });
    vi.advanceTimersToNextTimer();
    expect(sockets).toHaveLength(2);
    expect(states).toEqual(['connecting:0:-', 'connected:0:-', 'disconnected:0:4000', 'connecting:1:-']);
    expect(socket(0).sent).toEqual([]);
  });

  it('keeps dispatching when a handler throws, and rethrows the error asynchronously', () => {
    const { client, socket } = fakeClient();
    const later: Array<() => void> = [];
    const seen: string[] = [];
    client.on('connected', () => {
      throw new Error('handler bug');
    });
    client.on('connected', (m) => seen.push(m.client_id));
    client.connect();
    socket(0).open();
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => later.push(callback));
    socket(0).receive({ type: 'connected', client_id: 'c1', message: 'WebSocket connection established' });
    vi.restoreAllMocks();
    expect(seen).toEqual(['c1']);
    expect(client.clientId).toBe('c1');
    expect(later).toHaveLength(1);
    expect(() => later[0]?.()).toThrow('handler bug');
  });

  it('does not resync a topic that a gap handler unsubscribed from', () => {
    const { client, socket } = fakeClient({ topics: ['market-gate'] });
    client.onGap((topic) => client.unsubscribe(topic));
    const delivered: number[] = [];
    client.on('market_gate_update', (m) => delivered.push(m.seq));
    client.connect();
    socket(0).open();
    const gate = (seq: number) => ({ type: 'market_gate_update', topic: 'market-gate', seq, timestamp: '2025-09-10T06:20:00Z', data: {} });
    socket(0).receive(gate(1));
    socket(0).receive(gate(3));
    expect(delivered).toEqual([1]);
    expect(parsed(socket(0))).toEqual([
      { type: 'subscribe', topic: 'market-gate' },
      { type: 'unsubscribe', topic: 'market-gate' },
    ]);
  });

  it('stops calling a handler once its unsubscribe function ran', () => {
    const { client, socket } = fakeClient();
    const calls: string[] = [];
    const off = client.on('pong', () => calls.push('pong'));
    const offState = client.onState((state) => calls.push(state));
    const offGap = client.onGap(() => calls.push('gap'));
    client.connect();
    socket(0).open();
    socket(0).receive({ type: 'pong' });
    off();
    offState();
    offGap();
    socket(0).receive({ type: 'pong' });
    client.close();
    expect(calls).toEqual(['connecting', 'connected', 'pong']);
  });
});

describe('state transitions', () => {
  it('reports error and stops when the WebSocket constructor throws', () => {
    const client = createClient({
      url: 'ws://edge.test/ws',
      WebSocket: class {
        constructor() {
          throw new Error('blocked by policy');
        }
      } as unknown as WebSocketConstructor,
    });
    const states: string[] = [];
    client.onState((state) => states.push(state));
    client.connect();
    expect(states).toEqual(['error']);
    expect(client.state).toBe('error');
  });

  it('grows the backoff across connections that drop at once, and resets it after one stayed up for maxMs', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { client, socket } = fakeClient({ random: () => 1, backoff: { baseMs: 100, maxMs: 1_000 }, silenceTimeoutMs: 60_000 });
    const delays: number[] = [];
    const dropAfter = (index: number, upMs: number): void => {
      socket(index).open();
      vi.advanceTimersByTime(upMs);
      socket(index).closeFromServer(1013);
      const before = Date.now();
      vi.advanceTimersToNextTimer();
      delays.push(Date.now() - before);
    };
    client.connect();
    dropAfter(0, 10);
    dropAfter(1, 10);
    dropAfter(2, 10);
    dropAfter(3, 1_000);
    dropAfter(4, 10);
    expect(delays).toEqual([100, 200, 400, 100, 200]);
    expect(client.reconnectCount).toBe(1);
  });

  it('lets a state handler close the client in the middle of a transition', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { client, socket, sockets } = fakeClient();
    client.onState((state) => {
      if (state === 'disconnected' && client.reconnectCount === 0) client.close();
    });
    client.connect();
    socket(0).open();
    socket(0).closeFromServer(1012);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('disconnected');
  });
});

describe('token provider (edge authentication)', () => {
  it('asks for a fresh token before every attempt and sends it as ?token=, keeping the other query parameters', async () => {
    vi.useFakeTimers();
    let issued = 0;
    const { client, sockets, socket } = fakeClient({ url: 'ws://edge.test/ws?subscribe=market-gate', token: () => `jwt-${++issued}` });
    const states: [string, number | undefined][] = [];
    client.onState((state, info) => states.push([state, info.code]));
    client.connect();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(socket(0).url).toBe('ws://edge.test/ws?subscribe=market-gate&token=jwt-1');
    socket(0).open();
    // The edge closes with 4001 when the token expires: the next attempt carries a new one.
    socket(0).closeFromServer(4001);
    await vi.runOnlyPendingTimersAsync();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(socket(1).url).toBe('ws://edge.test/ws?subscribe=market-gate&token=jwt-2');
    expect(states).toEqual([
      ['connecting', undefined],
      ['connected', undefined],
      ['disconnected', 4001],
      ['connecting', undefined],
    ]);
  });

  it('treats a failing provider as a failed attempt and retries with backoff', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { client, sockets } = fakeClient({
      token: () => {
        calls += 1;
        if (calls === 1) throw new Error('identity provider down');
        return Promise.resolve('jwt-ok');
      },
    });
    const states: [string, number | undefined][] = [];
    client.onState((state, info) => states.push([state, info.code]));
    client.connect();
    await vi.waitFor(() => expect(states).toContainEqual(['error', 4901]));
    expect(sockets).toHaveLength(0);
    await vi.runOnlyPendingTimersAsync();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(sockets[0]!.url).toBe('ws://edge.test/ws?token=jwt-ok');
  });

  it('opens nothing when closed while the token is on its way', async () => {
    let release: (token: string) => void = () => undefined;
    const { client, sockets } = fakeClient({ token: () => new Promise<string>((resolve) => (release = resolve)) });
    client.connect();
    client.close();
    release('late');
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).toHaveLength(0);
    expect(client.state).toBe('disconnected');
  });
});
