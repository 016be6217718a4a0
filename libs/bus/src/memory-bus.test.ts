import { describe, expect, it } from 'vitest';
import { describeBusContract } from '../test/bus.contract.js';
import type { BusLogger } from './logger.js';
import { createMemoryBus } from './memory-bus.js';

describeBusContract('MemoryBus', async (opts) => {
  const bus = createMemoryBus(opts);
  return { bus, cleanup: () => bus.drain() };
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('MemoryBus', () => {
  it('has run every matching handler when publish returns', () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe('a.b', (data) => got.push(str(data)));

    bus.publish('a.b', bytes('now'));

    expect(got).toEqual(['now']);
  });

  it('delivers a publish made inside a handler after the current message, to every subscription', () => {
    const bus = createMemoryBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe('m.*', (data, subject) => {
      first.push(str(data));
      if (subject === 'm.in') bus.publish('m.out', bytes('echo'));
    });
    bus.subscribe('m.*', (data) => second.push(str(data)));

    bus.publish('m.in', bytes('original'));

    expect(first).toEqual(['original', 'echo']);
    expect(second).toEqual(['original', 'echo']);
  });

  it('copies a buffer published from inside a handler, so the caller may reuse it', () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    const scratch = bytes('one');
    bus.subscribe('in', () => {
      bus.publish('out', scratch);
      scratch.set(bytes('two'));
    });
    bus.subscribe('out', (data) => got.push(str(data)));

    bus.publish('in', bytes('go'));

    expect(got).toEqual(['one']);
  });

  it('starts a subscription made inside a handler with the next message', () => {
    const bus = createMemoryBus();
    const late: string[] = [];
    bus.subscribe('x', () => {
      if (late.length === 0) bus.subscribe('x', (data) => late.push(str(data)));
    });

    bus.publish('x', bytes('1'));
    bus.publish('x', bytes('2'));

    expect(late).toEqual(['2']);
  });

  it('skips a later subscription that an earlier handler of the same message unsubscribed', () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe('x', () => victim.unsubscribe());
    const victim = bus.subscribe('x', (data) => got.push(str(data)));

    bus.publish('x', bytes('1'));

    expect(got).toEqual([]);
  });

  it('delivers what is queued when drained from inside a handler, then refuses more', () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe('in', () => {
      bus.publish('out', bytes('queued'));
      void bus.drain();
    });
    bus.subscribe('out', (data) => got.push(str(data)));

    bus.publish('in', bytes('go'));

    expect(got).toEqual(['queued']);
    expect(bus.status()).toBe('closed');
  });

  it('logs a throwing handler when no onHandlerError is given', () => {
    const lines: { obj: object; msg: string | undefined }[] = [];
    const record = (obj: object, msg?: string): void => void lines.push({ obj, msg });
    const logger: BusLogger = { debug: record, info: record, warn: record, error: record };
    const bus = createMemoryBus({ logger });
    const boom = new Error('boom');
    bus.subscribe('x', () => {
      throw boom;
    });

    bus.publish('x', bytes('1'));

    expect(lines).toEqual([{ obj: { err: boom, subject: 'x' }, msg: 'bus handler threw' }]);
  });

  it('rejects invalid subjects as programmer errors', () => {
    const bus = createMemoryBus();
    for (const subject of ['', 'a..b', '.a', 'a.', 'a b', 'a.*', 'a.>']) {
      expect(() => bus.publish(subject, bytes('x')), subject).toThrow(TypeError);
    }
    for (const subject of ['', 'a..b', 'a.>.b', '>.a']) {
      expect(() => bus.subscribe(subject, () => undefined), subject).toThrow(TypeError);
    }
  });
});
