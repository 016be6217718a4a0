import { describe, expect, it } from 'vitest';
import { createReconnectBackoff } from './reconnect-backoff.js';

/** A backoff whose clock the test moves and whose random draws are fixed. */
function harness(draw: number, opts: { baseMs?: number; maxMs?: number } = {}) {
  let t = 1_000;
  const backoff = createReconnectBackoff({ baseMs: opts.baseMs ?? 100, maxMs: opts.maxMs ?? 1_000, random: () => draw, now: () => t });
  return {
    backoff,
    /** The delay of each attempt, waiting out each one as the client's dial loop does. */
    attempts(n: number): number[] {
      const delays: number[] = [];
      for (let i = 0; i < n; i++) {
        const d = backoff.next();
        delays.push(d);
        t += d;
      }
      return delays;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('createReconnectBackoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect(harness(1).attempts(6)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('draws each delay between the floor and the ceiling (full jitter)', () => {
    expect(harness(0.5).attempts(4)).toEqual([50, 100, 200, 400]);
    expect(harness(0).attempts(3)).toEqual([10, 10, 10]);
  });

  it('keeps one delay until it has elapsed, however often the client asks', () => {
    const h = harness(1);
    expect(h.backoff.next()).toBe(100);
    h.advance(60);
    expect(h.backoff.next()).toBe(100);
    h.advance(40);
    expect(h.backoff.next()).toBe(200);
  });

  it('starts over after reset', () => {
    const h = harness(1);
    h.attempts(4);
    h.backoff.reset();
    expect(h.attempts(2)).toEqual([100, 200]);
  });

  it('rejects a cap below the base', () => {
    expect(() => createReconnectBackoff({ baseMs: 500, maxMs: 100 })).toThrow(RangeError);
    expect(() => createReconnectBackoff({ baseMs: 0, maxMs: 100 })).toThrow(RangeError);
  });
});
