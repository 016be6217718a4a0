import { describe, expect, it } from 'vitest';
import { createLiveStats } from './live-stats.js';

describe('LiveStats', () => {
  it('counts messages per second over the window and forgets older ones', () => {
    const stats = createLiveStats({ windowMs: 10_000 });
    for (let i = 0; i < 20; i += 1) stats.record(1_000 + i * 100, undefined);
    expect(stats.snapshot(3_000)).toMatchObject({ perSecond: 2, total: 20, latencyP50Ms: undefined });
    expect(stats.snapshot(20_000)).toMatchObject({ perSecond: 0, total: 20 });
  });

  it('measures latency as arrival time minus the message timestamp, and calls a large one a clock offset', () => {
    const stats = createLiveStats({ windowMs: 10_000, clockOffsetMs: 60_000 });
    const sent = Date.parse('2026-11-25T06:00:00Z');
    [40, 60, 80, 100, 1_000].forEach((ms, i) => stats.record(sent + ms + i, new Date(sent + i).toISOString()));
    expect(stats.snapshot(sent + 1_100)).toMatchObject({ latencyP50Ms: 80, latencyP95Ms: 1_000, clockOffset: false });

    const skewed = createLiveStats({ clockOffsetMs: 60_000 });
    skewed.record(sent + 12 * 3_600_000, '2026-11-25T15:00:00+09:00');
    expect(skewed.snapshot(sent + 12 * 3_600_000)).toMatchObject({ latencyP50Ms: 12 * 3_600_000, clockOffset: true });
  });

  it('counts sequence gaps', () => {
    const stats = createLiveStats();
    stats.gap();
    stats.gap();
    expect(stats.snapshot(0).gaps).toBe(2);
  });
});
