import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Registry } from 'prom-client';
import { CloseCode } from '@repo/protocol';
import { createBacklogs, tickKind, type Backlog, type BacklogSocket } from './backlog.js';

/** The uWS topic of a slice, as the edge names it (slice 0 keeps the plain name, like these tests' expectations). */
const channel = (topic: string, slice: number): string => (slice === 0 ? topic : `${topic}|${slice}`);

/** A socket whose send buffer the test sets; `sent` is what reached it, in order. */
class FakeSocket implements BacklogSocket {
  isOpen = true;
  buffered = 0;
  readonly sent: string[] = [];
  readonly uwsTopics = new Set<string>();
  closedWith: number | undefined;
  readonly data: { topics: Map<string, number>; slot: number; backlog: Backlog | undefined };

  constructor(topics: string[], slot = 0) {
    this.data = { topics: new Map(), slot, backlog: undefined };
    for (const topic of topics) {
      this.data.topics.set(topic, 1);
      this.uwsTopics.add(channel(topic, slot));
    }
  }
  send(frame: string) {
    this.sent.push(frame);
    this.buffered += Buffer.byteLength(frame);
    return 'buffered' as const;
  }
  subscribe(topic: string) {
    this.uwsTopics.add(topic);
  }
  unsubscribe(topic: string) {
    this.uwsTopics.delete(topic);
  }
  bufferedAmount() {
    return this.buffered;
  }
  cork(fn: () => void) {
    fn();
  }
}

function setup(sockets: FakeSocket[], opts: { conflateBytes?: number; hardCapBytes?: number } = {}) {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    conflated: new Counter({ name: 'conflated', help: 'c', labelNames: ['kind', 'reason'] as const, registers }),
    backlogged: new Gauge({ name: 'backlogged', help: 'b', registers }),
    transitions: new Counter({ name: 'transitions', help: 't', labelNames: ['to'] as const, registers }),
    messagesDropped: new Counter({ name: 'dropped', help: 'd', labelNames: ['reason'] as const, registers }),
    messagesSent: new Counter({ name: 'sent', help: 's', labelNames: ['kind'] as const, registers }),
  };
  const backlogs = createBacklogs<FakeSocket>({
    conflateBytes: opts.conflateBytes ?? 1_000,
    hardCapBytes: opts.hardCapBytes ?? 10_000,
    checkIntervalMs: 60_000,
    connections: () => sockets,
    channel,
    close: (ws, code) => {
      ws.closedWith = code;
      ws.isOpen = false;
      backlogs.closed(ws);
    },
    metrics,
  });
  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const { values } = await (registry.getSingleMetric(name) as Counter).get();
    const sample = values.find((v) => Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l));
    return sample?.value ?? 0;
  };
  return { backlogs, value };
}

interface Sent {
  readonly type: string;
  readonly topic: string;
  readonly seq: number;
}
const tick = (topic: string, seq: number): string => JSON.stringify({ type: 'price_update', topic, seq });
const signal = (seq: number, pad = 0): string => JSON.stringify({ type: 'signal_update', topic: 'signal:vcp', seq, pad: 'x'.repeat(pad) });
const parsed = (frames: string[]): Sent[] => frames.map((f) => JSON.parse(f) as Sent);

const TOPICS = ['price:005930', 'price:000660', 'signal:vcp', 'market-gate'];

describe('backlogs', () => {
  it('classifies price and index topics as ticks, signals and the gate as lossless', () => {
    expect(tickKind('price:005930')).toBe('price');
    expect(tickKind('market:kospi')).toBe('index');
    expect(tickKind('signal:vcp')).toBeUndefined();
    expect(tickKind('market-gate')).toBeUndefined();
    expect(tickKind('nonsense')).toBeUndefined();
  });

  it('leaves sockets under the threshold on their uWS topics and queues nothing for them', () => {
    const ws = new FakeSocket(TOPICS);
    ws.buffered = 1_000;
    const { backlogs } = setup([ws]);
    backlogs.check();
    expect(backlogs.size).toBe(0);
    expect([...ws.uwsTopics]).toEqual(TOPICS);
    backlogs.publish('price:005930', 0, tick('price:005930', 1));
    expect(backlogs.enqueue(ws, 'ack')).toBe(false);
    expect(ws.sent).toEqual([]);
  });

  it('conflates ticks per topic in their place, keeps every signal in order, and rejoins the topics once drained', async () => {
    const ws = new FakeSocket(TOPICS);
    const live = new FakeSocket(TOPICS);
    const { backlogs, value } = setup([ws, live]);
    ws.buffered = 1_001;
    backlogs.check();
    expect(backlogs.size).toBe(1);
    expect(ws.uwsTopics.size).toBe(0);
    expect([...live.uwsTopics]).toEqual(TOPICS);

    backlogs.publish('price:005930', 0, tick('price:005930', 1));
    backlogs.publish('signal:vcp', 0, signal(1));
    backlogs.publish('price:000660', 0, tick('price:000660', 1));
    for (let seq = 2; seq <= 50; seq += 1) {
      backlogs.publish('price:005930', 0, tick('price:005930', seq));
      if (seq % 10 === 0) backlogs.publish('signal:vcp', 0, signal(seq / 10 + 1));
    }
    expect(backlogs.enqueue(ws, JSON.stringify({ type: 'subscribed', topic: 'market-gate', seq: 0 }))).toBe(true);
    expect(ws.sent).toEqual([]);
    expect(live.sent).toEqual([]);
    expect(await value('conflated', { kind: 'price', reason: 'slow_reader' })).toBe(49);

    // Not drained enough yet: nothing is written.
    ws.buffered = 600;
    backlogs.drained(ws);
    expect(ws.sent).toEqual([]);

    ws.buffered = 0;
    backlogs.drained(ws);
    expect(parsed(ws.sent).map((f) => `${f.type} ${f.topic} ${f.seq}`)).toEqual([
      'price_update price:005930 50',
      'signal_update signal:vcp 1',
      'price_update price:000660 1',
      'signal_update signal:vcp 2',
      'signal_update signal:vcp 3',
      'signal_update signal:vcp 4',
      'signal_update signal:vcp 5',
      'signal_update signal:vcp 6',
      'subscribed market-gate 0',
    ]);
    expect(backlogs.size).toBe(0);
    expect([...ws.uwsTopics].sort()).toEqual([...TOPICS].sort());
    expect(await value('transitions', { to: 'live' })).toBe(1);
    expect(await value('sent', { kind: 'backlog' })).toBe(9);
  });

  it('writes only what fits under the threshold per drain, and stays backlogged until the queue is empty', () => {
    const ws = new FakeSocket(TOPICS);
    const { backlogs } = setup([ws], { conflateBytes: 1_000 });
    ws.buffered = 2_000;
    backlogs.check();
    for (let seq = 1; seq <= 10; seq += 1) backlogs.publish('signal:vcp', 0, signal(seq, 300));
    ws.buffered = 0;
    backlogs.drained(ws);
    const first = parsed(ws.sent).map((f) => f.seq);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(10);
    expect(backlogs.size).toBe(1);
    // A tick arriving meanwhile queues behind the signals still waiting.
    backlogs.publish('price:005930', 0, tick('price:005930', 7));
    while (backlogs.size > 0) {
      ws.buffered = 0;
      backlogs.drained(ws);
    }
    expect(parsed(ws.sent).map((f) => `${f.type} ${f.seq}`)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `signal_update ${i + 1}`),
      'price_update 7',
    ]);
  });

  it('closes with 1013 when the send buffer plus the queue would pass the hard cap, and forgets the socket', async () => {
    const ws = new FakeSocket(TOPICS);
    const { backlogs, value } = setup([ws], { conflateBytes: 1_000, hardCapBytes: 5_000 });
    ws.buffered = 1_500;
    backlogs.check();
    // Ticks never grow the queue past one per topic, whatever their number.
    for (let seq = 1; seq <= 1_000; seq += 1) backlogs.publish('price:005930', 0, tick('price:005930', seq));
    expect(ws.closedWith).toBeUndefined();
    for (let seq = 1; seq <= 20 && ws.closedWith === undefined; seq += 1) backlogs.publish('signal:vcp', 0, signal(seq, 500));
    expect(ws.closedWith).toBe(CloseCode.TryAgainLater);
    expect(await value('dropped', { reason: 'hard_cap' })).toBe(1);
    expect(backlogs.size).toBe(0);
    backlogs.publish('signal:vcp', 0, signal(99));
    expect(ws.sent).toEqual([]);
  });

  it('follows subscribe and unsubscribe while backlogged', () => {
    const ws = new FakeSocket(['price:005930']);
    const { backlogs } = setup([ws]);
    ws.buffered = 5_000;
    backlogs.check();
    ws.data.topics.set('signal:vcp', 2);
    backlogs.subscribe(ws, 'signal:vcp');
    ws.data.topics.delete('price:005930');
    backlogs.unsubscribe(ws, 'price:005930');
    expect(ws.uwsTopics.size).toBe(0);
    backlogs.publish('price:005930', 0, tick('price:005930', 1));
    backlogs.publish('signal:vcp', 0, signal(1));
    ws.buffered = 0;
    backlogs.drained(ws);
    expect(parsed(ws.sent).map((f) => f.type)).toEqual(['signal_update']);
    expect([...ws.uwsTopics]).toEqual(['signal:vcp']);
  });

  it('queues only its own slice of a fan-out, and leaves and rejoins the uWS topic of its slice', () => {
    const mine = new FakeSocket(['price:005930'], 3);
    const other = new FakeSocket(['price:005930'], 4);
    const { backlogs } = setup([mine, other]);
    mine.buffered = 5_000;
    other.buffered = 5_000;
    backlogs.check();
    expect(mine.uwsTopics.size).toBe(0);
    backlogs.publish('price:005930', 3, tick('price:005930', 1));
    backlogs.publish('price:005930', 4, tick('price:005930', 2));
    mine.buffered = 0;
    backlogs.drained(mine);
    expect(parsed(mine.sent).map((f) => f.seq)).toEqual([1]);
    expect([...mine.uwsTopics]).toEqual(['price:005930|3']);
    other.buffered = 0;
    backlogs.drained(other);
    expect(parsed(other.sent).map((f) => f.seq)).toEqual([2]);
  });
});
