import { describe, expect, it, onTestFinished } from 'vitest';
import type { Bus, BusStatus } from '../src/bus.js';
import { BusClosedError } from '../src/errors.js';
import type { HandlerErrorReporter } from '../src/logger.js';
import { randomPrefix, recorder, type Recorder } from './recorder.js';

export interface BusUnderTest {
  bus: Bus;
  cleanup(): Promise<void>;
}

export interface MakeBusOptions {
  onHandlerError?: HandlerErrorReporter;
}

interface Received {
  subject: string;
  text: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (s: string): Uint8Array => encoder.encode(s);

/**
 * The behaviour every `Bus` implementation must have. Each test gets a fresh bus from `makeBus`
 * and its own random subject prefix.
 */
export function describeBusContract(name: string, makeBus: (opts?: MakeBusOptions) => Promise<BusUnderTest>): void {
  describe(`${name} (Bus contract)`, () => {
    async function setup(opts?: MakeBusOptions): Promise<{ bus: Bus; p: string }> {
      const made = await makeBus(opts);
      onTestFinished(() => made.cleanup());
      return { bus: made.bus, p: randomPrefix() };
    }

    function listen(bus: Bus, subject: string): Recorder<Received> & { unsubscribe(): void } {
      const got = recorder<Received>();
      const sub = bus.subscribe(subject, (data, concrete) => got.push({ subject: concrete, text: decoder.decode(data) }));
      return Object.assign(got, { unsubscribe: () => sub.unsubscribe() });
    }

    it('delivers the exact published bytes with the concrete subject', async () => {
      const { bus, p } = await setup();
      const got = recorder<{ subject: string; bytes: number[] }>();
      bus.subscribe(`${p}.a`, (data, subject) => got.push({ subject, bytes: Array.from(data) }));
      await bus.flush();
      const bytes = Uint8Array.from([0, 1, 10, 13, 127, 128, 254, 255, ...text('가격')]);

      bus.publish(`${p}.a`, bytes);

      await got.waitForCount(1);
      expect(got.values).toEqual([{ subject: `${p}.a`, bytes: Array.from(bytes) }]);
    });

    it('matches `*` against exactly one token', async () => {
      const { bus, p } = await setup();
      const got = listen(bus, `${p}.price.*`);
      await bus.flush();

      for (const subject of [`${p}.price.005930`, `${p}.price`, `${p}.price.a.b`, `${p}.index.kospi`, `${p}.price.last`]) {
        bus.publish(subject, text(subject));
      }

      await got.waitForCount(2);
      expect(got.values.map((m) => m.subject)).toEqual([`${p}.price.005930`, `${p}.price.last`]);
    });

    it('matches `>` against one or more trailing tokens', async () => {
      const { bus, p } = await setup();
      const got = listen(bus, `${p}.md.>`);
      await bus.flush();

      for (const subject of [`${p}.md`, `${p}.md.a`, `${p}.other.a`, `${p}.md.a.b.c`, `${p}.mdx.a`, `${p}.md.last`]) {
        bus.publish(subject, text(subject));
      }

      await got.waitForCount(3);
      expect(got.values.map((m) => m.subject)).toEqual([`${p}.md.a`, `${p}.md.a.b.c`, `${p}.md.last`]);
    });

    it('stops delivery after unsubscribe', async () => {
      const { bus, p } = await setup();
      const gone = listen(bus, `${p}.a`);
      const witness = listen(bus, `${p}.b`);
      await bus.flush();

      gone.unsubscribe();
      gone.unsubscribe(); // idempotent
      bus.publish(`${p}.a`, text('after unsubscribe'));
      bus.publish(`${p}.b`, text('witness'));

      await witness.waitForCount(1);
      expect(gone.values).toEqual([]);
    });

    it('lets a handler unsubscribe itself', async () => {
      const { bus, p } = await setup();
      const got = recorder<string>();
      const sub = bus.subscribe(`${p}.a`, (data) => {
        got.push(decoder.decode(data));
        sub.unsubscribe();
      });
      const witness = listen(bus, `${p}.b`);
      await bus.flush();

      bus.publish(`${p}.a`, text('1'));
      bus.publish(`${p}.a`, text('2'));
      bus.publish(`${p}.b`, text('witness'));

      await witness.waitForCount(1);
      expect(got.values).toEqual(['1']);
    });

    it('gives each subscriber one copy', async () => {
      const { bus, p } = await setup();
      const first = listen(bus, `${p}.x`);
      const second = listen(bus, `${p}.x`);
      const wildcard = listen(bus, `${p}.*`);
      await bus.flush();

      bus.publish(`${p}.x`, text('one'));
      bus.publish(`${p}.x`, text('end'));

      for (const got of [first, second, wildcard]) {
        await got.waitForCount(2);
        expect(got.values.map((m) => m.text)).toEqual(['one', 'end']);
      }
    });

    it('keeps publish order for 1000 messages', async () => {
      const { bus, p } = await setup();
      const got = listen(bus, `${p}.seq`);
      await bus.flush();

      for (let i = 0; i < 1000; i++) bus.publish(`${p}.seq`, text(String(i)));

      await got.waitForCount(1000, { timeoutMs: 10_000 });
      expect(got.values.map((m) => Number(m.text))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    it('keeps delivering to other handlers when one throws, and reports the error', async () => {
      const errors = recorder<{ err: unknown; subject: string }>();
      const { bus, p } = await setup({ onHandlerError: (err, subject) => errors.push({ err, subject }) });
      const boom = new Error('boom');
      bus.subscribe(`${p}.a`, () => {
        throw boom;
      });
      const got = listen(bus, `${p}.a`);
      await bus.flush();

      bus.publish(`${p}.a`, text('1'));
      bus.publish(`${p}.a`, text('2'));

      await got.waitForCount(2);
      await errors.waitForCount(2);
      expect(got.values.map((m) => m.text)).toEqual(['1', '2']);
      expect(errors.values).toEqual([
        { err: boom, subject: `${p}.a` },
        { err: boom, subject: `${p}.a` },
      ]);
    });

    it('refuses publish, subscribe and flush after drain, and drains idempotently', async () => {
      const { bus, p } = await setup();

      await bus.drain();
      await bus.drain();

      expect(() => bus.publish(`${p}.a`, text('late'))).toThrow(BusClosedError);
      expect(() => bus.subscribe(`${p}.a`, () => undefined)).toThrow(BusClosedError);
      await expect(bus.flush()).rejects.toBeInstanceOf(BusClosedError);
    });

    it('is connected until drained, then closed, and tells its status listeners', async () => {
      const { bus } = await setup();
      const statuses: BusStatus[] = [];
      const removed: BusStatus[] = [];
      bus.onStatus((s) => statuses.push(s));
      const remove = bus.onStatus((s) => removed.push(s));
      remove();

      expect(bus.status()).toBe('connected');
      await bus.drain();

      expect(bus.status()).toBe('closed');
      expect(statuses).toEqual(['closed']);
      expect(removed).toEqual([]);
    });
  });
}
