import { fullJitterBackoff } from '@repo/observability';

/**
 * Reconnect delays for the nats client's `reconnectDelayHandler`: capped exponential with full
 * jitter. The delay ceiling is `baseMs · 2^attempt`, at most `maxMs`; each attempt waits a random
 * time in [`minMs`, ceiling].
 *
 * The client asks for the delay once per pass of its dial loop, several times per attempt, and
 * dials when the delay has passed since its last dial. So one random delay is kept until it has
 * elapsed; only then does the next call count as a new attempt. `reset()` (on reconnect) starts
 * over from `baseMs`.
 */
export interface ReconnectBackoff {
  /** The delay before the next dial, in milliseconds. */
  next(): number;
  /** Starts over after a successful connection. */
  reset(): void;
}

export interface ReconnectBackoffOptions {
  baseMs: number;
  maxMs: number;
  /** The shortest delay, so a near-zero draw cannot make a tight dial loop. @default 10 */
  minMs?: number;
  random?: () => number;
  now?: () => number;
}

const DEFAULT_MIN_DELAY_MS = 10;
/** 2^20 · base is past any sensible cap; stops the exponent from overflowing. */
const MAX_EXPONENT = 20;

export function createReconnectBackoff({
  baseMs,
  maxMs,
  minMs = DEFAULT_MIN_DELAY_MS,
  random = Math.random,
  now = Date.now,
}: ReconnectBackoffOptions): ReconnectBackoff {
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new RangeError(`reconnect delays need 0 < baseMs <= maxMs, got baseMs=${baseMs} maxMs=${maxMs}`);
  }
  const draw = fullJitterBackoff({ baseMs, maxMs, random });
  let attempt = 0;
  let delay = 0;
  let chosenAt = Number.NEGATIVE_INFINITY;
  return {
    next() {
      const t = now();
      if (t >= chosenAt + delay) {
        delay = Math.max(Math.min(minMs, baseMs), Math.round(draw(Math.min(attempt, MAX_EXPONENT))));
        chosenAt = t;
        attempt++;
      }
      return delay;
    },
    reset() {
      attempt = 0;
      delay = 0;
      chosenAt = Number.NEGATIVE_INFINITY;
    },
  };
}
