import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDeadline } from './deadline.js';

describe('startDeadline', () => {
  let clock = 0;
  const now = (): number => clock;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setImmediate'] });
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());

  /** Advances the fake timers and the injected clock together, one step at a time. */
  const run = (ms: number, stepMs = 100): void => {
    for (let t = 0; t < ms; t += stepMs) {
      clock += stepMs;
      vi.advanceTimersByTime(stepMs);
    }
  };

  it('aborts once the time has passed, after the loop turn', () => {
    const deadline = startDeadline(1_000, now);
    run(900);
    expect(deadline.signal.aborted).toBe(false);
    run(100);
    expect(deadline.signal.aborted).toBe(false);
    vi.runOnlyPendingTimers();
    expect(deadline.signal.aborted).toBe(true);
  });

  it('counts a blocked event loop as two steps at most', () => {
    const deadline = startDeadline(1_000, now);
    run(300);
    // The loop is blocked for 5 s: the next tick sees the clock 5 s later.
    clock += 5_000;
    vi.advanceTimersByTime(100);
    vi.runOnlyPendingTimers();
    expect(deadline.signal.aborted).toBe(false);
    run(500);
    vi.runOnlyPendingTimers();
    expect(deadline.signal.aborted).toBe(true);
  });

  it('never aborts once cleared', () => {
    const deadline = startDeadline(200, now);
    deadline.clear();
    run(1_000);
    vi.runOnlyPendingTimers();
    expect(deadline.signal.aborted).toBe(false);
  });
});
