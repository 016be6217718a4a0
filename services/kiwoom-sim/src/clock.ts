import type { SimClock } from './market/sim-clock.js';

/**
 * The simulated clock as the API layer and the admin endpoint need it: read it, stop it at a fixed
 * instant, run it from a start instant at a speed factor, or move it forward. Token expiry, rate
 * windows and fault durations all read this clock, so tests move time instead of sleeping.
 */

export type ClockSetting =
  /** Stands still at `at`. */
  | { readonly at: Date }
  /** Runs from `start` (now, on the wall clock) at `speed` simulated ms per wall ms; 0 stands still. */
  | { readonly start: Date; readonly speed: number };

export interface ClockState {
  readonly now: Date;
  /** Simulated ms per wall ms; 0 when the clock stands still. */
  readonly speed: number;
}

export interface AdjustableClock {
  now(): Date;
  set(setting: ClockSetting): void;
  /** Moves the simulated time by `ms` (negative moves it back), keeping the speed. */
  advance(ms: number): void;
  state(): ClockState;
}

/**
 * The market's SimClock seen as an AdjustableClock. SimClock has no speed 0, so standing still
 * maps to its `fixed` setting.
 */
export function adaptSimClock(clock: SimClock): AdjustableClock {
  return {
    now: () => clock.now(),
    set(setting) {
      if ('at' in setting) clock.set({ fixed: checkDate(setting.at) });
      else if (checkSpeed(setting.speed) === 0) clock.set({ fixed: checkDate(setting.start) });
      else clock.set({ start: checkDate(setting.start), speed: setting.speed });
    },
    advance(ms) {
      if (!Number.isFinite(ms)) throw new RangeError(`advance needs a finite number of ms, got ${ms}`);
      const target = new Date(clock.now().getTime() + ms);
      // A running clock keeps its speed when given only a new start.
      clock.set(clock.fixed ? { fixed: target } : { start: target });
    },
    state: () => ({ now: clock.now(), speed: clock.fixed ? 0 : clock.speed }),
  };
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`speed must be a finite number ≥ 0, got ${speed}`);
  return speed;
}

function checkDate(at: Date): Date {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date');
  return at;
}

/** An ISO-8601 instant with `Z` or an explicit offset (never the machine's local time). */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
