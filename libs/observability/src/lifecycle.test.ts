import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLifecycle } from './lifecycle.js';
import type { LifecycleOptions } from './lifecycle.js';
import { createLogger } from './logger.js';

type LogRecord = Record<string, unknown>;

/** A lifecycle whose log lines and exit codes the test can read. */
function setup(overrides: Partial<Pick<LifecycleOptions, 'deadlineMs'>> = {}) {
  const records: LogRecord[] = [];
  const logger = createLogger(
    { name: 'test', level: 'debug' },
    {
      write: (line: string) => {
        records.push(JSON.parse(line) as LogRecord);
      },
    },
  );
  const exit = vi.fn<(code: number) => void>();
  const lifecycle = createLifecycle({ logger, deadlineMs: overrides.deadlineMs ?? 1_000, exit });
  return { lifecycle, exit, records };
}

/** A closer that stays pending until the test resolves it. */
function deferredCloser() {
  let release: () => void = () => undefined;
  const closer = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
  return { closer, release: () => release() };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createLifecycle', () => {
  it('rejects a deadline that is not a positive number', () => {
    const logger = createLogger({ name: 'test' }, { write: () => undefined });
    for (const deadlineMs of [0, -1, Number.NaN]) {
      expect(() => createLifecycle({ logger, deadlineMs, exit: vi.fn() })).toThrow(RangeError);
    }
  });

  it('runs closers in reverse order of registration', async () => {
    const { lifecycle } = setup();
    const order: string[] = [];
    lifecycle.add('redis', () => {
      order.push('redis');
    });
    lifecycle.add('nats', async () => {
      order.push('nats');
    });
    lifecycle.add('edge', () => {
      order.push('edge');
    });
    await lifecycle.shutdown('test');
    expect(order).toEqual(['edge', 'nats', 'redis']);
  });

  it('awaits each closer before starting the next', async () => {
    const { lifecycle } = setup();
    const first = deferredCloser();
    const second = vi.fn();
    lifecycle.add('second', second);
    lifecycle.add('first', first.closer);
    const done = lifecycle.shutdown('test');
    await Promise.resolve();
    expect(first.closer).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
    first.release();
    await done;
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('returns the same promise from a second shutdown and runs each closer once', async () => {
    const { lifecycle } = setup();
    const closer = vi.fn();
    lifecycle.add('only', closer);
    const first = lifecycle.shutdown('SIGTERM');
    const second = lifecycle.shutdown('SIGINT');
    expect(second).toBe(first);
    await first;
    expect(closer).toHaveBeenCalledTimes(1);
  });

  it('reports shutting down from the first shutdown call on', async () => {
    const { lifecycle } = setup();
    expect(lifecycle.isShuttingDown()).toBe(false);
    const done = lifecycle.shutdown('test');
    expect(lifecycle.isShuttingDown()).toBe(true);
    await done;
    expect(lifecycle.isShuttingDown()).toBe(true);
  });

  it('refuses closers added after shutdown started', async () => {
    const { lifecycle } = setup();
    await lifecycle.shutdown('test');
    expect(() => lifecycle.add('late', vi.fn())).toThrow(/late.*shutdown has started/);
  });

  it('logs a failing closer under err and still runs the others', async () => {
    const { lifecycle, records, exit } = setup();
    const last = vi.fn();
    lifecycle.add('last', last);
    lifecycle.add('rejects', () => Promise.reject(new Error('drain failed')));
    lifecycle.add('throws', () => {
      throw new Error('quit failed');
    });
    await expect(lifecycle.shutdown('test')).resolves.toBeUndefined();
    expect(last).toHaveBeenCalledTimes(1);
    const failures = records.filter((r) => r['msg'] === 'closer failed');
    expect(failures.map((r) => [r['closer'], (r['err'] as LogRecord)['message']])).toEqual([
      ['throws', 'quit failed'],
      ['rejects', 'drain failed'],
    ]);
    expect(exit).not.toHaveBeenCalled();
  });

  it('logs one line per closer with its duration, and a final line', async () => {
    const { lifecycle, records } = setup();
    lifecycle.add('a', vi.fn());
    lifecycle.add('b', vi.fn());
    await lifecycle.shutdown('SIGTERM');
    const closed = records.filter((r) => r['msg'] === 'closed');
    expect(closed.map((r) => r['closer'])).toEqual(['b', 'a']);
    for (const record of closed) expect(record['durationMs']).toEqual(expect.any(Number));
    expect(records.at(-1)).toMatchObject({ msg: 'shutdown complete', reason: 'SIGTERM', component: 'lifecycle' });
  });

  it('calls exit(1) when the closers overrun the deadline', async () => {
    vi.useFakeTimers();
    const { lifecycle, exit, records } = setup({ deadlineMs: 5_000 });
    const stuck = deferredCloser();
    lifecycle.add('stuck', stuck.closer);
    const done = lifecycle.shutdown('SIGTERM');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'shutdown deadline exceeded, exiting', pendingClosers: 1 }));
    stuck.release();
    await done;
  });

  it('clears the deadline once the closers finish', async () => {
    vi.useFakeTimers();
    const { lifecycle, exit } = setup({ deadlineMs: 5_000 });
    lifecycle.add('fast', vi.fn());
    await lifecycle.shutdown('test');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exit).not.toHaveBeenCalled();
  });

  it('unrefs the deadline timer so it never keeps the process alive', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const { lifecycle } = setup();
    const stuck = deferredCloser();
    lifecycle.add('stuck', stuck.closer);
    const done = lifecycle.shutdown('test');
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    stuck.release();
    await done;
  });
});

describe('Lifecycle.onSignals', () => {
  it('shuts down and exits 0 on a listed signal', async () => {
    const { lifecycle, exit } = setup();
    const proc = new EventEmitter();
    const closer = vi.fn();
    lifecycle.add('edge', closer);
    lifecycle.onSignals(['SIGTERM', 'SIGINT'], proc);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(lifecycle.isShuttingDown()).toBe(true);
    // The signal handler's exit(0) was chained onto this same promise first, so it has run.
    await lifecycle.shutdown('again');
    expect(closer).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('does not exit 0 after the deadline already exited 1', async () => {
    vi.useFakeTimers();
    const { lifecycle, exit } = setup({ deadlineMs: 100 });
    const proc = new EventEmitter();
    const stuck = deferredCloser();
    lifecycle.add('stuck', stuck.closer);
    lifecycle.onSignals(['SIGTERM'], proc);
    proc.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(100);
    stuck.release();
    await lifecycle.shutdown('again');
    expect(exit.mock.calls).toEqual([[1]]);
  });

  it('logs fatal and exits 1 on an uncaught exception', () => {
    const { lifecycle, exit, records } = setup();
    const proc = new EventEmitter();
    lifecycle.onSignals(['SIGTERM'], proc);
    proc.emit('uncaughtException', new Error('bug'));
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(records.at(-1)).toMatchObject({ level: 60, msg: 'uncaught exception, exiting', err: { message: 'bug' } });
  });

  it('logs fatal and exits 1 on an unhandled rejection', () => {
    const { lifecycle, exit, records } = setup();
    const proc = new EventEmitter();
    lifecycle.onSignals(['SIGTERM'], proc);
    proc.emit('unhandledRejection', new Error('lost'), Promise.resolve());
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(records.at(-1)).toMatchObject({ level: 60, msg: 'unhandled promise rejection, exiting', err: { message: 'lost' } });
  });

  it('returns a function that removes every listener it added', () => {
    const { lifecycle } = setup();
    const proc = new EventEmitter();
    const remove = lifecycle.onSignals(['SIGTERM', 'SIGINT'], proc);
    expect(proc.eventNames()).toEqual(['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection']);
    remove();
    expect(proc.eventNames()).toEqual([]);
  });
});
