import { kstInstant } from '@repo/market';
import { describe, expect, it } from 'vitest';
import { createSimClock, sessionStart } from './sim-clock.js';

const kst = (date: string, hour: number, minute = 0): Date => kstInstant(date, hour * 3600 + minute * 60);

/** A hand-driven real-time source, so no test sleeps. */
function fakeRealTime(start: Date): { realNow: () => number; advance: (ms: number) => void } {
  let now = start.getTime();
  return { realNow: () => now, advance: (ms) => (now += ms) };
}

describe('createSimClock', () => {
  it('runs at the speed factor from its start instant', () => {
    const real = fakeRealTime(new Date('2030-01-01T00:00:00Z'));
    const clock = createSimClock({ start: kst('20261125', 10, 0), speed: 60 }, { realNow: real.realNow });
    expect(clock.now()).toEqual(kst('20261125', 10, 0));
    real.advance(1_000);
    expect(clock.now()).toEqual(kst('20261125', 10, 1));
    real.advance(59_000);
    expect(clock.now()).toEqual(kst('20261125', 11, 0));
  });

  it('follows real time with start "now"', () => {
    const real = fakeRealTime(new Date('2026-11-25T01:00:00Z'));
    const clock = createSimClock({ start: 'now' }, { realNow: real.realNow });
    real.advance(5_000);
    expect(clock.now().toISOString()).toBe('2026-11-25T01:00:05.000Z');
  });

  it('stands still when fixed, and stays fixed when set without start or speed', () => {
    const real = fakeRealTime(new Date('2030-01-01T00:00:00Z'));
    const clock = createSimClock({ fixed: kst('20261125', 15, 25) }, { realNow: real.realNow });
    real.advance(3_600_000);
    clock.set({});
    expect(clock.now()).toEqual(kst('20261125', 15, 25));
    expect(clock.fixed).toBe(true);
  });

  it('can be set at run time: speed changes keep the simulated instant, start jumps', () => {
    const real = fakeRealTime(new Date('2030-01-01T00:00:00Z'));
    const clock = createSimClock({ fixed: kst('20261125', 9, 0) }, { realNow: real.realNow });
    clock.set({ speed: 10 });
    expect(clock.fixed).toBe(false);
    real.advance(6_000);
    expect(clock.now()).toEqual(kst('20261125', 9, 1));
    clock.set({ start: kst('20261125', 15, 0) });
    expect(clock.speed).toBe(10);
    real.advance(30_000);
    expect(clock.now()).toEqual(kst('20261125', 15, 5));
  });

  it('starts inside the latest session by default', () => {
    const saturday = fakeRealTime(kst('20261128', 12, 0));
    expect(createSimClock({}, { realNow: saturday.realNow }).now()).toEqual(kst('20261127', 10, 0));
    const mondayMorning = fakeRealTime(kst('20261130', 7, 0));
    expect(createSimClock({}, { realNow: mondayMorning.realNow }).now()).toEqual(kst('20261127', 10, 0));
    const mondayNoon = fakeRealTime(kst('20261130', 12, 0));
    expect(sessionStart(mondayNoon.realNow())).toEqual(kst('20261130', 10, 0));
  });

  it('rejects a speed that is not positive', () => {
    expect(() => createSimClock({ speed: 0 })).toThrow(RangeError);
    expect(() => createSimClock({ speed: Number.NaN })).toThrow(RangeError);
  });
});
