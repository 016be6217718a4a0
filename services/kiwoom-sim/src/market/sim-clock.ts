import { defaultCalendar, kstDate, kstInstant, type TradingCalendar } from '@repo/market';

/** How the simulated clock runs; fields left out of `set()` keep their current values. */
export interface SimClockOptions {
  /**
   * Where simulated time starts: an instant, `'now'` (wall-clock time), or `'session'`:
   * 10:00 KST of the latest trading day whose 10:00 has passed, so a standalone run starts inside
   * a session even on a weekend. Default `'session'`.
   */
  readonly start?: Date | 'session' | 'now';
  /** Simulated milliseconds per real millisecond, > 0. Default 1. */
  readonly speed?: number;
  /** Stand still at this instant (ignores `start` and `speed` until set again). */
  readonly fixed?: Date;
}

/** The simulator's notion of now; every market value is computed at `now()`. */
export interface SimClock {
  now(): Date;
  /** Re-anchor at run time; a running clock keeps its simulated instant unless `start` is given. */
  set(options: SimClockOptions): void;
  readonly speed: number;
  readonly fixed: boolean;
}

export interface SimClockDeps {
  /** Real time in epoch milliseconds; injected so tests need no sleeps. Default `Date.now`. */
  readonly realNow?: () => number;
  readonly calendar?: TradingCalendar;
}

/** 10:00 KST is inside continuous trading on every trading day, late openings included. */
const SESSION_START_SECOND = 10 * 3600;

/** 10:00 KST of the latest trading day whose 10:00 is not after `realMs`. */
export function sessionStart(realMs: number, calendar: TradingCalendar = defaultCalendar): Date {
  let date = kstDate(new Date(realMs));
  if (!calendar.isTradingDay(date) || kstInstant(date, SESSION_START_SECOND).getTime() > realMs) {
    date = calendar.previousTradingDay(date);
  }
  return kstInstant(date, SESSION_START_SECOND);
}

/**
 * A clock running at `speed` from a start instant, or standing still at `fixed`.
 * @example createSimClock({ fixed: new Date('2026-11-25T06:25:00Z') }) // 15:25 KST, closing auction
 */
export function createSimClock(options: SimClockOptions = {}, deps: SimClockDeps = {}): SimClock {
  const realNow = deps.realNow ?? Date.now;
  const calendar = deps.calendar ?? defaultCalendar;
  // Simulated ms = anchorSim + (real ms − anchorReal) × speed, or `frozen` while fixed.
  let anchorSim = 0;
  let anchorReal = 0;
  let speed = 1;
  let frozen: number | null = null;

  const current = (): number => frozen ?? anchorSim + (realNow() - anchorReal) * speed;

  function resolveStart(start: Date | 'session' | 'now'): number {
    if (start === 'now') return realNow();
    if (start === 'session') return sessionStart(realNow(), calendar).getTime();
    const ms = start.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('SimClock start is an invalid Date');
    return ms;
  }

  function set(next: SimClockOptions): void {
    if (next.speed !== undefined && !(Number.isFinite(next.speed) && next.speed > 0)) {
      throw new RangeError(`SimClock speed must be a positive number, got ${next.speed}`);
    }
    if (next.fixed !== undefined) {
      const ms = next.fixed.getTime();
      if (!Number.isFinite(ms)) throw new RangeError('SimClock fixed is an invalid Date');
      frozen = ms;
      if (next.speed !== undefined) speed = next.speed;
      return;
    }
    // Nothing that would make a frozen clock run again: it stays fixed.
    if (frozen !== null && next.start === undefined && next.speed === undefined) return;
    const simNow = next.start !== undefined ? resolveStart(next.start) : current();
    if (next.speed !== undefined) speed = next.speed;
    anchorSim = simNow;
    anchorReal = realNow();
    frozen = null;
  }

  set(options.fixed !== undefined ? options : { start: 'session', ...options });

  return {
    now: () => new Date(current()),
    set,
    get speed() {
      return speed;
    },
    get fixed() {
      return frozen !== null;
    },
  };
}
