// What the fault suite records: every frame each SDK client delivers to its application, every
// state change, and (the truth to compare with) every message the producers put on NATS.
import WebSocket from 'ws';
import { connectNats, connectRedis, createNatsBus, createRedisLastValueStore, createTopicPublisher, type Bus } from '@repo/bus';
import { silentLogger } from '../../libs/bus/src/logger.js';
import { createClient, type Client, type ConnectionState, type ServerMessage } from '@repo/client';
import { decodeEnvelope } from '@repo/protocol';
import { waitFor } from '../fixtures/wait-for.js';

export interface Delivery {
  readonly topic: string;
  readonly seq: number;
  /** The producer's publish time. */
  readonly tsMs: number;
  readonly atMs: number;
}

/** A message as the producer put it on NATS. */
export interface Published extends Delivery {
  /** The producing instance. */
  readonly src: string;
  /** A quote's source (`kiwoom_rest`, `db`), when it is one. */
  readonly source: string | undefined;
}

export interface StateChange {
  readonly state: ConnectionState;
  readonly code: number | undefined;
  readonly atMs: number;
}

/** One SDK client through nginx, as a browser or a bot runs it, recording everything. */
export class RecordedClient {
  readonly deliveries: Delivery[] = [];
  readonly states: StateChange[] = [];
  /** Per topic, when the server acknowledged each subscription. */
  readonly subscribedAt = new Map<string, number[]>();
  readonly gaps: [string, number, number][] = [];
  readonly client: Client;

  constructor(
    readonly index: number,
    url: string,
    readonly topics: readonly string[],
  ) {
    this.client = createClient({
      url,
      topics,
      WebSocket: WebSocket,
      backoff: { baseMs: 200, maxMs: 2_000 },
    });
    const deliver = (m: ServerMessage): void => {
      if (!('seq' in m)) return;
      this.deliveries.push({ topic: m.topic, seq: m.seq, tsMs: m.ts === undefined ? Number.NaN : Date.parse(m.ts), atMs: Date.now() });
    };
    for (const type of ['price_update', 'index_update', 'market_gate_update', 'signal_update'] as const) this.client.on(type, deliver);
    this.client.on('subscribed', (m) => {
      const list = this.subscribedAt.get(m.topic) ?? [];
      list.push(Date.now());
      this.subscribedAt.set(m.topic, list);
    });
    this.client.onState((state, info) => this.states.push({ state, code: info.code, atMs: Date.now() }));
    this.client.onGap((topic, expected, got) => this.gaps.push([topic, expected, got]));
    this.client.connect();
  }

  get connected(): boolean {
    return this.client.state === 'connected';
  }

  /** Times the connection was lost after `sinceMs` (a `disconnected` or `error` after being up). */
  disconnects(sinceMs = 0): StateChange[] {
    return this.states.filter((s) => s.atMs >= sinceMs && (s.state === 'disconnected' || s.state === 'error'));
  }

  deliveriesOf(topic: string, sinceMs = 0): Delivery[] {
    return this.deliveries.filter((d) => d.topic === topic && d.atMs >= sinceMs);
  }

  /** Per topic, a seq delivered twice or after a higher one. */
  duplicates(): string[] {
    const last = new Map<string, number>();
    const problems: string[] = [];
    for (const d of this.deliveries) {
      const prev = last.get(d.topic);
      if (prev !== undefined && d.seq <= prev) problems.push(`client ${this.index} ${d.topic}: seq ${d.seq} after ${prev}`);
      last.set(d.topic, d.seq);
    }
    return problems;
  }

  close(): void {
    this.client.close();
  }
}

/** Every envelope on `md.>`, read from NATS by the test: what the producers published. */
export class BusRecorder {
  readonly published: Published[] = [];

  private constructor(readonly bus: Bus) {}

  static async start(natsUrl: string): Promise<BusRecorder> {
    const nc = await connectNats(natsUrl, {
      logger: silentLogger,
      name: 'fault-recorder',
      reconnectTimeWaitMs: 100,
      maxReconnectTimeWaitMs: 500,
    });
    const recorder = new BusRecorder(createNatsBus(nc, { logger: silentLogger }));
    recorder.bus.subscribe('md.>', (data) => {
      const envelope = decodeEnvelope(data);
      const source = (envelope.data as { source?: unknown }).source;
      recorder.published.push({
        topic: envelope.topic,
        seq: envelope.seq,
        tsMs: Date.parse(envelope.ts),
        atMs: Date.now(),
        src: envelope.src,
        source: typeof source === 'string' ? source : undefined,
      });
    });
    await recorder.bus.flush();
    return recorder;
  }

  of(topic: string, fromMs = 0, toMs = Number.POSITIVE_INFINITY): Published[] {
    return this.published.filter((p) => p.topic === topic && p.atMs >= fromMs && p.atMs <= toMs);
  }

  /** Per topic, a seq published twice or going back: two producers, or one that lost its place. */
  duplicates(fromMs = 0): string[] {
    const last = new Map<string, number>();
    const problems: string[] = [];
    for (const p of this.published) {
      if (p.atMs < fromMs) continue;
      const prev = last.get(p.topic);
      if (prev !== undefined && p.seq <= prev) problems.push(`${p.topic}: seq ${p.seq} published after ${prev}`);
      last.set(p.topic, p.seq);
    }
    return problems;
  }

  stop(): Promise<void> {
    return this.bus.drain();
  }
}

/**
 * A signal producer owned by the test (`signal:daytrading`, which the signal engine leaves alone):
 * a signal set every `everyMs` through the same publisher the services use, so the rows that
 * count lost signals have a steady stream to count.
 */
export class SignalProducer {
  static readonly TOPIC = 'signal:daytrading';
  #timer: NodeJS.Timeout | undefined;
  #count = 0;
  #bytes = 0;

  private constructor(
    private readonly publish: (bytes: number) => Promise<unknown>,
    private readonly close: () => Promise<unknown>,
  ) {}

  static async start(natsUrl: string, redisUrl: string): Promise<SignalProducer> {
    const nc = await connectNats(natsUrl, { logger: silentLogger, name: 'fault-signals' });
    const bus = createNatsBus(nc, { logger: silentLogger });
    const redis = connectRedis(redisUrl, { logger: silentLogger, name: 'fault-signals' });
    const publisher = createTopicPublisher({ bus, lastValues: createRedisLastValueStore(redis, {}), src: 'fault-test' });
    let n = 0;
    return new SignalProducer(
      (bytes) => {
        n += 1;
        const signal = bytes > 0 ? { ticker: '005930', n, note: 'x'.repeat(bytes) } : { ticker: '005930', n };
        return publisher.publish(SignalProducer.TOPIC, {
          type: 'signal_update',
          data: { signal_type: 'daytrading', signals: [signal], count: 1, timestamp: new Date().toISOString() },
        });
      },
      async () => {
        await bus.drain();
        redis.disconnect();
      },
    );
  }

  /** Publishes every `everyMs` (each set about `bytes` long) until `pause`; failures (an outage) are skipped. */
  run(everyMs: number, bytes = 0): void {
    this.pause();
    this.#bytes = bytes;
    this.#timer = setInterval(() => {
      this.publish(this.#bytes).then(
        () => (this.#count += 1),
        () => undefined,
      );
    }, everyMs);
  }

  get count(): number {
    return this.#count;
  }

  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async stop(): Promise<void> {
    this.pause();
    await this.close();
  }
}

/** `count` clients, each on three tickers, the market gate, VCP and the test's signal topic. */
export async function startClients(wsUrl: string, count: number, tickers: readonly string[]): Promise<RecordedClient[]> {
  const clients: RecordedClient[] = [];
  for (let i = 0; i < count; i++) {
    const mine = [0, 1, 2].map((k) => `price:${tickers[(i + k) % tickers.length]!}`);
    clients.push(new RecordedClient(i, wsUrl, [...mine, 'market-gate', 'signal:vcp', SignalProducer.TOPIC]));
  }
  await waitFor(
    'every client connected and subscribed',
    () => clients.every((c) => c.connected && c.subscribedAt.size === c.topics.length),
    {
      timeoutMs: 30_000,
      intervalMs: 50,
    },
  );
  return clients;
}

/** The pth percentile (0..100) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Signals lost by a client on `topic` in [fromMs, toMs]: a published seq the client did not
 * receive although it was subscribed when it was published (more than `marginMs` after the
 * subscription was acknowledged and before the connection dropped), or one it missed while away
 * that no later message superseded.
 */
export function lostMessages(
  client: RecordedClient,
  recorder: BusRecorder,
  topic: string,
  fromMs: number,
  toMs: number,
  marginMs = 100,
): string[] {
  const received = new Set(client.deliveriesOf(topic).map((d) => d.seq));
  const maxReceived = Math.max(-1, ...received);
  const acks = client.subscribedAt.get(topic) ?? [];
  const drops = client.disconnects().map((s) => s.atMs);
  const subscribedAt = (t: number): boolean => {
    const ack = acks.filter((a) => a <= t - marginMs).at(-1);
    if (ack === undefined) return false;
    return !drops.some((d) => d > ack && d < t + marginMs);
  };
  const lost: string[] = [];
  for (const p of recorder.of(topic, fromMs, toMs)) {
    if (received.has(p.seq)) continue;
    if (subscribedAt(p.atMs)) lost.push(`client ${client.index} missed ${topic} seq ${p.seq} while subscribed`);
    else if (p.seq > maxReceived) lost.push(`client ${client.index} never got ${topic} seq ${p.seq} or a later one`);
  }
  return lost;
}
